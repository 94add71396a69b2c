#!/usr/bin/env node
// Fine-tunes the sentiment classifier from a random body whose token embeddings come from a table
// (sgns-embeddings.mjs), against the same random body with random embeddings, on VALIDATION only.
// Appends one JSON line per run to OUT.jsonl.
//
// usage: node packages/train/scripts/embed-init-search.mjs CKPT TABLE.safetensors OUT.jsonl
//        [--labels 200,0] [--seeds 0,1] [--lrs 5e-4,1e-3] [--scales 1] [--freeze]
import { appendFileSync, readFileSync } from 'node:fs';
import { manualSeed, tensor } from '@tsgrad/core';
import { parseSafetensors } from '@tsgrad/nn';
import { classifierFor, finetuneClassifier, loadCheckpoint, sentimentSplits, takeLabelled, tokenizerFromJSON } from '@tsgrad/train';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args.splice(i, 2)[1] : def; };
const labelCounts = opt('labels', '200,0').split(',').map(Number);
const seeds = opt('seeds', '0,1').split(',').map(Number);
const lrs = opt('lrs', '5e-4,1e-3').split(',').map(Number);
const scales = opt('scales', '1').split(',').map(Number);
const inits = opt('inits', 'random,table').split(',');
const [ckptPath, tablePath, out] = args;
const ck = await loadCheckpoint(ckptPath);
const tokenizer = tokenizerFromJSON(ck.tokenizer);
const cfg = ck.modelConfig;
const splits = sentimentSplits(0);
const raw = parseSafetensors(new Uint8Array(readFileSync(tablePath))).tensors.wte;
const tableData = Float32Array.from(raw.tolist().flat());
const V = cfg.vocabSize, D = cfg.shape.nEmbd;
// centre the table and give it the random init's per-element standard deviation (0.02) times scale
const mean = new Float64Array(D);
for (let v = 0; v < V; v++) for (let d = 0; d < D; d++) mean[d] += tableData[v * D + d] / V;
let ss = 0;
for (let v = 0; v < V; v++) for (let d = 0; d < D; d++) ss += (tableData[v * D + d] - mean[d]) ** 2;
const std = Math.sqrt(ss / (V * D));
const BASE = { pooling: 'mean+max', batchSize: 16, patience: 6, epochs: 10, minSteps: 60, maxSteps: 150 };
for (const n of labelCounts) for (const lr of lrs) for (const scale of scales) for (const init of inits) for (const seed of seeds) {
  const trainSet = takeLabelled(splits.train, n > 0 ? n : splits.train.length, { seed, balanced: true });
  // the random body finetuneClassifier would build for this seed, with the table's embeddings
  manualSeed(seed);
  const m = classifierFor(cfg, 2, { pooling: 'mean+max' });
  const sd = Object.fromEntries(Object.entries(m.stateDict()).filter(([k]) => k.startsWith('transformer.')));
  if (init === 'table') {
    const w = new Float32Array(V * D);
    for (let v = 0; v < V; v++) for (let d = 0; d < D; d++) w[v * D + d] = ((tableData[v * D + d] - mean[d]) / std) * 0.02 * scale;
    sd['transformer.wte.weight'] = tensor(w, { shape: [V, D] });
  }
  const t0 = performance.now();
  const r = await finetuneClassifier({ tokenizer, init: { checkpoint: { ...ck, model: sd } }, train: trainSet, validation: splits.validation, seed, ...BASE, lrBody: lr, lrHead: Math.max(lr, 2e-3), freeze: args.includes('--freeze') && init === 'table' ? 'embeddings' : undefined, log: { progress: 'none' } });
  const rec = { init, scale, lr, freezeEmbeddings: args.includes('--freeze') && init === 'table', labels: trainSet.length, seed, validationAccuracy: r.validationAccuracy, steps: r.result.step, seconds: Math.round((performance.now() - t0) / 1000), table: tablePath };
  appendFileSync(out, `${JSON.stringify(rec)}\n`);
  console.log(JSON.stringify(rec));
}
