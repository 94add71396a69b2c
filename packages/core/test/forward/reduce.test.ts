// Reductions: sum/mean/var/std (with correction), amax/amin, max/min with indices, argmax/argmin, logsumexp.
import { describe, expect, test } from 'vitest';
import { amax, amin, arange, argmax, argmin, logsumexp, max, mean, min, std, sum, tensor, variance, zeros, type NestedArray } from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });
const x23 = () => tensor([[1, 2, 3], [4, 5, 6]]);
// x[b, i, j] = 12 b + 4 i + j
const x234 = () => arange(24, undefined, 1, { dtype: 'float64' }).reshape([2, 3, 4]);

describe('sum', () => {
  test('over all, one, several and negative dims, with keepdim', () => {
    expect(sum(x23()).item()).toBe(21);
    expect(sum(x23(), 0).tolist()).toEqual([5, 7, 9]);
    expect(sum(x23(), 1).tolist()).toEqual([6, 15]);
    expect(sum(x23(), -1, true).tolist()).toEqual([[6], [15]]);
    expect(sum(x23(), [0, 1]).item()).toBe(21);
    expect(sum(x23(), []).item()).toBe(21); // an empty dim list means every dim, as in PyTorch
  });

  test('a middle dim and two outer dims of a rank-3 tensor', () => {
    // sum_i (12b + 4i + j) = 36b + 12 + 3j
    expect(sum(x234(), 1).tolist()).toEqual([[12, 15, 18, 21], [48, 51, 54, 57]]);
    // sum_{b,j} (12b + 4i + j) = 48 + 32i + 12
    expect(sum(x234(), [0, 2]).tolist()).toEqual([60, 92, 124]);
    expect(sum(x234(), [0, 2], true).shape).toEqual([1, 3, 1]);
  });

  test('of a transposed view and of a strided slice', () => {
    expect(sum(x23().t(), 1).tolist()).toEqual([5, 7, 9]);
    expect(sum(arange(10).slice(0, 1, 10, 3)).item()).toBe(1 + 4 + 7);
  });

  test('int32 and bool sum to int32; an empty tensor sums to 0', () => {
    const s = sum(tensor([1, 2], { dtype: 'int32' }));
    expect([s.dtype, s.item()]).toEqual(['int32', 3]);
    const b = sum(tensor([true, true, false]));
    expect([b.dtype, b.item()]).toEqual(['int32', 2]);
    expect(sum(zeros([0, 3])).item()).toBe(0);
    expect(sum(zeros([0, 3]), 0).tolist()).toEqual([0, 0, 0]);
  });
});

describe('mean, var and std', () => {
  test('mean over all and over dims; an empty mean is NaN', () => {
    expect(mean(tensor([[1, 2], [3, 4]])).item()).toBe(2.5);
    expect(mean(tensor([[1, 2], [3, 4]]), 0).tolist()).toEqual([2, 3]);
    expect(mean(tensor([[1, 2], [3, 4]]), 1, true).tolist()).toEqual([[1.5], [3.5]]);
    expect(mean(zeros([0])).item()).toBeNaN();
  });

  test('var divides the squared deviations (here 2.25 + 0.25 + 0.25 + 2.25 = 5) by N - correction', () => {
    const x = f64([1, 2, 3, 4]);
    expectClose(variance(x), 5 / 3, 1e-15);
    expect(variance(x, undefined, { correction: 0 }).item()).toBe(1.25);
    expect(variance(x, undefined, { correction: 2 }).item()).toBe(2.5);
    expectClose(std(x).item(), Math.sqrt(5 / 3), 1e-15);
    expect(x.std(0, { correction: 0 }).item()).toBeCloseTo(Math.sqrt(1.25), 14);
  });

  test('var along a dim, keepdim, and N - correction <= 0 gives NaN', () => {
    const x = f64([[1, 3], [2, 6]]);
    expect(variance(x, 1).tolist()).toEqual([2, 8]);
    expect(variance(x, 1, { correction: 0, keepdim: true }).tolist()).toEqual([[1], [4]]);
    expect(variance(f64([5])).item()).toBeNaN(); // 0 / 0
  });
});

