#!/usr/bin/env node
// Chooses the fine-tuning recipe of the main experiment on VALIDATION accuracy only (test is never
// passed in), for the pretrained body and for the same architecture from scratch, with the same
// budget of variants for each. Appends one JSON line per run to OUT.jsonl and prints a table of
// mean validation accuracy per variant and label count.
//
// usage: node packages/train/scripts/recipe-search.mjs CKPT OUT.jsonl [--labels 200,0] [--seeds 0]
//        [--variants name,name] [--task-lm-steps N] [--jobs N]
//
// --jobs N (default 2) runs N fine-tuning runs at once in worker threads, one core each (the
// results are the same as one after another).
//
// A variant is fine-tuning options plus, for the pretrained body, an optional target-task LM stage
// (ULMFiT): the causal LM continued on the labelled pool's TEXT (never its labels, never
// validation or test text) before fine-tuning.

import { appendFileSync } from 'node:fs';
import { loadCheckpoint, pretrain, runFinetuneJobs, saveCheckpoint, sentimentSplits, takeLabelled, tokenizerFromJSON } from '@tsgrad/train';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : def;
};
const labelCounts = opt('labels', '200,0').split(',').map(Number);
const seeds = opt('seeds', '0').split(',').map(Number);
const only = opt('variants', '');
const taskLmSteps = Number(opt('task-lm-steps', '150'));
const workers = Number(opt('jobs', '2'));
const [ckptPath, out] = args;
if (!ckptPath || !out) {
  console.error('usage: recipe-search.mjs CKPT OUT.jsonl [--labels 200,0] [--seeds 0] [--variants a,b] [--task-lm-steps N] [--jobs N]');
  process.exit(2);
}

const BASE = { pooling: 'mean+max', batchSize: 16, lrHead: 2e-3, patience: 6 };
const LONG = { epochs: 10, minSteps: 100, maxSteps: 300 };
const CAP150 = { epochs: 10, minSteps: 60, maxSteps: 150 };
/** The variants, each for 'pretrained' or 'scratch' (the same number of each). */
const VARIANTS = [
  { name: 'pre-landed', init: 'pretrained', ft: { ...BASE, epochs: 20, minSteps: 60, maxSteps: 110, lrBody: 2e-4 } },
  { name: 'pre-long', init: 'pretrained', ft: { ...BASE, ...LONG, lrBody: 2e-4 } },
  { name: 'pre-long-lr5e-4', init: 'pretrained', ft: { ...BASE, ...LONG, lrBody: 5e-4 } },
  { name: 'pre-long-decay0.7', init: 'pretrained', ft: { ...BASE, ...LONG, lrBody: 5e-4, layerwiseDecay: 0.7 } },
  { name: 'pre-long-tasklm', init: 'pretrained', taskLm: true, ft: { ...BASE, ...LONG, lrBody: 2e-4 } },
  { name: 'scratch-landed', init: 'scratch', ft: { ...BASE, epochs: 20, minSteps: 60, maxSteps: 110, lrBody: 2e-4 } },
  { name: 'scratch-long-lr2e-4', init: 'scratch', ft: { ...BASE, ...LONG, lrBody: 2e-4 } },
  { name: 'scratch-long-lr5e-4', init: 'scratch', ft: { ...BASE, ...LONG, lrBody: 5e-4 } },
  { name: 'scratch-long-lr1e-3', init: 'scratch', ft: { ...BASE, ...LONG, lrBody: 1e-3, lrHead: 1e-3 } },
  { name: 'scratch-long-lr2e-3', init: 'scratch', ft: { ...BASE, ...LONG, lrBody: 2e-3, lrHead: 2e-3 } },
  // the second search, within the main job's 15 minutes: 10 epochs capped at 150 steps, the
  // learning rate swept over the same four values for both bodies
  ...[2e-4, 5e-4, 1e-3, 2e-3].flatMap((lr) => ['pre', 'scratch'].map((init) => ({
    name: `${init}-cap150-lr${lr.toExponential().replace('+', '')}`, init: init === 'pre' ? 'pretrained' : 'scratch',
    ft: { ...BASE, ...CAP150, lrBody: lr, lrHead: Math.max(lr, 2e-3) },
  }))),
  // the third, once fine-tuning runs two at a time: the same grid with LONG's cap of 300 steps
  ...[2e-4, 5e-4, 1e-3, 2e-3].flatMap((lr) => ['pre', 'scratch'].map((init) => ({
    name: `${init}-cap300-lr${lr.toExponential().replace('+', '')}`, init: init === 'pre' ? 'pretrained' : 'scratch',
    ft: { ...BASE, ...LONG, lrBody: lr, lrHead: Math.max(lr, 2e-3) },
  }))),
  // the fourth, on the causal-LM body: five more variants a side around each side's cap-300
  // choice (pretrained 1e-3, scratch 5e-4): 30 epochs at either rate (changes only counts under
  // ~500 labels, where 10 epochs stop short of the cap), frozen token embeddings, last-token
  // pooling, and 30 epochs with last-token pooling
  ...['pre', 'scratch'].flatMap((init) => {
    const side = init === 'pre' ? 'pretrained' : 'scratch';
    const lr = init === 'pre' ? 1e-3 : 5e-4;
    const at = (x) => ({ ...BASE, ...LONG, lrBody: x, lrHead: Math.max(x, 2e-3) });
    return [
      { name: `${init}-e30-lr5e-4`, init: side, ft: { ...at(5e-4), epochs: 30 } },
      { name: `${init}-e30-lr1e-3`, init: side, ft: { ...at(1e-3), epochs: 30 } },
      { name: `${init}-cap300-freeze-emb`, init: side, ft: { ...at(lr), freeze: 'embeddings' } },
      { name: `${init}-cap300-last`, init: side, ft: { ...at(lr), pooling: 'last' } },
      { name: `${init}-e30-last`, init: side, ft: { ...at(lr), epochs: 30, pooling: 'last' } },
    ];
  }),
];

