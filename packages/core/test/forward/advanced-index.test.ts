// Advanced indexing (index, indexPut, indexPut_, takeAlongDim) against NumPy's and PyTorch's
// documented indexing rules, with values worked out by hand on x = arange(24).reshape(2, 3, 4),
// where x[i][j][k] = 12i + 4j + k.
import { afterAll, describe, expect, test } from 'vitest';
import { arange, DTypeError, IndexError, setBackend, ShapeError, shutdownBackend, takeAlongDim, tensor, zeros, type NestedArray } from '@tsgrad/core';

const idx = (d: NestedArray) => tensor(d, { dtype: 'int32' });
const x = () => arange(24, undefined, 1, { dtype: 'int32' }).reshape([2, 3, 4]);

describe('index: reading', () => {
  test('integer tensors on the leading dims pick whole rows', () => {
    // x[[0, 1], [1, 2]] = [x[0, 1, :], x[1, 2, :]]
    expect(x().index([idx([0, 1]), idx([1, 2])]).tolist()).toEqual([[4, 5, 6, 7], [20, 21, 22, 23]]);
  });

  test('adjacent index tensors keep their place; a slice between them moves the result dims first', () => {
    // x[:, [0, 2], [1, 3]] -> shape (2, 2): [[x[0,0,1], x[0,2,3]], [x[1,0,1], x[1,2,3]]]
    expect(x().index([':', idx([0, 2]), idx([1, 3])]).tolist()).toEqual([[1, 11], [13, 23]]);
    // x[[0, 1], :, [1, 3]] -> shape (2, 3): [x[0, :, 1], x[1, :, 3]]
    expect(x().index([idx([0, 1]), ':', idx([1, 3])]).tolist()).toEqual([[1, 5, 9], [15, 19, 23]]);
    // one index tensor in the middle stays in the middle: x[:, [2, 0]] has shape (2, 2, 4)
    const m = x().index([':', [2, 0]]);
    expect(m.shape).toEqual([2, 2, 4]);
    expect(m.tolist()).toEqual([[[8, 9, 10, 11], [0, 1, 2, 3]], [[20, 21, 22, 23], [12, 13, 14, 15]]]);
  });

  test('index tensors broadcast against each other', () => {
    // x[[[0], [1]], [[0, 2]]] -> broadcast shape (2, 2), then the last dim: (2, 2, 4); [i][j] = x[i, 2j]
    const r = x().index([idx([[0], [1]]), idx([[0, 2]])]);
    expect(r.shape).toEqual([2, 2, 4]);
    expect(r.tolist()).toEqual([[[0, 1, 2, 3], [8, 9, 10, 11]], [[12, 13, 14, 15], [20, 21, 22, 23]]]);
  });

  test('integers are applied first, as in PyTorch (x[0, :, [1, 2]] has shape (3, 2))', () => {
    expect(x().index([0, ':', [1, 2]]).tolist()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(x().index([-1, -1, -1]).item()).toBe(23);
  });

  test('negative positions count from the end; out-of-range ones throw', () => {
    expect(x().index([[-1], 0]).tolist()).toEqual([[12, 13, 14, 15]]);
    expect(() => x().index([[2]])).toThrow(IndexError);
    expect(() => x().index([[2]])).toThrow(/index 2 is out of bounds for dim 0 with size 2/);
    expect(() => x().index([0, 0, 0, 0])).toThrow(/too many indices/);
    expect(() => x().index([tensor([0.5])])).toThrow(DTypeError);
  });

  test('boolean masks select where true, over as many dims as they have', () => {
    expect(x().index([x().gt(20)]).tolist()).toEqual([21, 22, 23]);
    // a (2, 3) mask over the first two dims: rows (0, 1) and (1, 2)
    const m = tensor([[false, true, false], [false, false, true]]);
    expect(x().index([m]).tolist()).toEqual([[4, 5, 6, 7], [20, 21, 22, 23]]);
    expect(x().index([':', [true, false, true], 0]).tolist()).toEqual([[0, 8], [12, 20]]);
    expect(() => x().index([tensor([true, false, true])])).toThrow(/does not match the indexed dims/);
  });

  test('slices, new axes and the ellipsis are views', () => {
    const base = x();
    const v = base.index(['...', '1:', '::2']);
    expect(v.tolist()).toEqual([[[4, 6], [8, 10]], [[16, 18], [20, 22]]]);
    expect(v.storage).toBe(base.storage);
    expect(base.index([null]).shape).toEqual([1, 2, 3, 4]);
    expect(base.index(['...', null]).shape).toEqual([2, 3, 4, 1]);
    expect(base.index(['...', 0]).tolist()).toEqual([[0, 4, 8], [12, 16, 20]]);
    expect(base.index([':', '-1:']).shape).toEqual([2, 1, 4]);
    expect(() => base.index(['...', '...'])).toThrow(/single ellipsis/);
    expect(() => base.index(['1:x'])).toThrow(/cannot read the slice/);
  });
});

describe('indexPut', () => {
  test('PyTorch index_put_ with accumulate: repeats add up', () => {
    // torch.zeros(5).index_put_((torch.tensor([0, 1, 1]),), torch.tensor([1., 2., 3.]), accumulate=True) = [1, 5, 0, 0, 0]
    expect(zeros(5).indexPut([idx([0, 1, 1])], tensor([1, 2, 3]), { accumulate: true }).tolist()).toEqual([1, 5, 0, 0, 0]);
  });

  test('replacing: the last write to a repeated position lands, others are kept', () => {
    expect(zeros(5).indexPut([idx([0, 1, 1])], tensor([1, 2, 3])).tolist()).toEqual([1, 3, 0, 0, 0]);
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.indexPut([a.gt(2)], 0).tolist()).toEqual([[1, 2], [0, 0]]);
    expect(a.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  test('values broadcast to the selection, and shape mismatches are named', () => {
    expect(zeros([2, 3]).indexPut([[1]], tensor([7, 8, 9])).tolist()).toEqual([[0, 0, 0], [7, 8, 9]]);
    expect(zeros([2, 3]).indexPut([':', [0, 2]], tensor([[1], [2]])).tolist()).toEqual([[1, 0, 1], [2, 0, 2]]);
    expect(() => zeros([2, 3]).indexPut([[1]], tensor([1, 2]))).toThrow(ShapeError);
    expect(() => zeros([2, 3]).indexPut([[1]], tensor([1, 2]))).toThrow(/values of shape \[2\] cannot be broadcast to the indexing result of shape \[1, 3\]/);
  });

  test('indexPut_ writes in place and keeps the dtype', () => {
    const a = zeros([3], { dtype: 'int32' });
    expect(a.indexPut_([[2]], 5)).toBe(a);
    expect(a.tolist()).toEqual([0, 0, 5]);
    expect(a.dtype).toBe('int32');
  });
});

describe('takeAlongDim', () => {
  const t = () => tensor([[10, 30, 20], [60, 40, 50]]);
  test("PyTorch's documented examples", () => {
    // torch.take_along_dim(t, torch.argmax(t)) = tensor([60])
    expect(takeAlongDim(t(), t().argmax().reshape([1])).tolist()).toEqual([60]);
    // with argsort(t, dim=1) = [[0, 2, 1], [1, 2, 0]]: [[10, 20, 30], [40, 50, 60]]
    expect(takeAlongDim(t(), idx([[0, 2, 1], [1, 2, 0]]), 1).tolist()).toEqual([[10, 20, 30], [40, 50, 60]]);
  });

  test('x and indices broadcast outside dim', () => {
    // one row of indices for both rows, and one column of x for two index rows
    expect(takeAlongDim(t(), idx([[2, 0]]), 1).tolist()).toEqual([[20, 10], [50, 60]]);
    expect(takeAlongDim(tensor([[1], [2]]), idx([[0, 0, 0]]), 1).tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(() => takeAlongDim(t(), idx([0]), 1)).toThrow(/same number of dimensions, got 2 and 1/);
  });
});

describe('on the gpu backend (gpu.js cpu mode)', () => {
  afterAll(() => shutdownBackend());
  test('index tensors move to the device; masks and replacing writes need host indices', async () => {
    await setBackend('gpu', { mode: 'cpu' });
    const g = x().to('gpu');
    expect(Array.from(await g.index([x().gt(20)]).data())).toEqual([21, 22, 23]);
    expect(Array.from(await g.index([idx([1]).to('gpu'), idx([-1]).to('gpu')]).data())).toEqual([20, 21, 22, 23]);
    expect(Array.from(await zeros(3).to('gpu').indexPut([idx([0, 0]).to('gpu')], 2, { accumulate: true }).data())).toEqual([4, 0, 0]);
    expect(Array.from(await zeros(3).to('gpu').indexPut([idx([2, 2])], tensor([1, 5]).to('gpu')).data())).toEqual([0, 0, 5]);
    expect(() => g.index([x().gt(20).to('gpu')])).toThrow(/build the mask on the cpu/);
    expect(() => zeros(3).to('gpu').indexPut([idx([0]).to('gpu')], 1)).toThrow(/accumulate: true/);
  });
});
