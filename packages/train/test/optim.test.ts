// Optimizer trajectories against an independent reference written from PyTorch's documented
// algorithms (plain JS numbers), for several steps; plus param groups and state dicts.

import { describe, expect, test } from 'vitest';
import { tensor, type Tensor } from '@tsgrad/core';
import { Adam, AdamW, SGD, clipGradNorm_, clipGradValue_ } from '../src/optim/index.js';

// f(p) = sum(c * p^2) + sum(d * p): gradient 2 c p + d, different per element and step
const c = [0.5, 2, 1.5];
const d = [0.3, -1, 0.2];
const gradOf = (p: number[]) => p.map((v, i) => 2 * c[i]! * v + d[i]!);
const lossOf = (p: Tensor) => p.square().mul(tensor(c, { dtype: 'float64' })).add(p.mul(tensor(d, { dtype: 'float64' }))).sum();

function run(opt: { step(): void; zeroGrad(): void }, p: Tensor, steps: number): number[][] {
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    lossOf(p).backward();
    opt.step();
    out.push([...(p.dataSync() as Float64Array)]);
  }
  return out;
}

function referenceSgd(p0: number[], steps: number, o: { lr: number; momentum: number; dampening: number; wd: number; nesterov: boolean }): number[][] {
  let p = [...p0];
  let buf: number[] | undefined;
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    let g = gradOf(p).map((gi, i) => gi + o.wd * p[i]!);
    if (o.momentum !== 0) {
      buf = buf === undefined ? [...g] : buf.map((b, i) => o.momentum * b + (1 - o.dampening) * g[i]!);
      g = o.nesterov ? g.map((gi, i) => gi + o.momentum * buf![i]!) : [...buf];
    }
    p = p.map((v, i) => v - o.lr * g[i]!);
    out.push(p);
  }
  return out;
}

function referenceAdam(p0: number[], steps: number, o: { lr: number; b1: number; b2: number; eps: number; wd: number; decoupled: boolean; amsgrad: boolean }): number[][] {
  let p = [...p0];
  let m = p.map(() => 0);
  let v = p.map(() => 0);
  let vmax = p.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    let g = gradOf(p);
    if (o.wd !== 0 && o.decoupled) p = p.map((x) => x * (1 - o.lr * o.wd));
    else if (o.wd !== 0) g = g.map((gi, i) => gi + o.wd * p[i]!);
    m = m.map((mi, i) => o.b1 * mi + (1 - o.b1) * g[i]!);
    v = v.map((vi, i) => o.b2 * vi + (1 - o.b2) * g[i]! * g[i]!);
    vmax = vmax.map((x, i) => Math.max(x, v[i]!));
    const bc1 = 1 - o.b1 ** t;
    const bc2 = 1 - o.b2 ** t;
    const vv = o.amsgrad ? vmax : v;
    p = p.map((x, i) => x - (o.lr / bc1) * (m[i]! / (Math.sqrt(vv[i]!) / Math.sqrt(bc2) + o.eps)));
    out.push(p);
  }
  return out;
}

const p0 = [1, -2, 0.5];
const close = (a: number[][], b: number[][]) => a.forEach((row, s) => row.forEach((x, i) => expect(x, `step ${s} element ${i}`).toBeCloseTo(b[s]![i]!, 12)));

