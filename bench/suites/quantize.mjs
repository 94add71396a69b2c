// Quantize suite: inference of a sentiment classifier in float32 and after int8 dynamic
// quantisation (quantizeDynamic), in this one process, on the sentiment test sentences batched as
// `predict` batches them (64 at a time, by length, padding masked). Tokens/s counts real (not
// padding) tokens. The classifier is `--ckpt=PATH` (a fine-tuned checkpoint, e.g. from
// `tsgrad finetune --out`), by default one built from the committed pretraining stage
// (docs/results/pretrain-main/stage.safetensors: the recipe `small` BERT body, its tokenizer) with
// a fresh head: speed does not depend on what the head learned. Rounds alternate the two models
// (rotating which goes first); the table gives the median and range of the per-round rates, first
// with tsgrad's default thread pool, then on one thread (setNumThreads(1) in the same process).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mdTable, textTable } from '../lib/harness.mjs';

const core = await import('../../packages/core/dist/index.js');
const nn = await import('../../packages/nn/dist/index.js');
const train = await import('../../packages/train/dist/index.js');
const { setNumThreads, numThreads } = await import('../../packages/core/dist/backends/cpu/threads/pool.js');

const STAGE = fileURLToPath(new URL('../../docs/results/pretrain-main/stage.safetensors', import.meta.url));
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

/** The float classifier and its tokenizer and config: the checkpoint's, or the stage body with a new head. */
async function floatClassifier(ckpt) {
  const ck = await train.loadCheckpoint(ckpt ?? STAGE);
  const cfg = ck.modelConfig;
  const tokenizer = train.tokenizerFromJSON(ck.tokenizer);
  if (ck.extra?.task === 'classification') return { model: train.checkpointModel(ck), cfg, tokenizer, source: ckpt };
  core.manualSeed(0);
  const model = train.classifierFor(cfg, 2, { pooling: 'mean+max' });
  model.loadStateDict(ck.model, { strict: false });
  model.eval();
  return { model, cfg, tokenizer, source: `${STAGE.replace(/.*\/docs\//, 'docs/')} body, new head` };
}

/** The test sentences as padded batches of 64, shortest first (as train's `predict`). */
function batches(tokenizer, cfg) {
  const test = train.sentimentSplits(0, { dedupe: true }).test;
  const prefix = [cfg.objective === 'clm' ? tokenizer.bosTokenId : tokenizer.clsTokenId];
  const enc = train.encodeExamples(tokenizer, test, { maxLength: cfg.shape.blockSize, prefix }).sort((a, b) => a.ids.length - b.ids.length);
  const out = [];
  for (let i = 0; i < enc.length; i += 64) out.push(train.collateClassification(enc.slice(i, i + 64), { padId: tokenizer.padTokenId ?? 0 }));
  return { list: out, tokens: enc.reduce((n, e) => n + e.ids.length, 0), sentences: enc.length };
}

/** Every batch through the model once; returns the argmax predictions (to check both models agree). */
function pass(model, list) {
  const preds = [];
  for (const b of list) {
    core.noGrad(() => core.scope(() => {
      const y = model.forward(b.inputIds, { keyPaddingMask: b.attentionMask.logicalNot() }).argmax(-1);
      preds.push(...y.dataSync());
    }));
  }
  return preds;
}

/** Runs the suite: a table of tokens/s for float32 and int8, the speed-up and the size of each. */
export async function run({ quick, args }) {
  const ckpt = typeof args.ckpt === 'string' ? args.ckpt : undefined;
  if (ckpt && !existsSync(ckpt)) throw new Error(`--ckpt ${ckpt}: no such file`);
  const { model, cfg, tokenizer, source } = await floatClassifier(ckpt);
  const int8 = nn.quantizeDynamic(model);
  const data = batches(tokenizer, cfg);
  const models = [['float32', model], ['int8', int8]];
  const agree = (() => {
    const [a, b] = models.map(([, m]) => pass(m, data.list)); // also the warm-up
    return a.filter((p, i) => p === b[i]).length / a.length;
  })();
  const rounds = quick ? 3 : Number(args.rounds ?? 9);
  const bytes = (m) => Object.entries(m.stateDict()).reduce((n, [k, t]) => n + t.numel() * (k.endsWith('weight_int8') ? 1 : 4), 0);
  const fmt = (x) => x.toFixed(0);
  const headers = ['threads', 'model', 'tokens/s (median)', 'tokens/s (min-max)', 'weights MiB'];
  const rows = [];
  const lines = [];
  console.log(`\n${source}: ${data.sentences} test sentences, ${data.tokens} tokens, ${data.list.length} batches; ${rounds} rounds`);
  for (const threads of [numThreads(), 1]) {
    setNumThreads(threads);
    const rates = { float32: [], int8: [] };
    for (let r = 0; r < rounds; r++) {
      for (const [name, m] of r % 2 ? [...models].reverse() : models) {
        const t0 = performance.now();
        pass(m, data.list);
        rates[name].push(data.tokens / ((performance.now() - t0) / 1000));
      }
    }
    for (const [name, m] of models) rows.push([threads, name, fmt(median(rates[name])), `${fmt(Math.min(...rates[name]))}-${fmt(Math.max(...rates[name]))}`, (bytes(m) / 2 ** 20).toFixed(2)]);
    const speedups = rates.int8.map((q, i) => q / rates.float32[i]);
    lines.push(`- ${threads} thread${threads > 1 ? 's' : ''}: int8 / float32 tokens/s, median of the per-round ratios ${median(speedups).toFixed(2)}x (range ${Math.min(...speedups).toFixed(2)}-${Math.max(...speedups).toFixed(2)})`);
    if (threads === 1) break;
  }
  lines.push(`- the two models' predictions agree on ${(100 * agree).toFixed(1)}% of the sentences`);
  console.log(textTable(headers, rows));
  console.log(lines.join('\n'));
  return { markdown: `Classifier: ${source}; ${data.sentences} sentiment test sentences (${data.tokens} tokens) in batches of 64 by length; ${rounds} rounds alternating the models.\n\n${mdTable(headers, rows)}\n\n${lines.join('\n')}` };
}