const ck = await loadCheckpoint(ckptPath);
const tokenizer = tokenizerFromJSON(ck.tokenizer);
const splits = sentimentSplits(0);
let taskLmCheckpoint;
async function withTaskLm() {
  if (taskLmCheckpoint) return taskLmCheckpoint;
  const pool = splits.train.map((e) => e.text);
  const cut = Math.floor(pool.length * 0.9); // its own held-out tenth, for the LM's loss only
  const r = await pretrain({
    objective: ck.modelConfig.objective, tokenizer, documents: { train: pool.slice(0, cut), validation: pool.slice(cut) },
    model: ck.modelConfig.shape, steps: taskLmSteps, batchSize: 32, lr: 2e-4, warmup: 10, initWeights: ck.model, log: { progress: 'none' },
  });
  taskLmCheckpoint = `${out}.task-lm.safetensors`;
  await saveCheckpoint(taskLmCheckpoint, { ...ck, model: r.model.stateDict() });
  return taskLmCheckpoint;
}

const table = new Map();
const jobs = [];
for (const v of VARIANTS.filter((x) => !only || only.split(',').includes(x.name))) {
  for (const n of labelCounts) {
    for (const seed of seeds) {
      const train = takeLabelled(splits.train, n > 0 ? n : splits.train.length, { seed, balanced: true });
      const init = v.init === 'scratch' ? { scratch: ck.modelConfig } : { checkpointPath: v.taskLm ? await withTaskLm() : ckptPath };
      jobs.push({ v, job: { tokenizer: ck.tokenizer, init, train, validation: splits.validation, seed, options: v.ft } });
    }
  }
}
await runFinetuneJobs(jobs.map((j) => j.job), {
  workers,
  onResult: (i, r) => {
    const { v, job } = jobs[i];
    const rec = { variant: v.name, init: v.init, labels: job.train.length, seed: job.seed, validationAccuracy: r.validationAccuracy, steps: r.steps, seconds: Math.round(r.seconds), options: v.ft, taskLm: v.taskLm ? { steps: taskLmSteps, lr: 2e-4 } : undefined, checkpoint: ckptPath, jobs: workers };
    appendFileSync(out, `${JSON.stringify(rec)}\n`);
    console.log(JSON.stringify(rec));
    const key = `${v.name}|${job.train.length}`;
    table.set(key, [...(table.get(key) ?? []), r.validationAccuracy]);
  },
});
console.log('\n| variant | labels | validation accuracy (mean over seeds) |\n| --- | ---: | ---: |');
for (const [key, accs] of table) {
  const [name, labels] = key.split('|');
  console.log(`| ${name} | ${labels} | ${(100 * accs.reduce((a, b) => a + b, 0) / accs.length).toFixed(1)} |`);
}
