// The training loop: learning happens, accumulation equals a large batch, resume is bit-identical
// (weights, optimizer, RNG for dropout, data order), early stopping, logs and checkpoints.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { dropout, fromArray, manualSeed, noGrad, randn, type Tensor } from '@tsgrad/core';
import { DataLoader } from '../src/data/dataloader.js';
import { AdamW } from '../src/optim/adam.js';
import { SGD } from '../src/optim/sgd.js';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint.js';
import { train, type TrainableModel } from '../src/loop.js';
import { lrLambda, warmupCosine } from '../src/schedule.js';

/** y = x w + b with dropout on the input: a minimal model without @tsgrad/nn. */
class Toy implements TrainableModel {
  w = randn([3, 1]).requiresGrad_();
  b = randn([1]).requiresGrad_();
  training = true;
  parameters() { return [this.w, this.b]; }
  namedParameters(): [string, Tensor][] { return [['w', this.w], ['b', this.b]]; }
  train(on = true) { this.training = on; }
  eval() { this.training = false; }
  stateDict() { return { w: this.w, b: this.b }; }
  loadStateDict(sd: Record<string, Tensor>) { noGrad(() => { this.w.copy_(sd['w']!); this.b.copy_(sd['b']!); }); }
  forward(x: Tensor) { return dropout(x, 0.2, this.training).matmul(this.w).add(this.b); }
}

type Item = { x: number[]; y: number };
const items: Item[] = Array.from({ length: 40 }, (_, i) => {
  const x = [Math.sin(i), Math.cos(i * 0.7), (i % 5) / 5];
  return { x, y: 2 * x[0]! - x[1]! + 0.5 * x[2]! + 0.3 };
});
const collate = (b: Item[]) => ({ x: fromArray(Float32Array.from(b.flatMap((i) => i.x)), [b.length, 3]), y: fromArray(Float32Array.from(b.map((i) => i.y)), [b.length, 1]) });

function setup(seed = 0, batchSize = 8) {
  manualSeed(seed);
  const model = new Toy();
  const optimizer = new AdamW(model.namedParameters(), { lr: 0.05, weightDecay: 0.01 });
  const data = new DataLoader(items, { batchSize, collateFn: collate, shuffle: true, seed: 7 });
  const loss = (b: ReturnType<typeof collate>) => model.forward(b.x).sub(b.y).square().mean();
  return { model, optimizer, data, loss };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'tsgrad-loop-'));

describe('train()', () => {
  test('the loss falls and the history records every step', async () => {
    const s = setup();
    const r = await train({ ...s, steps: 60, lrLambda: lrLambda(warmupCosine({ peak: 1, warmup: 5, total: 60 })), log: { progress: 'none' } });
    expect(r.history).toHaveLength(60);
    const first = r.history.slice(0, 5).reduce((a, h) => a + h.loss, 0) / 5;
    const last = r.history.slice(-5).reduce((a, h) => a + h.loss, 0) / 5;
    expect(last).toBeLessThan(first * 0.5);
    expect(r.history[0]!.lr).toBeCloseTo(0.05 / 5, 12); // warmup: factor 1/5 of the group's lr
  });

  test('gradient accumulation over k batches equals one step on their union', async () => {
    const run = async (batchSize: number, accum: number) => {
      manualSeed(1);
      const model = new Toy();
      const optimizer = new SGD([model.w, model.b], { lr: 0.1 });
      const data = new DataLoader(items.slice(0, 16), { batchSize, collateFn: collate });
      model.eval(); // no dropout, so both runs see the same function
      await train({ model, optimizer, data, steps: 3, gradAccumSteps: accum, loss: (b) => { model.eval(); return model.forward(b.x).sub(b.y).square().mean(); }, log: { progress: 'none' } });
      return [...model.w.dataSync(), ...model.b.dataSync()];
    };
    const big = await run(8, 1);
    const small = await run(4, 2);
    big.forEach((v, i) => expect(small[i]).toBeCloseTo(v, 5));
  });

  test('resuming from a checkpoint continues bit-identically (weights, optimizer, dropout RNG, data order)', async () => {
    const dir = tmp();
    const full = setup();
    await train({ ...full, steps: 20, log: { progress: 'none' } });
    const a = setup();
    await train({ ...a, steps: 8, checkpoint: { path: join(dir, 'ck.safetensors') }, log: { progress: 'none' } });
    manualSeed(12345); // a different RNG state: resume must restore the saved one
    const b = setup(99); // different initial weights: resume must restore them
    const r = await train({ ...b, steps: 20, resumeFrom: join(dir, 'ck.safetensors'), log: { progress: 'none' } });
    expect(r.step).toBe(20);
    expect(Array.from(b.model.w.dataSync())).toEqual(Array.from(full.model.w.dataSync()));
    expect(Array.from(b.model.b.dataSync())).toEqual(Array.from(full.model.b.dataSync()));
  });

  test('early stopping stops after `patience` evaluations without improvement and restores the best weights', async () => {
    const s = setup();
    let calls = 0;
    const scores = [0.5, 0.7, 0.6, 0.65, 0.69, 0.9];
    let bestW: number[] = [];
    const r = await train({
      ...s, steps: 100, evalEvery: 5, log: { progress: 'none' },
      evaluate: () => {
        const v = scores[calls++]!;
        if (v === 0.7) bestW = Array.from(s.model.w.dataSync());
        return { accuracy: v };
      },
      earlyStopping: { metric: 'accuracy', mode: 'max', patience: 3, restoreBest: true },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.step).toBe(25);
    expect(r.best).toEqual({ step: 10, metrics: { accuracy: 0.7 } });
    expect(Array.from(s.model.w.dataSync())).toEqual(bestW);
  });

  test('metrics go to a JSONL log, one record per line', async () => {
    const dir = tmp();
    const s = setup();
    await train({ ...s, steps: 4, evalEvery: 2, evaluate: () => ({ mse: 1 }), log: { progress: 'none', jsonl: join(dir, 'log', 'metrics.jsonl') } });
    const lines = readFileSync(join(dir, 'log', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['train', 'train', 'eval', 'train', 'train', 'eval']);
    expect(lines[0]).toMatchObject({ type: 'train', step: 1 });
    expect(typeof lines[0].loss).toBe('number');
  });

  test('bad configurations and checkpoints give clear errors', async () => {
    const s = setup();
    await expect(train({ ...s, steps: -1 })).rejects.toThrow(/steps must be a non-negative integer, got -1/);
    await expect(train({ ...s, steps: 2, evalEvery: 1, evaluate: () => ({ loss: 1 }), earlyStopping: { metric: 'acc', mode: 'max', patience: 1 }, log: { progress: 'none' } }))
      .rejects.toThrow(/earlyStopping.metric 'acc' is not among the evaluation metrics \(loss\)/);
    const dir = tmp();
    writeFileSync(join(dir, 'junk.safetensors'), 'not a checkpoint');
    await expect(loadCheckpoint(join(dir, 'junk.safetensors'))).rejects.toThrow(/is not a readable checkpoint/);
    await expect(loadCheckpoint(join(dir, 'missing.safetensors'))).rejects.toThrow(/no checkpoint at/);
    await saveCheckpoint(join(dir, 'weights.safetensors'), { model: s.model.stateDict() });
    await expect(train({ ...s, steps: 1, resumeFrom: join(dir, 'weights.safetensors') })).rejects.toThrow(/no trainer\/optimizer state to resume from/);
  });
});
