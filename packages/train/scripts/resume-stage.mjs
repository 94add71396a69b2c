#!/usr/bin/env node
// Turns a committed pretraining stage (weights, config and tokenizer only, from ship-checkpoint.mjs)
// back into a checkpoint that `tsgrad pretrain --resume` continues: the stage's weights, the trainer
// at the stage's step (so the warmup + cosine schedule continues where it was), the data loader at
// exactly the position the original run had reached (its batches are replayed to find it), and a
// fresh AdamW state (the stage does not hold the moments; they re-estimate over the first steps).
// The masking generator cannot be recovered either; it is reseeded from the step. Written atomically.
//
// usage: node packages/train/scripts/resume-stage.mjs STAGE.safetensors OUT.safetensors DATA BATCH LR [SEED]
//   DATA, BATCH and LR as the original run's --data, --batch-size and --lr; SEED its --seed (default 0)

import { AdamW, DataLoader, PackedLMDataset, collateLM, decayGroups, loadCheckpoint, packSequences, pretrainingModel, saveCheckpoint, tokenizerFromJSON } from '@tsgrad/train';
import { Generator, defaultGenerator } from '@tsgrad/core';
import { pretrainingDocuments } from '../dist/cli/commands/data.js';

const [input, output, source, batchArg, lrArg, seedArg] = process.argv.slice(2);
if (!input || !output || !source || !batchArg || !lrArg) {
  console.error('usage: resume-stage.mjs STAGE.safetensors OUT.safetensors DATA BATCH LR [SEED]');
  process.exit(2);
}
const batchSize = Number(batchArg);
const lr = Number(lrArg);
const seed = Number(seedArg ?? 0);
const ck = await loadCheckpoint(input);
const step = ck.extra?.steps;
if (!Number.isInteger(step) || !ck.tokenizer || !ck.modelConfig) {
  console.error(`${input}: not a pretraining stage (needs extra.steps, a tokenizer and a model config)`);
  process.exit(2);
}
const tok = tokenizerFromJSON(ck.tokenizer);
const cfg = ck.modelConfig;
const docs = pretrainingDocuments(source);
const stream = packSequences(docs.train.map((d) => tok.encode(d)), { eosId: tok.eosTokenId });
const data = new DataLoader(new PackedLMDataset(stream, cfg.shape.blockSize), { batchSize, collateFn: collateLM, shuffle: true, generator: new Generator(seed), dropLast: true });
for (let i = 0; i < step; i++) data.next(); // the original run's batches, in its order
const model = pretrainingModel(cfg);
model.loadStateDict(ck.model);
const optimizer = new AdamW(decayGroups(model, 0.1), { lr, betas: [0.9, 0.95] });
defaultGenerator.manualSeed(seed + step);
await saveCheckpoint(output, {
  model: model.stateDict(), optimizer: optimizer.stateDict(),
  trainer: { step, rng: defaultGenerator.getState(), data: data.stateDict(), history: [], evals: [], badEvals: 0 },
  modelConfig: cfg, tokenizer: ck.tokenizer,
  extra: { ...ck.extra, resumedFromStage: `${step} (fresh AdamW moments, masking generator reseeded)` },
});
console.log(JSON.stringify({ output, step, epoch: data.epoch, batchesPerEpoch: data.length }));
