#!/usr/bin/env node
// Turns a `tsgrad pretrain` checkpoint into the one the package ships (assets/): the model weights,
// model config and tokenizer only (no optimizer or trainer state, a third of the size), with the
// commands that made it, its corpus mix and token count, the commit and its held-out loss curve in
// the metadata (the experiment report draws the curve from it). Written atomically.
//
// usage: node packages/train/scripts/ship-checkpoint.mjs IN.safetensors OUT.safetensors METRICS.jsonl "COMMANDS"

import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { loadCheckpoint, saveCheckpoint } from '@tsgrad/train';

const [input, output, metrics, commands] = process.argv.slice(2);
if (!input || !output || !metrics || !commands) {
  console.error('usage: ship-checkpoint.mjs IN.safetensors OUT.safetensors METRICS.jsonl "COMMANDS"');
  process.exit(2);
}
const ck = await loadCheckpoint(input);
const rows = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const steps = ck.trainer?.step;
const evals = rows.filter((r) => r.type === 'eval' && r.step <= steps); // a killed run may have logged past its checkpoint
const lastEval = evals.at(-1);
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const flag = (name) => commands.match(new RegExp(`--${name}[ =](\\S+)`))?.[1];
const batchSize = Number(flag('batch-size') ?? 32);
const corpus = ck.extra?.corpus ? Object.keys(ck.extra.corpus) : (flag('data') ?? 'sotu').split(','); // `tsgrad pretrain` records its corpora
const tokensSeen = steps * batchSize * ck.modelConfig.shape.blockSize;
const heldOutCurve = evals.map((r) => [r.step, r.loss]);
await saveCheckpoint(output, {
  model: ck.model, modelConfig: ck.modelConfig, tokenizer: ck.tokenizer,
  extra: { madeBy: commands, steps, corpus, tokensSeen, heldOutLoss: lastEval?.loss, heldOutPerplexity: lastEval?.perplexity, heldOutCurve, tsgradCommit: commit },
});
console.log(JSON.stringify({ output, steps, corpus, tokensSeen, heldOutLoss: lastEval?.loss, heldOutPerplexity: lastEval?.perplexity }));
