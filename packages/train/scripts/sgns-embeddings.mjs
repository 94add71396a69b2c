#!/usr/bin/env node
// Skip-gram with negative sampling (word2vec; Mikolov et al. 2013) over the BPE tokens of the
// pretraining corpus: token vectors learned from co-occurrence alone, in minutes on one core.
// Writes a float32 [vocab, dim] table (safetensors, key `wte`) to initialise a Transformer's
// token embeddings with.
//
// usage: node packages/train/scripts/sgns-embeddings.mjs CKPT OUT.safetensors [--dim 128] [--task-text R]
//        [--window 5] [--negatives 5] [--epochs 1] [--lr 0.025] [--sample 1e-4] [--seed 0]
// CKPT gives the tokenizer (the fine-tuning tokenizer), the corpus is the default mix.

import { writeFileSync, renameSync } from 'node:fs';
import { loadCheckpoint, pretrainingCorpus, sentimentSplits, tokenizerFromJSON } from '@tsgrad/train';
import { serializeSafetensors } from '@tsgrad/nn';
import { tensor } from '@tsgrad/core';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : def;
};
const D = opt('dim', 128), WIN = opt('window', 5), NEG = opt('negatives', 5), EPOCHS = opt('epochs', 1);
const LR0 = opt('lr', 0.025), SAMPLE = opt('sample', 1e-4), SEED = opt('seed', 0), TASK = opt('task-text', 0);
const [ckptPath, out] = args;
if (!ckptPath || !out) throw new Error('usage: sgns-embeddings.mjs CKPT OUT.safetensors [--dim N] ...');

// a small seeded generator (xorshift32), so the table is reproducible
let s = (SEED * 2654435761 + 1) >>> 0 || 1;
const rand = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };

const ck = await loadCheckpoint(ckptPath);
const tok = tokenizerFromJSON(ck.tokenizer);
const V = tok.vocabSize;
const corpus = pretrainingCorpus(['sotu', 'brown', 'moby-dick', 'nlp-corpus']);
let t0 = performance.now();
const parts = [];
let total = 0;
for (const doc of corpus.train) {
  for (const para of doc.split(/\n+/)) {
    if (!para.trim()) continue;
    const ids = tok.encode(para);
    parts.push(Int32Array.from(ids));
    total += ids.length;
  }
}
// --task-text R: the sentiment training pool's TEXT (never its labels, never validation or test
// sentences), R copies, as ULMFiT's target-task stage does for a language model
const pool = sentimentSplits(0).train.map((e) => e.text);
for (let r = 0; r < TASK; r++) for (const text of pool) { const ids = tok.encode(text); parts.push(Int32Array.from(ids)); total += ids.length; }
console.log(`${total} tokens in ${parts.length} paragraphs, encoded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
for (let i = parts.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [parts[i], parts[j]] = [parts[j], parts[i]]; }
const counts = new Float64Array(V);
for (const p of parts) for (const id of p) counts[id]++;
const keep = new Float64Array(V);
for (let v = 0; v < V; v++) { const f = counts[v] / total; keep[v] = f > 0 ? Math.min(1, Math.sqrt(SAMPLE / f) + SAMPLE / f) : 0; }
const TABLE = 1 << 22;
const table = new Int32Array(TABLE);
{
  let z = 0;
  for (let v = 0; v < V; v++) z += counts[v] ** 0.75;
  let v = 0, acc = counts[0] ** 0.75 / z;
  for (let i = 0; i < TABLE; i++) {
    table[i] = v;
    if (i / TABLE > acc && v < V - 1) acc += counts[++v] ** 0.75 / z;
  }
}
const win = new Float32Array(V * D).map(() => (rand() - 0.5) / D);
const wout = new Float32Array(V * D);
const grad = new Float32Array(D);
const steps = EPOCHS * total;
let done = 0;
t0 = performance.now();
const sent = new Int32Array(4096);
for (let e = 0; e < EPOCHS; e++) {
  for (const p of parts) {
    for (let start = 0; start < p.length; start += 4096) {
      let n = 0;
      const end = Math.min(p.length, start + 4096);
      for (let i = start; i < end; i++) if (rand() < keep[p[i]]) sent[n++] = p[i];
      done += end - start;
      const lr = Math.max(LR0 * 1e-4, LR0 * (1 - done / steps));
      for (let i = 0; i < n; i++) {
        const b = 1 + Math.floor(rand() * WIN);
        const c = sent[i] * D;
        for (let j = Math.max(0, i - b); j < Math.min(n, i + b + 1); j++) {
          if (j === i) continue;
          const w = sent[j] * D; // input word j predicts context i (word2vec's skip-gram form)
          grad.fill(0);
          for (let k = 0; k <= NEG; k++) {
            let target, label;
            if (k === 0) { target = c; label = 1; }
            else { const t = table[Math.floor(rand() * TABLE)]; if (t === sent[i]) continue; target = t * D; label = 0; }
            let dot = 0;
            for (let d = 0; d < D; d++) dot += win[w + d] * wout[target + d];
            const g = (label - 1 / (1 + Math.exp(-Math.max(-10, Math.min(10, dot))))) * lr;
            for (let d = 0; d < D; d++) { grad[d] += g * wout[target + d]; wout[target + d] += g * win[w + d]; }
          }
          for (let d = 0; d < D; d++) win[w + d] += grad[d];
        }
      }
    }
    if (rand() < 1 / 20000) console.log(`epoch ${e} ${(100 * done / steps).toFixed(1)}% ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
}
console.log(`trained in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
// nearest neighbours of a few sentiment words, as a sanity check
const norm = (v) => { let q = 0; for (let d = 0; d < D; d++) q += win[v * D + d] ** 2; return Math.sqrt(q); };
for (const word of [' good', ' bad', ' great', ' terrible', ' love', ' boring']) {
  const ids = tok.encode(word);
  if (ids.length !== 1) { console.log(word, 'is', ids.length, 'tokens'); continue; }
  const v = ids[0], nv = norm(v);
  const sims = [];
  for (let u = 0; u < V; u++) { if (u === v || counts[u] < 5) continue; let q = 0; for (let d = 0; d < D; d++) q += win[v * D + d] * win[u * D + d]; sims.push([q / (nv * norm(u) + 1e-9), u]); }
  sims.sort((a, b) => b[0] - a[0]);
  console.log(JSON.stringify(word), '->', sims.slice(0, 8).map(([q, u]) => `${tok.decode([u])}(${q.toFixed(2)})`).join(' '));
}
const bytes = serializeSafetensors({ wte: tensor(win, { shape: [V, D] }) }, { tokens: String(total), dim: String(D), window: String(WIN), negatives: String(NEG), epochs: String(EPOCHS) });
writeFileSync(`${out}.tmp`, bytes);
renameSync(`${out}.tmp`, out);
