// The main job's fine-tuning as it stood when the speed issue was filed, re-run with today's code:
// the checkpoint and recipe of the 2026-12-03 report (24 runs of at most 110 steps, 2,460 steps in
// all; that report's whole job took 794.7 s, its runs one after another on two threads). Prints the
// steps (they must match, or the comparison is not of the same work), the test accuracy per label
// count (equal to the old report's when the kernels give the same bits) and the wall time, with
// WORKERS runs at once (default 2; 1: one after another, as then).
//
//   git show 02f0731:packages/train/assets/pretrained-default.safetensors > /tmp/landed.safetensors
//   npx tsc -b && WORKERS=2 node bench/landed-recipe.mjs /tmp/landed.safetensors

const train = await import('../packages/train/dist/index.js');
const [ckpt] = process.argv.slice(2);
if (!ckpt) throw new Error('usage: node bench/landed-recipe.mjs LANDED.safetensors (see the comment at the top)');
// the recipe and preset of 02f0731's packages/train/src/recipes/experiment.ts
const FINETUNE = { epochs: 20, minSteps: 60, maxSteps: 110, lrBody: 2e-4, lrHead: 2e-3, pooling: 'mean+max', batchSize: 16, patience: 6 };
const config = {
  name: 'default', objective: 'clm', vocabSize: 4096, tokenizerOnTaskText: true, model: train.MODEL_PRESETS.small,
  pretrain: { steps: 4500, batchSize: 32, lr: 1e-3, documents: 0 }, finetune: FINETUNE, labelCounts: [50, 200, 1000, 0], seeds: [0, 1, 2],
};
const workers = Number(process.env.WORKERS ?? 2);
const t0 = performance.now();
const r = await train.runExperiment({ config, out: process.env.OUT ?? 'runs/landed-recipe', checkpointPath: ckpt, progress: 'none', workers, log: () => {} });
const pct = (x) => (100 * x).toFixed(1);
console.log(`| workers | runs | steps | test accuracy (pretrained / scratch) at 50, 200, 1000, all | wall time (s) |\n| ---: | ---: | ---: | --- | ---: |`);
console.log(`| ${workers} | ${r.runs.length} | ${r.runs.reduce((a, x) => a + x.steps, 0)} | ${r.rows.map((x) => `${pct(x.pretrained.mean)} / ${pct(x.scratch.mean)}`).join(', ')} | ${((performance.now() - t0) / 1000).toFixed(1)} |`);
process.exit(0);
