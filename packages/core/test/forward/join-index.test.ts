// Joining and splitting (cat/stack/split/chunk), index ops (gather/scatterAdd/indexSelect/indexAdd/embedding/oneHot), tril/triu.
import { describe, expect, test } from 'vitest';
import {
  arange, cat, ValueError, chunk, embedding, gather, indexAdd, indexSelect, oneHot, ones, scatterAdd, split, stack, tensor, tril, triu, zeros,
  type NestedArray,
} from '@tsgrad/core';

const idx = (d: NestedArray) => tensor(d, { dtype: 'int32' });

describe('cat and stack', () => {
  const a = () => tensor([[1, 2], [3, 4]]);
  const b = () => tensor([[5, 6]]);

  test('cat along dim 0, dim 1 and a negative dim', () => {
    expect(cat([a(), b()]).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([a(), tensor([[7], [8]])], 1).tolist()).toEqual([[1, 2, 7], [3, 4, 8]]);
    expect(cat([a(), tensor([[7], [8]])], -1).shape).toEqual([2, 3]);
    expect(cat([zeros([0, 2]), b()]).tolist()).toEqual([[5, 6]]);
  });

  test('cat promotes dtypes and always returns a new tensor', () => {
    const c = cat([tensor([1], { dtype: 'int32' }), tensor([0.5])]);
    expect([c.dtype, c.tolist()]).toEqual(['float32', [1, 0.5]]);
    const x = tensor([1, 2]);
    const one = cat([x]);
    expect(one.tolist()).toEqual([1, 2]);
    expect(one.storage).not.toBe(x.storage);
  });

  test('cat of non-contiguous views', () => {
    expect(cat([a().t(), a().slice(1, 1)], 1).tolist()).toEqual([[1, 3, 2], [2, 4, 4]]);
  });

  test('stack adds a new dim at 0, 1 or -1', () => {
    const p = tensor([1, 2]);
    const q = tensor([3, 4]);
    expect(stack([p, q]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(stack([p, q], 1).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(stack([p, q], -1).shape).toEqual([2, 2]);
    expect(stack([tensor(1), tensor(2)]).tolist()).toEqual([1, 2]);
  });
});

describe('split and chunk', () => {
  test('split by size (last piece smaller) and by a list of sizes; pieces are views', () => {
    const x = arange(5);
    const parts = split(x, 2);
    expect(parts.map((t) => t.tolist())).toEqual([[0, 1], [2, 3], [4]]);
    expect(parts.every((t) => t.storage === x.storage)).toBe(true);
    expect(split(x, [1, 4]).map((t) => t.tolist())).toEqual([[0], [1, 2, 3, 4]]);
    expect(split(arange(6).reshape([2, 3]), 2, 1).map((t) => t.shape)).toEqual([[2, 2], [2, 1]]);
    expect(() => split(x, [6, -1])).toThrow(ValueError);
  });

  test('chunk uses pieces of ceil(n / chunks), so it may return fewer chunks', () => {
    expect(chunk(arange(5), 2).map((t) => t.tolist())).toEqual([[0, 1, 2], [3, 4]]);
    expect(chunk(arange(6), 4).map((t) => t.shape[0])).toEqual([2, 2, 2]);
    expect(chunk(arange(6).reshape([3, 2]), 2, -1).map((t) => t.tolist())).toEqual([[[0], [2], [4]], [[1], [3], [5]]]);
  });
});

describe('gather and scatterAdd', () => {
  const x = () => tensor([[1, 2, 3], [4, 5, 6]]);

  test('gather along dim 1: out[i][j] = x[i][index[i][j]]', () => {
    expect(gather(x(), 1, idx([[2, 0], [1, 1]])).tolist()).toEqual([[3, 1], [5, 5]]);
  });

  test('gather along dim 0: out[i][j] = x[index[i][j]][j], with an index smaller than x', () => {
    expect(gather(x(), 0, idx([[1, 0, 1]])).tolist()).toEqual([[4, 2, 6]]);
    expect(gather(x(), 0, idx([[1], [0]])).tolist()).toEqual([[4], [1]]);
  });

  test('gather from a transposed view', () => {
    expect(gather(x().t(), 1, idx([[1], [0], [1]])).tolist()).toEqual([[4], [2], [6]]);
  });

  test('scatterAdd accumulates repeated indices: out[index[i][j]][j] += src[i][j] (dim 0)', () => {
    expect(scatterAdd(zeros(3), 0, idx([0, 0, 2]), tensor([1, 2, 3])).tolist()).toEqual([3, 0, 3]);
    const out = scatterAdd(ones([2, 3]), 0, idx([[1, 0, 1], [1, 1, 1]]), tensor([[1, 2, 3], [10, 20, 30]]));
    expect(out.tolist()).toEqual([[1, 3, 1], [12, 21, 34]]);
    expect(scatterAdd(zeros([2, 2]), 1, idx([[1, 1], [0, 1]]), tensor([[1, 2], [3, 4]])).tolist()).toEqual([[0, 3], [3, 4]]);
  });
});

describe('indexSelect and indexAdd', () => {
  test('indexSelect picks whole slices, with repeats, along dim 0 or 1', () => {
    const m = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(indexSelect(m, 0, idx([1, 1, 0])).tolist()).toEqual([[4, 5, 6], [4, 5, 6], [1, 2, 3]]);
    expect(indexSelect(m, 1, idx([2, 0])).tolist()).toEqual([[3, 1], [6, 4]]);
    expect(indexSelect(m.t(), 0, idx([2])).tolist()).toEqual([[3, 6]]);
    expect(indexSelect(m, 0, idx([])).shape).toEqual([0, 3]);
  });

  test('indexAdd adds alpha * source slices at the indices, accumulating repeats', () => {
    expect(indexAdd(zeros(3), 0, idx([0, 0, 2]), tensor([1, 2, 3])).tolist()).toEqual([3, 0, 3]);
    const out = indexAdd(ones([2, 3]), 1, idx([2, 2]), tensor([[1, 2], [3, 4]]), { alpha: 10 });
    expect(out.tolist()).toEqual([[1, 1, 31], [1, 1, 71]]);
  });
});

describe('embedding and oneHot', () => {
  const w = () => tensor([[0, 0], [1, 2], [3, 4]], { requiresGrad: true });

  test('embedding looks up rows for an index tensor of any shape', () => {
    const out = embedding(idx([[2, 0], [1, 1]]), w());
    expect(out.shape).toEqual([2, 2, 2]);
    expect(out.tolist()).toEqual([[[3, 4], [0, 0]], [[1, 2], [1, 2]]]);
  });

  test('paddingIdx: same values, but the padding row receives no gradient', () => {
    const weight = w();
    const input = idx([1, 2, 1]);
    const out = embedding(input, weight, { paddingIdx: 1 });
    expect(out.tolist()).toEqual([[1, 2], [3, 4], [1, 2]]);
    out.sum().backward();
    expect(weight.grad!.tolist()).toEqual([[0, 0], [0, 0], [1, 1]]);
    const neg = w();
    embedding(input, neg, { paddingIdx: -1 }).sum().backward(); // -1 is row 2
    expect(neg.grad!.tolist()).toEqual([[0, 0], [2, 2], [0, 0]]);
  });

  test('oneHot gives int32 rows, numClasses inferred as max + 1', () => {
    const o = oneHot(idx([0, 2]), 4);
    expect([o.dtype, o.tolist()]).toEqual(['int32', [[1, 0, 0, 0], [0, 0, 1, 0]]]);
    expect(oneHot(idx([[1], [0]])).tolist()).toEqual([[[0, 1]], [[1, 0]]]);
  });
});

describe('tril and triu', () => {
  const m = () => tensor([[1, 2, 3], [4, 5, 6]]);

  test('the main diagonal and shifted diagonals (keep j - i <= k for tril, >= k for triu)', () => {
    expect(tril(m()).tolist()).toEqual([[1, 0, 0], [4, 5, 0]]);
    expect(tril(m(), 1).tolist()).toEqual([[1, 2, 0], [4, 5, 6]]);
    expect(tril(m(), -1).tolist()).toEqual([[0, 0, 0], [4, 0, 0]]);
    expect(triu(m()).tolist()).toEqual([[1, 2, 3], [0, 5, 6]]);
    expect(triu(m(), 1).tolist()).toEqual([[0, 2, 3], [0, 0, 6]]);
    expect(triu(m(), -1).tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  test('batched inputs mask each matrix; bool and int dtypes are kept', () => {
    const b = tril(ones([2, 2, 2]));
    expect(b.tolist()).toEqual([[[1, 0], [1, 1]], [[1, 0], [1, 1]]]);
    const t = tril(ones([2, 2], { dtype: 'bool' }));
    expect([t.dtype, t.tolist()]).toEqual(['bool', [[true, false], [true, true]]]);
    expect(triu(ones([2, 2], { dtype: 'int32' })).dtype).toBe('int32');
  });
});
