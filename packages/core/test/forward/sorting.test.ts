// Sorting and scans against PyTorch's documented and hand-worked values: ties, NaN, negative
// dims, empty tensors and size-1 dims.
import { describe, expect, test } from 'vitest';
import {
  all, any, arange, argsort, bincount, cumprod, cumsum, median, norm, prod, searchsorted, sort, tensor, topk, unique, vectorNorm, zeros,
} from '@tsgrad/core';
import { expectClose } from './close.js';

const i32 = (d: number[]) => tensor(d, { dtype: 'int32' });

describe('sort, argsort, topk', () => {
  test('stable on ties, as PyTorch documents for torch.sort(stable=True)', () => {
    const x = tensor(Array.from({ length: 18 }, (_, i) => i % 2)); // [0, 1] * 9
    expect(sort(x, 0, false, true).indices.tolist()).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 1, 3, 5, 7, 9, 11, 13, 15, 17]);
    expect(sort(x, 0, true, true).indices.tolist()).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 0, 2, 4, 6, 8, 10, 12, 14, 16]);
  });
  test('negative dims, descending, NaN as the largest value, int32 indices', () => {
    const x = tensor([[3, NaN, 1], [2, 2, -1]]);
    const asc = sort(x, -1);
    expect(asc.values.tolist()).toEqual([[1, 3, NaN], [-1, 2, 2]]);
    expect(asc.indices.tolist()).toEqual([[2, 0, 1], [2, 0, 1]]);
    expect(asc.indices.dtype).toBe('int32');
    expect(sort(x, 1, true).values.tolist()).toEqual([[NaN, 3, 1], [2, 2, -1]]);
    expect(argsort(x, 0).tolist()).toEqual([[1, 1, 1], [0, 0, 0]]); // NaN sorts after 2
    const [v, i] = sort(tensor([[5], [4]]), -2);
    expect([v.tolist(), i.tolist()]).toEqual([[[4], [5]], [[1], [0]]]);
  });
  test('empty and 0-d tensors', () => {
    expect(sort(zeros([2, 0]), 1).values.shape).toEqual([2, 0]);
    expect(argsort(zeros([0])).tolist()).toEqual([]);
    expect(sort(tensor(7)).values.item()).toBe(7);
    expect(argsort(tensor(7)).item()).toBe(0);
  });
  test('topk as torch.topk documents, smallest, ties lower-index first, errors', () => {
    const x = arange(1, 6);
    expect(topk(x, 3).values.tolist()).toEqual([5, 4, 3]);
    expect(topk(x, 3).indices.tolist()).toEqual([4, 3, 2]);
    expect(topk(tensor([2, 7, 7, 1, 7]), 2).indices.tolist()).toEqual([1, 2]);
    expect(topk(tensor([[4, 1], [2, 3]]), 1, -1, false).indices.tolist()).toEqual([[1], [0]]);
    expect(topk(tensor([1, 2]), 0).values.shape).toEqual([0]);
    expect(() => topk(tensor([1, 2]), 3)).toThrow(/topk: selected index k = 3 is out of range/);
  });
  test('gradient goes back to the positions the values came from', () => {
    const x = tensor([3, 1, 2], { requiresGrad: true });
    topk(x, 2).values.mul(tensor([10, 1])).sum().backward();
    expect(x.grad!.tolist()).toEqual([10, 0, 1]);
  });
});

describe('median', () => {
  test('the lower of the two middle values, NaN propagates', () => {
    expect(median(tensor([1, 2, 3, 4])).item()).toBe(2);
    expect(median(tensor([[5, 1], [3, 9]])).item()).toBe(3);
    expect(median(tensor([1, NaN, 3])).item()).toBeNaN();
    expect(median(zeros([0])).item()).toBeNaN();
    const r = median(tensor([[1, NaN, 2], [0, 4, 4], [7, 7, 7]]), -1, true);
    expect(r.values.tolist()).toEqual([[NaN], [4], [7]]);
    expect(r.indices.tolist()).toEqual([[1], [1], [1]]); // the middle of the stable order
    expect(() => median(zeros([2, 0]), 1)).toThrow(/median: cannot compute the median over dim 1 of size 0/);
  });
});

describe('cumsum, cumprod, prod', () => {
  test('values, dims and dtypes', () => {
    expect(cumsum(arange(1, 10), 0).tolist()).toEqual([1, 3, 6, 10, 15, 21, 28, 36, 45]);
    expect(cumsum(tensor([[1, 2], [3, 4]]), 0).tolist()).toEqual([[1, 2], [4, 6]]);
    expect(cumsum(tensor([true, false, true], { dtype: 'bool' }), 0).dtype).toBe('int32');
    expect(cumsum(zeros([0, 3]), 0).shape).toEqual([0, 3]);
    expect(cumprod(tensor([[1, 2, 3], [0, 5, 6]]), -1).tolist()).toEqual([[1, 2, 6], [0, 0, 0]]);
    expect(prod(tensor([[2, 3], [4, 5]])).item()).toBe(120);
    expect(prod(tensor([[2, 3], [4, 5]]), -2).tolist()).toEqual([8, 15]);
    expect(prod(zeros([2, 0]), 1).tolist()).toEqual([1, 1]);
    expect(prod(i32([2, 3, 7])).dtype).toBe('int32');
    expect(prod(tensor([[2, 3]]), 0, true).tolist()).toEqual([[2, 3]]);
  });
  test('gradients with zeros: products of the other factors', () => {
    const x = tensor([2, 0, 3, 0.5], { requiresGrad: true });
    cumprod(x, 0).sum().backward(); // out = [x0, x0x1, x0x1x2, x0x1x2x3]
    expect(x.grad!.tolist()).toEqual([1, 2 + 6 + 3, 0, 0]);
    const y = tensor([2, 0, 3], { requiresGrad: true });
    prod(y).backward();
    expect(y.grad!.tolist()).toEqual([0, 6, 0]);
    const z = tensor([0, 4, 0], { requiresGrad: true });
    prod(z).backward();
    expect(z.grad!.tolist()).toEqual([0, 0, 0]);
  });
});

