// Semantics the fused primitives must keep from the composites they replaced: dropout's seeded
// masks (resumed runs stay bit-identical), NaN rows of fully masked attention, ignored targets.

import { describe, expect, test } from 'vitest';
import {
  Generator, attentionWeights, crossEntropy, dropout, rand, randn, scaledDotProductAttention, scaledMaskedSoftmax, tensor, zeros,
} from '@tsgrad/core';
import { FC, fc, shapeArb } from './grad/helpers.js';

describe('dropout draws the mask rand(x.shape).ge(p) always drew', () => {
  test('the same seed gives the same output, gradient and generator state as the composite', () => {
    fc.assert(fc.property(shapeArb({ maxSize: 5 }), fc.constantFrom(0.1, 0.3, 0.5, 0.75, 0.999), fc.integer({ min: 0, max: 1e6 }), fc.constantFrom('float32' as const, 'float64' as const), (s, p, seed, dtype) => {
      const x = randn(s, { dtype, generator: new Generator(seed + 1) }).requiresGrad_();
      const [g1, g2] = [new Generator(seed), new Generator(seed)];
      const y = dropout(x, p, true, { generator: g1 });
      const keep = rand(s, { generator: g2 }).ge(p); // the former composite, step by step
      const ref = x.detach().mul(keep).div(1 - p);
      expect(y.dataSync()).toEqual(ref.dataSync());
      expect(g1.getState()).toEqual(g2.getState());
      y.sum().backward();
      expect(x.grad!.dataSync()).toEqual(tensor(1, { dtype }).div(1 - p).mul(keep).expand(s).dataSync());
    }), FC);
  });

  test('the integer threshold the mask is drawn with agrees with the float test at awkward p', () => {
    // p below float32's smallest normal, just above a half, and so close to 1 that float32(p) is 1
    for (const p of [2 ** -140, 1e-9, 0.5 + 2 ** -25, 0.999999, 1 - 2 ** -25]) {
      const x = tensor(1).expand([100_000]);
      const y = dropout(x, p, true, { generator: new Generator(3) });
      const keep = rand([100_000], { generator: new Generator(3) }).ge(p);
      expect(y.ne(0).dataSync()).toEqual(keep.dataSync());
    }
  });

  test('a resumed run continues with the same masks', () => {
    const g = new Generator(7);
    const x = randn([64], { generator: new Generator(1) });
    dropout(x, 0.5, true, { generator: g });
    const saved = g.getState();
    const next = dropout(x, 0.5, true, { generator: g }).tolist();
    expect(dropout(x, 0.5, true, { generator: new Generator().setState(saved) }).tolist()).toEqual(next);
  });
});

describe('attention and losses keep their edge cases', () => {
  test('a fully masked row gives NaN, other rows are unaffected', () => {
    const mask = tensor([[false, false], [true, false]]);
    const w = scaledMaskedSoftmax(zeros([2, 2]), { attnMask: mask }).tolist() as number[][];
    expect(w[0]!.every(Number.isNaN)).toBe(true);
    expect(w[1]).toEqual([1, 0]);
  });

  test('isCausal masks keys after the query, with L != S too', () => {
    const q = randn([2, 3, 4], { dtype: 'float64' });
    const k = randn([2, 5, 4], { dtype: 'float64' });
    const w = attentionWeights(q, k, { isCausal: true }).tolist() as number[][][];
    for (const b of w) b.forEach((row, i) => row.forEach((v, j) => (j > i ? expect(v).toBe(0) : expect(v).toBeGreaterThan(0))));
  });

  test('an additive mask with more batch dims than the scores broadcasts them, as the composite did', () => {
    const q = randn([3, 4], { dtype: 'float64' });
    const bias = randn([2, 3, 3], { dtype: 'float64' });
    const y = scaledDotProductAttention(q, q, q, { attnMask: bias });
    expect(y.shape).toEqual([2, 3, 4]);
    expect(y.select(0, 1).tolist()).toEqual(scaledDotProductAttention(q, q, q, { attnMask: bias.select(0, 1) }).tolist());
  });

  test('crossEntropy: ignored positions get a zero gradient, even when every target is ignored', () => {
    const x = randn([3, 4], { dtype: 'float64' }).requiresGrad_();
    crossEntropy(x, tensor([-100, -100, -100], { dtype: 'int32' })).backward();
    expect(x.grad!.abs().sum().item()).toBe(0);
    const x2 = randn([3, 4], { dtype: 'float64' }).requiresGrad_();
    crossEntropy(x2, tensor([1, -100, 2], { dtype: 'int32' })).backward();
    expect((x2.grad!.select(0, 1).tolist() as number[]).every((v) => v === 0)).toBe(true);
  });

  test('crossEntropy: a class weight that requires grad gets its gradient (the composite path)', () => {
    const w = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    crossEntropy(randn([2, 3], { dtype: 'float64' }), tensor([0, 2], { dtype: 'int32' }), { weight: w }).backward();
    expect(w.grad).not.toBeNull();
  });
});
