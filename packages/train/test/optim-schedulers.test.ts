// RMSprop, Adagrad and Lion against their published update rules worked by hand in float64 (two or
// three steps of f(w) = w^2), and PyTorch's scheduler classes against their documented closed forms
// at points where the arithmetic is exact or hand-checkable.
import { describe, expect, test } from 'vitest';
import { tensor, zeros } from '@tsgrad/core';
import {
  Adagrad, CosineAnnealingLR, LambdaLR, LinearLR, Lion, OneCycleLR, ReduceLROnPlateau, RMSprop, SequentialLR, SGD, StepLR, type Optimizer,
} from '@tsgrad/train';

/** Runs `steps` steps of minimising w^2 from w = 1 (float64) and returns w. */
function minimise(make: (w: ReturnType<typeof tensor>) => Optimizer<never, never> | { step(): void; zeroGrad(): void }, steps: number): number {
  const w = tensor([1], { dtype: 'float64', requiresGrad: true });
  const opt = make(w);
  for (let i = 0; i < steps; i++) {
    w.square().sum().backward();
    opt.step();
    opt.zeroGrad();
  }
  return w.item();
}

describe('optimizers', () => {
  test('RMSprop, centered with momentum: two steps as PyTorch computes them', () => {
    // step 1: g 2, v 0.4, gAvg 0.2, avg sqrt(0.36) = 0.6, buf 10/3, w 2/3; step 2 likewise
    expect(minimise((w) => new RMSprop([w], { lr: 0.1, alpha: 0.9, eps: 0, momentum: 0.5, centered: true }), 1)).toBeCloseTo(2 / 3, 12);
    expect(minimise((w) => new RMSprop([w], { lr: 0.1, alpha: 0.9, eps: 0, momentum: 0.5, centered: true }), 2)).toBeCloseTo(0.29890100753107934, 12);
  });

  test('Adagrad with lr decay, an initial accumulator and weight decay', () => {
    // step 1: g 2.1, sum 5.41, w = 1 - 0.1 * 2.1 / sqrt(5.41); step 2: lr 0.1 / 1.5
    expect(minimise((w) => new Adagrad([w], { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 1, weightDecay: 0.1 }), 1)).toBeCloseTo(1 - 0.21 / (Math.sqrt(5.41) + 1e-10), 12);
    expect(minimise((w) => new Adagrad([w], { lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 1, weightDecay: 0.1 }), 2)).toBeCloseTo(0.8674005633090948, 10);
  });

  test('Lion: decoupled decay, then a step of exactly lr against the sign', () => {
    // w 1 -> 0.95 -> 0.85; 0.85 * 0.95 - 0.1 = 0.7075; 0.7075 * 0.95 - 0.1 = 0.572125
    expect(minimise((w) => new Lion([w], { lr: 0.1, weightDecay: 0.5 }), 3)).toBeCloseTo(0.572125, 12);
  });

  test('bad hyper-parameters name the optimizer and the value', () => {
    const w = zeros([1], { requiresGrad: true });
    expect(() => new RMSprop([w], { alpha: -1 })).toThrow(/RMSprop: alpha must be a finite number >= 0, got -1/);
    expect(() => new Lion([w], { betas: [1, 0.5] })).toThrow(/Lion: betas must be in \[0, 1\)/);
    expect(() => new Adagrad([w], { lr: NaN })).toThrow(/Adagrad: lr must be a finite number/);
  });

  test('their state round-trips through stateDict', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new Adagrad([['w', w]], { lr: 0.1 });
    w.square().sum().backward();
    opt.step();
    const sd = opt.stateDict();
    expect(sd.state['w']!['step']).toBe(1);
    expect((sd.state['w']!['sum'] as ReturnType<typeof tensor>).tolist()).toEqual([4, 16]);
  });
});