describe('optimizers follow PyTorch update formulas step for step', () => {
  for (const o of [
    { lr: 0.1, momentum: 0, dampening: 0, wd: 0, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0, wd: 0.01, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0.5, wd: 0, nesterov: false },
    { lr: 0.05, momentum: 0.8, dampening: 0, wd: 0.1, nesterov: true },
  ]) {
    test(`SGD ${JSON.stringify(o)}`, () => {
      const p = tensor(p0, { dtype: 'float64', requiresGrad: true });
      const opt = new SGD([p], { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.wd, nesterov: o.nesterov });
      close(run(opt, p, 5), referenceSgd(p0, 5, o));
    });
  }
  for (const o of [
    { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0, decoupled: false, amsgrad: false },
    { lr: 0.05, b1: 0.8, b2: 0.99, eps: 1e-6, wd: 0.1, decoupled: false, amsgrad: true },
    { lr: 0.05, b1: 0.9, b2: 0.95, eps: 1e-8, wd: 0.1, decoupled: true, amsgrad: false },
    { lr: 0.02, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.01, decoupled: true, amsgrad: true },
  ]) {
    test(`${o.decoupled ? 'AdamW' : 'Adam'} ${JSON.stringify(o)}`, () => {
      const p = tensor(p0, { dtype: 'float64', requiresGrad: true });
      const opts = { lr: o.lr, betas: [o.b1, o.b2] as const, eps: o.eps, weightDecay: o.wd, amsgrad: o.amsgrad };
      const opt = o.decoupled ? new AdamW([p], opts) : new Adam([p], opts);
      close(run(opt, p, 6), referenceAdam(p0, 6, o));
    });
  }

  test('the first Adam step moves each element by lr (bias correction makes m/sqrt(v) = sign(g))', () => {
    const p = tensor([1, -2, 0.5], { dtype: 'float64', requiresGrad: true });
    run(new Adam([p], { lr: 0.01, eps: 0 }), p, 1);
    // g = [1.3, -9, 1.7]: every element moves by exactly lr against its gradient's sign
    expect([...(p.dataSync() as Float64Array)].map((v, i) => Math.round((v - p0[i]!) * 1e10) / 1e10)).toEqual([-0.01, 0.01, -0.01]);
  });
});

describe('parameter groups and state dicts', () => {
  test('groups carry their own lr and weight decay', () => {
    const a = tensor([1], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([{ params: [['a', a]] }, { params: [['b', b]], lr: 0.5, weightDecay: 1 }], { lr: 0.1 });
    a.sum().add(b.sum()).backward();
    opt.step();
    expect(a.item()).toBeCloseTo(0.9, 12); // 1 - 0.1 * 1
    expect(b.item()).toBeCloseTo(0, 12); // 1 - 0.5 * (1 + 1 * 1)
  });

  test('a restored optimizer continues exactly like the original', () => {
    const mk = () => tensor(p0, { dtype: 'float64', requiresGrad: true });
    const p1 = mk();
    const o1 = new AdamW([['w', p1]], { lr: 0.05 });
    run(o1, p1, 3);
    const p2 = tensor([...(p1.dataSync() as Float64Array)], { dtype: 'float64', requiresGrad: true });
    const o2 = new AdamW([['w', p2]], { lr: 0.05 });
    o2.loadStateDict(o1.stateDict());
    expect(run(o2, p2, 3)).toEqual(run(o1, p1, 3));
  });

  test('loading a state dict for other parameters fails with a clear error', () => {
    const p = tensor([1], { requiresGrad: true });
    const q = tensor([1], { requiresGrad: true });
    const o1 = new SGD([['encoder.w', p]], { lr: 0.1 });
    const o2 = new SGD([['decoder.w', q]], { lr: 0.1 });
    expect(() => o2.loadStateDict(o1.stateDict())).toThrow(/parameter group 0 holds different parameters/);
  });

  test('bad hyper-parameters are refused', () => {
    const p = tensor([1], { requiresGrad: true });
    expect(() => new SGD([p], { lr: -1 })).toThrow(/invalid learning rate -1/);
    expect(() => new Adam([p], { betas: [1, 0.9] })).toThrow(/betas must be in \[0, 1\)/);
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
  });
});

describe('gradient clipping', () => {
  test('clipGradNorm_ scales to maxNorm / (norm + 1e-6) and returns the norm', () => {
    const a = tensor([3, 0], { dtype: 'float64', requiresGrad: true });
    const b = tensor([4], { dtype: 'float64', requiresGrad: true });
    a.grad = tensor([3, 0], { dtype: 'float64' });
    b.grad = tensor([4], { dtype: 'float64' });
    expect(clipGradNorm_([a, b], 1).item()).toBeCloseTo(5, 12);
    const k = 1 / (5 + 1e-6);
    expect(a.grad.tolist()).toEqual([3 * k, 0]);
    expect(b.grad.tolist()).toEqual([4 * k]);
    expect(clipGradNorm_([a, b], 10).item()).toBeCloseTo(5 * k, 12); // below maxNorm: unchanged
    expect(b.grad.tolist()).toEqual([4 * k]);
  });

  test('clipGradValue_ clamps each element', () => {
    const a = tensor([0, 0, 0], { requiresGrad: true });
    a.grad = tensor([-3, 0.5, 2]);
    clipGradValue_([a], 1);
    expect(a.grad.tolist()).toEqual([-1, 0.5, 1]);
  });
});
