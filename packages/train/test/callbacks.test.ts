// train()'s callbacks: EarlyStopping restores the best weights by default (restoreBest: true, as
// documented), callbacks passed in run in order, and schedules are typed: absolute or factor.

import { describe, expect, test } from 'vitest';
import { fromArray, manualSeed, noGrad, randn, type Tensor } from '@tsgrad/core';
import { EarlyStopping, Evaluation, ModelCheckpoint, train, type Callback, type TrainableModel } from '../src/loop.js';
import { DataLoader } from '../src/data/dataloader.js';
import { SGD } from '../src/optim/sgd.js';
import { constant, lrLambda, schedule } from '../src/schedule.js';

class Line implements TrainableModel {
  w = randn([2, 1]).requiresGrad_();
  parameters() { return [this.w]; }
  train() {}
  eval() {}
  stateDict() { return { w: this.w }; }
  loadStateDict(sd: Record<string, Tensor>) { noGrad(() => this.w.copy_(sd['w']!)); }
}

function setup() {
  manualSeed(3);
  const model = new Line();
  const xs = [[1, 0], [0, 1], [1, 1], [2, -1]];
  const data = new DataLoader(xs, { batchSize: 2, collateFn: (b: number[][]) => fromArray(Float32Array.from(b.flat()), [b.length, 2]) });
  const loss = (x: Tensor) => x.matmul(model.w).sub(1).square().mean();
  return { model, optimizer: new SGD([model.w], { lr: 0.1 }), data, loss };
}

describe('train() callbacks', () => {
  test('early stopping restores the best weights without being asked (restoreBest defaults to true)', async () => {
    const s = setup();
    const scores = [0.3, 0.9, 0.5, 0.4];
    let calls = 0;
    let bestW: number[] = [];
    const r = await train({
      ...s, steps: 50, evalEvery: 2, log: { progress: 'none' },
      evaluate: () => {
        const v = scores[calls++]!;
        if (v === 0.9) bestW = [...s.model.w.dataSync()];
        return { acc: v };
      },
      earlyStopping: { metric: 'acc', mode: 'max', patience: 2 },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.step).toBe(8); // evaluations at 2, 4 (best), 6, 8: two without improvement
    expect(r.best).toEqual({ step: 4, metrics: { acc: 0.9 } });
    expect([...s.model.w.dataSync()]).toEqual(bestW);
    expect(new EarlyStopping({ metric: 'acc', mode: 'max', patience: 1 }).restoreBest).toBe(true);
  });

  test('restoreBest: false keeps the last weights', async () => {
    const s = setup();
    const scores = [0.9, 0.1];
    let calls = 0;
    let lastW: number[] = [];
    await train({
      ...s, steps: 50, evalEvery: 1, log: { progress: 'none' },
      evaluate: () => { lastW = [...s.model.w.dataSync()]; return { acc: scores[calls++]! }; },
      earlyStopping: { metric: 'acc', mode: 'max', patience: 1, restoreBest: false },
    });
    expect([...s.model.w.dataSync()]).toEqual(lastW);
  });

  test('callback objects run in order, and a callback can stop the run', async () => {
    const s = setup();
    const seen: string[] = [];
    const stopAt3: Callback = {
      onStepEnd: (ctx, rec) => { seen.push(`step ${rec.step}`); if (rec.step === 3) ctx.stop = true; },
      onEvaluate: (_ctx, m) => void seen.push(`eval ${m['x']}`),
      onTrainEnd: () => void seen.push('end'),
    };
    const ev = new Evaluation(() => ({ x: 1 }), { every: 2 });
    const r = await train({ ...s, steps: 10, callbacks: [ev, stopAt3], log: { progress: 'none' } });
    expect(r.step).toBe(3);
    // at step 2 the evaluation (listed first) runs before stopAt3 sees the step; a stopped run skips the final evaluation
    expect(seen).toEqual(['step 1', 'eval 1', 'step 2', 'step 3', 'end']);
    expect(new ModelCheckpoint({ path: 'x.safetensors' }).every).toBe(0);
  });

  test('schedules are absolute (schedule) or factors of each group lr (lrLambda), and plain functions are refused', async () => {
    const s = setup();
    const a = await train({ ...s, steps: 2, schedule: constant(0.05), log: { progress: 'none' } });
    expect(a.history.map((h) => h.lr)).toEqual([0.05, 0.05]);
    const b = await train({ ...s, steps: 2, lrLambda: lrLambda((k) => 1 / (k + 1)), log: { progress: 'none' } });
    expect(b.history.map((h) => h.lr)).toEqual([0.1, 0.05]); // 0.1 * 1, 0.1 * 1/2
    const c = await train({ ...s, steps: 2, schedule: schedule((k) => 0.2 * (k + 1)), log: { progress: 'none' } });
    expect(c.history.map((h) => h.lr)).toEqual([0.2, 0.4]);
    await expect(train({ ...s, steps: 1, schedule: ((k: number) => k) as never })).rejects.toThrow(/absolute learning-rate schedule/);
    await expect(train({ ...s, steps: 1, lrLambda: constant(1) as never })).rejects.toThrow(/lrLambda must be a factor schedule/);
  });
});