describe('amax, amin, max and min', () => {
  const m = () => tensor([[1, 5], [7, 2]]);

  test('amax/amin over all, each dim and a dim list; NaN propagates', () => {
    expect(amax(m()).item()).toBe(7);
    expect(amax(m(), 0).tolist()).toEqual([7, 5]);
    expect(amax(m(), 1).tolist()).toEqual([5, 7]);
    expect(amin(m(), 1, true).tolist()).toEqual([[1], [2]]);
    expect(amin(m(), [0, 1]).item()).toBe(1);
    expect(amax(tensor([1, NaN, 3])).item()).toBeNaN();
    expect(amin(tensor([[1, NaN], [0, 2]]), 1).tolist()).toEqual([NaN, 0]);
  });

  test('max/min along a dim return values and the first index of ties', () => {
    const x = tensor([[1, 5, 5], [7, 2, 7]]);
    const mx = max(x, 1);
    expect(mx.values.tolist()).toEqual([5, 7]);
    expect(mx.indices.tolist()).toEqual([1, 0]);
    expect(mx.indices.dtype).toBe('int32');
    const mn = min(x, 0, true);
    expect(mn.values.tolist()).toEqual([[1, 2, 5]]);
    expect(mn.indices.tolist()).toEqual([[0, 1, 0]]);
    expect(max(x).item()).toBe(7);
    expect(x.min().item()).toBe(1);
  });

  test('int tensors keep their dtype', () => {
    expect(amax(tensor([3, 9], { dtype: 'int32' })).dtype).toBe('int32');
  });
});

describe('argmax and argmin', () => {
  test('first index on ties, along a dim or flattened', () => {
    expect(argmax(tensor([3, 1, 3])).item()).toBe(0);
    expect(argmin(tensor([3, 1, 1])).item()).toBe(1);
    expect(argmax(tensor([[1, 9], [9, 0]])).item()).toBe(1); // flattened [1, 9, 9, 0]
    expect(argmin(tensor([[1, 9], [9, 0]])).item()).toBe(3);
    expect(argmax(tensor([[1, 9], [9, 0]]), 0).tolist()).toEqual([1, 0]);
    expect(argmin(tensor([[1, 9], [9, 0]]), -1, true).tolist()).toEqual([[0], [1]]);
  });

  test('NaN counts as the extreme: its first index wins for both', () => {
    expect(argmax(tensor([1, NaN, 3, NaN])).item()).toBe(1);
    expect(argmin(tensor([1, NaN, -3])).item()).toBe(1);
  });
});

describe('logsumexp', () => {
  test('log(sum(exp(x))) on small values', () => {
    expectClose(logsumexp(f64([0, 0]), 0), Math.LN2, 1e-15);
    expectClose(logsumexp(f64([[1, 2], [3, 3]]), 1), [Math.log(Math.E + Math.E ** 2), 3 + Math.LN2], 1e-14);
  });

  test('large values do not overflow: lse(a, a) = a + ln 2', () => {
    expectClose(logsumexp(f64([1000, 1000]), 0), 1000 + Math.LN2, 1e-14);
    expectClose(logsumexp(f64([-1000, -1000]), 0), -1000 + Math.LN2, 1e-14);
    expectClose(logsumexp(tensor([1000, 0]), 0), 1000, 1e-6);
  });

  test('a row of -inf gives -inf, +inf gives +inf, keepdim keeps the dim', () => {
    const out = logsumexp(tensor([[-Infinity, -Infinity], [0, 0], [Infinity, 1]]), 1, true);
    expect(out.shape).toEqual([3, 1]);
    expectClose(out, [[-Infinity], [Math.LN2], [Infinity]]);
  });

  test('int input computes in float32', () => {
    const out = logsumexp(tensor([0, 0], { dtype: 'int32' }), 0);
    expect(out.dtype).toBe('float32');
    expectClose(out, Math.LN2);
  });
});