describe('LR schedulers (closed forms, per group, from the initial LR)', () => {
  const sgd = (lr = 1) => new SGD([zeros([1], { requiresGrad: true })], { lr });
  const run = (s: { step(): void; getLastLr(): number[] }, n: number) => {
    const out = [s.getLastLr()[0]!];
    for (let i = 1; i < n; i++) (s.step(), out.push(s.getLastLr()[0]!));
    return out;
  };

  test('construction sets step 0; step() advances; the optimizer sees the LR', () => {
    const opt = sgd(0.1);
    const s = new LambdaLR(opt, (e) => 1 / (e + 1));
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    s.step();
    expect(opt.paramGroups[0]!.lr).toBe(0.05);
    expect(s.lastEpoch).toBe(1);
  });

  test('StepLR: PyTorch docs example (0.05 until 30, 0.005 until 60, 0.0005 until 90)', () => {
    const s = new StepLR(sgd(0.05), 30, { gamma: 0.1 });
    expect([0, 29, 30, 59, 60, 89].map((e) => s.lrAt(e, 0.05))).toEqual([0.05, 0.05, 0.05 * 0.1, 0.05 * 0.1, 0.05 * 0.1 ** 2, 0.05 * 0.1 ** 2]);
  });

  test('CosineAnnealingLR: quarter points of the cosine, and back up after tMax', () => {
    const got = run(new CosineAnnealingLR(sgd(1), 4), 6);
    const want = [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2, 0, (1 - Math.SQRT1_2) / 2];
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 12));
    expect(new CosineAnnealingLR(sgd(1), 4, { etaMin: 0.2 }).lrAt(2, 1)).toBeCloseTo(0.6, 12);
  });

  test('LinearLR: PyTorch docs example (0.025, 0.03125, 0.0375, 0.04375, then 0.05)', () => {
    const got = run(new LinearLR(sgd(0.05), { startFactor: 0.5, totalIters: 4 }), 6);
    [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
  });

  test('OneCycleLR: from maxLr/25 up to maxLr at step 0.3 N - 1, cosine down to maxLr/25/1e4', () => {
    const opt = sgd(123);
    const got = run(new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 }), 10);
    const min = 0.04 / 1e4;
    expect(opt.paramGroups[0]!.initialLr).toBe(0.04);
    expect(got[0]).toBeCloseTo(0.04, 12);
    expect(got[1]).toBeCloseTo(0.52, 12); // halfway up: 1 + (0.04 - 1) / 2
    expect(got[2]).toBeCloseTo(1, 12);
    expect(got[3]).toBeCloseTo(min + ((1 - min) / 2) * (Math.cos(Math.PI / 7) + 1), 12);
    expect(got[9]).toBeCloseTo(min, 12);
    const s = new OneCycleLR(sgd(), { maxLr: 1, totalSteps: 2 });
    s.step();
    s.step();
    expect(() => s.step()).toThrow(/OneCycleLR: stepped 3 times, more than totalSteps \(2\)/);
  });

  test('SequentialLR: warmup then step decay, each counting its own steps', () => {
    const opt = sgd(1);
    const s = new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new StepLR(opt, 1, { gamma: 0.5 })], [2]);
    expect(run(s, 5)).toEqual([0.5, 0.75, 1, 0.5, 0.25]);
    expect(() => new SequentialLR(opt, [new StepLR(opt, 1)], [2])).toThrow(/expected 0 milestones for 1 schedulers, got 1/);
  });

  test('ReduceLROnPlateau: patience, threshold, cooldown and the floor', () => {
    const opt = sgd(1);
    const s = new ReduceLROnPlateau(opt, { patience: 1, cooldown: 1, minLr: 0.005 });
    const lrs = [1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5].map((m) => (s.step(m), s.getLastLr()[0]!));
    // best 0.5 at step 2; bad steps 1, 2 (> patience) -> x0.1 and a cooldown step; again -> x0.1
    expect(lrs.map((x) => +x.toPrecision(6))).toEqual([1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01]);
    s.step(0.49999); // not 1e-4 (relative) below 0.5: no improvement
    expect(s.best).toBe(0.5);
    for (let i = 0; i < 6; i++) s.step(1);
    expect(s.getLastLr()[0]).toBe(0.005);
    const saved = s.stateDict();
    const t = new ReduceLROnPlateau(sgd(1), { patience: 1 });
    t.loadStateDict(saved);
    expect(t.best).toBe(0.5);
  });
});
