// Adam/AdamW's fused primitive (core's adamStep: the CPU kernel) against the composite adamUpdate
// it decomposes to: bit-identical trajectories in float32 and float64, and state dicts that never change
// after they are handed out.

import { describe, expect, test } from 'vitest';
import { Generator, adamStep, adamStep_, noGrad, tensor, ones, randn, zeros, zerosLike, type Tensor } from '@tsgrad/core';
import { Adam, AdamW, adamUpdate, type AdamState } from '../src/optim/index.js';

type Opts = { lr: number; weightDecay: number; amsgrad: boolean; decoupled: boolean; dtype: 'float32' | 'float64'; shape?: number[] };

// the gradient at step s: a fixed function of the parameter and the step, so both runs see the same
const gradAt = (p: Tensor, s: number) => p.mul(0.3).add(randn(p.shape, { dtype: p.dtype, generator: new Generator(100 + s) }));

function fusedRun(o: Opts, steps: number): number[][] {
  const p = randn(o.shape ?? [4, 3], { dtype: o.dtype, generator: new Generator(1) }).requiresGrad_();
  const Opt = o.decoupled ? AdamW : Adam;
  const opt = new Opt([p], { lr: o.lr, weightDecay: o.weightDecay, amsgrad: o.amsgrad, betas: [0.8, 0.95], eps: 1e-6 });
  const out: number[][] = [];
  for (let s = 0; s < steps; s++) {
    p.grad = noGrad(() => gradAt(p, s));
    opt.step();
    out.push([...p.dataSync()]);
  }
  return out;
}

function compositeRun(o: Opts, steps: number): number[][] {
  let p = randn(o.shape ?? [4, 3], { dtype: o.dtype, generator: new Generator(1) });
  let s: AdamState = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  const h = { betas: [0.8, 0.95] as const, eps: 1e-6, weightDecay: o.weightDecay, amsgrad: o.amsgrad, decoupled: o.decoupled };
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const r = noGrad(() => adamUpdate(p, gradAt(p, k), s, o.lr, h));
    [p, s] = [r.param, r.state];
    out.push([...p.dataSync()]);
  }
  return out;
}

describe('the fused Adam step is the composite update, bit for bit', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    for (const [decoupled, weightDecay, amsgrad] of [[true, 0.01, false], [true, 0, true], [false, 0.1, false], [false, 0, true]] as const) {
      const o = { lr: 0.01, weightDecay, amsgrad, decoupled, dtype };
      test(JSON.stringify(o), () => {
        expect(fusedRun(o, 8)).toEqual(compositeRun(o, 8));
      });
    }
  }

  // float32 runs the wasm f32x4 kernel on the multiple-of-4 head (split over the helper threads
  // from 65,536 elements) and the TypeScript loop on the tail: still the same bits
  for (const shape of [[7, 9], [300, 257]]) {
    for (const [decoupled, weightDecay] of [[true, 0.01], [false, 0.1], [true, 0]] as const) {
      const o = { lr: 0.01, weightDecay, amsgrad: false, decoupled, dtype: 'float32' as const, shape };
      test(JSON.stringify(o), () => {
        expect(fusedRun(o, 3)).toEqual(compositeRun(o, 3));
      });
    }
  }

  test('a state dict keeps its values while the optimizer steps on', () => {
    const p = ones([3]).requiresGrad_();
    const opt = new AdamW([['w', p]], { lr: 0.1 });
    p.grad = ones([3]);
    opt.step();
    const sd = opt.stateDict();
    const saved = (sd.state['w']!['expAvg'] as Tensor).tolist();
    opt.step();
    expect((sd.state['w']!['expAvg'] as Tensor).tolist()).toEqual(saved);
  });

  test('adamStep_ writes in place (versions bumped) the values adamStep returns, also through strided views', () => {
    const h = { lr: 0.1, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0.01, decoupled: true, step: 3 };
    const [p0, g, m0, v0] = [0, 1, 2, 3].map((s) => randn([5, 4], { generator: new Generator(s) }));
    const v0abs = v0!.abs();
    const r = adamStep(p0!, g!, m0!, v0abs, h);
    const [p, m, v] = [p0!.clone(), m0!.clone(), v0abs.clone()];
    adamStep_(p, g!, m, v, h);
    expect([p.tolist(), m.tolist(), v.tolist()]).toEqual([r.param.tolist(), r.expAvg.tolist(), r.expAvgSq.tolist()]);
    expect([p, m, v].map((t) => t.storage.version)).toEqual([1, 1, 1]);
    const pt = p0!.clone().t(); // a transposed (strided) parameter: computed, then copied back
    adamStep_(pt, g!.t(), m0!.t().clone(), v0abs.t().clone(), h);
    expect(pt.t().tolist()).toEqual(r.param.tolist());
  });

  test('adamStep is pure and checks its inputs', () => {
    const [p, m, v] = [zeros([3]), zeros([3]), zeros([3])];
    const h = { lr: 0.1, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, decoupled: true, step: 1 };
    const r = adamStep(p, ones([3]), m, v, h);
    // step 1 from zeros with g = 1: m = 0.1, v = 0.001, p = -0.1 * (0.1 / 0.1) / (sqrt(0.001 / 0.001) + 1e-8)
    for (const x of r.param.tolist() as number[]) expect(x).toBeCloseTo(-0.1, 6);
    for (const x of r.expAvg.tolist() as number[]) expect(x).toBeCloseTo(0.1, 7);
    for (const x of r.expAvgSq.tolist() as number[]) expect(x).toBeCloseTo(0.001, 9);
    expect(p.tolist()).toEqual([0, 0, 0]);
    expect(p.storage.version).toBe(0);
    expect(() => adamStep(p, ones([3], { dtype: 'float64' }), m, v, h)).toThrow(/adamStep.*one dtype/s);
    expect(() => adamStep(p, ones([2]), m, v, h)).toThrow(/adamStep.*parameter's shape/s);
    expect(() => adamStep(tensor([1], { requiresGrad: true }), ones([1]), zeros([1]), zeros([1]), h)).toThrow(/noGrad/);
  });
});

describe('one Adam path on every backend', () => {
  // the gpu backend has no adamStep kernel: the optimizer's one call runs as the composite there
  test('AdamW on the gpu backend (gpu.js cpu mode) takes the same steps as on the CPU', async () => {
    const { setBackend, shutdownBackend, toDevice } = await import('@tsgrad/core');
    await setBackend('gpu', { mode: 'cpu' });
    try {
      const run = async (device: 'cpu' | 'gpu') => {
        const p = randn([5, 3], { generator: new Generator(1) }).to(device).requiresGrad_();
        const opt = new AdamW([p], { lr: 0.01, weightDecay: 0.1, amsgrad: true });
        for (let s = 0; s < 3; s++) {
          p.grad = randn([5, 3], { generator: new Generator(50 + s) }).to(device);
          opt.step();
        }
        return [...(await toDevice(p, 'cpu')).dataSync()];
      };
      expect(await run('gpu')).toEqual(await run('cpu'));
    } finally {
      await shutdownBackend();
    }
  });
});
