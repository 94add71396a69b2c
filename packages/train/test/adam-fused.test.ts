// Adam/AdamW's fused in-place CPU step (core's adamStep_) against the composite adamUpdate it
// replaces: bit-identical trajectories in float32 and float64, and state dicts that never change
// after they are handed out.

import { describe, expect, test } from 'vitest';
import { Generator, adamStep_, noGrad, ones, randn, zeros, zerosLike, type Tensor } from '@tsgrad/core';
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

  test('adamStep_ bumps versions and refuses tensors it cannot update', () => {
    const [p, m, v] = [zeros([3]), zeros([3]), zeros([3])];
    const h = { lr: 0.1, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, decoupled: true, step: 1 };
    adamStep_(p, ones([3]), m, v, h);
    expect(p.storage.version).toBe(1);
    for (const x of p.tolist() as number[]) expect(x).toBeCloseTo(-0.1, 6);
    expect(() => adamStep_(p, ones([3], { dtype: 'float64' }), m, v, h)).toThrow(/grad must be a CPU float32 tensor/);
    expect(() => adamStep_(zeros([3, 2]).t(), ones([2, 3]), zeros([2, 3]), zeros([2, 3]), h)).toThrow(/param must be a contiguous/);
  });
});
