// Comparisons and logical ops: bool results, broadcasting, weak scalars and IEEE NaN rules.
import { describe, expect, test } from 'vitest';
import { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, logicalXor, lt, ne, tensor } from '@tsgrad/core';

describe('comparisons', () => {
  const a = tensor([1, 2, 3]);

  test('each comparison against a scalar', () => {
    expect(eq(a, 2).tolist()).toEqual([false, true, false]);
    expect(ne(a, 2).tolist()).toEqual([true, false, true]);
    expect(lt(a, 2).tolist()).toEqual([true, false, false]);
    expect(le(a, 2).tolist()).toEqual([true, true, false]);
    expect(gt(a, 2).tolist()).toEqual([false, false, true]);
    expect(ge(a, 2).tolist()).toEqual([false, true, true]);
    expect(eq(a, 2).dtype).toBe('bool');
  });

  test('broadcasting a column against a row', () => {
    const out = lt(tensor([[1], [3]]), tensor([2, 3, 4]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.tolist()).toEqual([[true, true, true], [false, false, true]]);
  });

  test('NaN is unequal to everything, itself included', () => {
    const n = tensor([NaN]);
    expect(eq(n, n).tolist()).toEqual([false]);
    expect(ne(n, n).tolist()).toEqual([true]);
    expect([lt(n, 0), le(n, 0), gt(n, 0), ge(n, 0)].map((t) => t.item())).toEqual([0, 0, 0, 0]);
  });

  test('int tensor against a fractional scalar compares the real values', () => {
    const i = tensor([1, 2], { dtype: 'int32' });
    expect(eq(i, 1.5).tolist()).toEqual([false, false]);
    expect(gt(i, 1.5).tolist()).toEqual([false, true]);
  });

  test('a weak float scalar is rounded like the float32 tensor it meets', () => {
    expect(eq(tensor([0.1]), 0.1).tolist()).toEqual([true]);
    expect(eq(tensor([0.1], { dtype: 'float64' }), tensor([0.1])).tolist()).toEqual([false]); // float32(0.1) != 0.1
  });

  test('bool tensors compare as 0 and 1', () => {
    expect(eq(tensor([true, false]), 1).tolist()).toEqual([true, false]);
    expect(lt(tensor([false]), tensor([true])).tolist()).toEqual([true]);
  });
});

describe('logical ops', () => {
  const p = tensor([true, true, false, false]);
  const q = tensor([true, false, true, false]);

  test('truth tables', () => {
    expect(logicalAnd(p, q).tolist()).toEqual([true, false, false, false]);
    expect(logicalOr(p, q).tolist()).toEqual([true, true, true, false]);
    expect(logicalXor(p, q).tolist()).toEqual([false, true, true, false]);
    expect(logicalNot(p).tolist()).toEqual([false, false, true, true]);
  });

  test('non-bool inputs use truthiness (non-zero, NaN included, is true)', () => {
    expect(logicalAnd(tensor([0, 2, NaN]), tensor([1, -1, 1])).tolist()).toEqual([false, true, true]);
    expect(logicalOr(tensor([0, 0]), 0.5).tolist()).toEqual([true, true]);
  });
});