describe('all, any, vectorNorm, norm', () => {
  test('all/any: bool results, NaN is true, empty reductions', () => {
    expect(all(tensor([[1, 0], [NaN, 2]]), 0).tolist()).toEqual([true, false]);
    expect(any(tensor([[0, 0], [NaN, 0]]), -1, true).tolist()).toEqual([[false], [true]]);
    expect(all(zeros([0])).tolist()).toBe(true);
    expect(any(zeros([0])).tolist()).toBe(false);
    expect(all(tensor([1, 2])).dtype).toBe('bool');
  });
  test('torch.linalg.vector_norm documented values (a = arange(9) - 4)', () => {
    const a = arange(9, undefined, 1, { dtype: 'float64' }).sub(4);
    expectClose(vectorNorm(a, 3.5), 5.4345, 1e-4);
    expectClose(vectorNorm(a.reshape([3, 3]), 3.5), 5.4345, 1e-4);
    expectClose(norm(a), 7.7460, 1e-4);
    expect(vectorNorm(a, Infinity).item()).toBe(4);
    expect(vectorNorm(a, -Infinity).item()).toBe(0);
    expect(vectorNorm(a, 0).item()).toBe(8);
    expectClose(vectorNorm(a.reshape([3, 3]), 1, [-1], true), [[9], [2], [9]]);
    expect(() => vectorNorm(i32([1]))).toThrow(/expected a floating point input/);
  });
  test('the gradient of a zero norm is zero, as PyTorch masks it', () => {
    const x = zeros([3], { requiresGrad: true });
    vectorNorm(x).backward();
    expect(x.grad!.tolist()).toEqual([0, 0, 0]);
  });
});

describe('unique, bincount, searchsorted', () => {
  test('unique as torch.unique documents', () => {
    expect(unique(tensor([1, 3, 2, 3])).tolist()).toEqual([1, 2, 3]);
    const [out, inv] = unique(tensor([[1, 3], [2, 3]]), { sorted: true, returnInverse: true });
    expect([out!.tolist(), inv!.tolist()]).toEqual([[1, 2, 3], [[0, 2], [1, 2]]]);
    const a = tensor([
      [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]],
      [[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1]],
      [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]],
    ]);
    const [u, i, c] = unique(a, { dim: 0, returnInverse: true, returnCounts: true });
    expect(u!.tolist()).toEqual([[[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1]], [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1]]]);
    expect([i!.tolist(), c!.tolist()]).toEqual([[1, 0, 1], [1, 2]]);
    expect(unique(a, { dim: -1 }).tolist()).toEqual([[[0, 1], [0, 1], [1, 0]], [[1, 0], [1, 0], [1, 1]], [[0, 1], [0, 1], [1, 0]]]);
    expect(unique(zeros([0])).shape).toEqual([0]);
  });
  test('bincount with weights and minlength', () => {
    expect(bincount(i32([4, 3, 6, 3, 4])).tolist()).toEqual([0, 0, 0, 2, 2, 0, 1]);
    expect(bincount(i32([]), { minlength: 2 }).tolist()).toEqual([0, 0]);
    const w = bincount(i32([1, 1, 0]), { weights: tensor([0.25, 0.5, 1]) });
    expect([w.tolist(), w.dtype]).toEqual([[1, 0.75], 'float32']);
    expect(bincount(i32([0]), { weights: tensor([1], { dtype: 'float64' }) }).dtype).toBe('float64');
    expect(() => bincount(i32([1, -1]))).toThrow(/non-negative/);
    expect(() => bincount(tensor([1.5]))).toThrow(/integer tensor/);
  });
  test('searchsorted as torch.searchsorted documents', () => {
    const seq = tensor([[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]]);
    const v = tensor([[3, 6, 9], [3, 6, 9]]);
    expect(searchsorted(seq, v).tolist()).toEqual([[1, 3, 4], [1, 2, 4]]);
    expect(searchsorted(seq, v, { right: true }).tolist()).toEqual([[2, 3, 5], [1, 3, 4]]);
    expect(searchsorted(tensor([1, 3, 5, 7, 9]), v).tolist()).toEqual([[1, 3, 4], [1, 3, 4]]);
    expect(searchsorted(tensor([1, 3, 5, 7, 9]), 5, { side: 'right' }).item()).toBe(3);
    expect(searchsorted(tensor([5, 1, 9, 3]), tensor([4]), { sorter: i32([1, 3, 0, 2]) }).tolist()).toEqual([2]);
    expect(searchsorted(tensor([1, 2]), tensor([3])).dtype).toBe('int32');
    expect(() => searchsorted(tensor([1]), tensor([1]), { right: false, side: 'right' })).toThrow(/side and right can't be set to opposites/);
  });
});
