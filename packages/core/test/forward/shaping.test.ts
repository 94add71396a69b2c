// Shape and index ops against PyTorch's documented and hand-worked values: negative dims, empty
// tensors, size-1 dims, broadcasting, data-dependent shapes.
import { describe, expect, test } from 'vitest';
import {
  arange, broadcastTo, scatterReduce, diag, flip, maskedSelect, meshgrid, movedim, nonzero, ones, repeat, repeatInterleave, roll, scatter, take, tensor, tile, unbind, zeros,
} from '@tsgrad/core';

const i32 = (d: number[] | number[][]) => tensor(d, { dtype: 'int32' });

describe('flip, roll, repeat, tile, repeatInterleave', () => {
  test('flip as torch.flip documents', () => {
    const x = arange(8).reshape([2, 2, 2]);
    expect(flip(x, [0, 1]).tolist()).toEqual([[[6, 7], [4, 5]], [[2, 3], [0, 1]]]);
    expect(flip(zeros([0, 2]), 0).shape).toEqual([0, 2]);
  });
  test('roll as torch.roll documents', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8]).reshape([4, 2]);
    expect(roll(x, 1).tolist()).toEqual([[8, 1], [2, 3], [4, 5], [6, 7]]);
    expect(roll(x, 1, 0).tolist()).toEqual([[7, 8], [1, 2], [3, 4], [5, 6]]);
    expect(roll(x, -1, 0).tolist()).toEqual([[3, 4], [5, 6], [7, 8], [1, 2]]);
    expect(roll(x, [2, 1], [0, 1]).tolist()).toEqual([[6, 5], [8, 7], [2, 1], [4, 3]]);
    expect(roll(x, 9, -1).tolist()).toEqual([[2, 1], [4, 3], [6, 5], [8, 7]]);
    expect(() => roll(x, [1, 2], [0])).toThrow(/roll: shifts and dimensions must align/);
  });
  test('repeat and tile as PyTorch documents', () => {
    const x = tensor([1, 2, 3]);
    expect(repeat(x, 4, 2).tolist()).toEqual([[1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3]]);
    expect(repeat(x, 4, 2, 1).shape).toEqual([4, 2, 3]);
    expect(tile(x, [2]).tolist()).toEqual([1, 2, 3, 1, 2, 3]);
    expect(tile(tensor([[1, 2], [3, 4]]), [2, 2]).tolist()).toEqual([[1, 2, 1, 2], [3, 4, 3, 4], [1, 2, 1, 2], [3, 4, 3, 4]]);
    expect(repeat(x, 0).shape).toEqual([0]);
    expect(() => repeat(tensor([[1]]), 2)).toThrow(/number of repeat dims \(1\) can not be smaller than the number of tensor dims \(2\)/);
  });
  test('repeatInterleave as torch.repeat_interleave documents', () => {
    const y = tensor([[1, 2], [3, 4]]);
    expect(repeatInterleave(tensor([1, 2, 3]), 2).tolist()).toEqual([1, 1, 2, 2, 3, 3]);
    expect(repeatInterleave(y, 2).tolist()).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(repeatInterleave(y, 3, 1).tolist()).toEqual([[1, 1, 1, 2, 2, 2], [3, 3, 3, 4, 4, 4]]);
    expect(repeatInterleave(y, i32([1, 2]), 0).tolist()).toEqual([[1, 2], [3, 4], [3, 4]]);
    expect(repeatInterleave(y, i32([1, 2]), 0, { outputSize: 3 }).shape).toEqual([3, 2]);
    expect(() => repeatInterleave(y, i32([1, 2, 3]), 0)).toThrow(/repeats must have the same size as input along dim/);
  });
});

describe('unbind, movedim, broadcastTo, meshgrid, diag', () => {
  test('unbind, movedim and broadcastTo', () => {
    expect(unbind(tensor([[1, 2, 3], [4, 5, 6]])).map((t) => t.tolist())).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(unbind(zeros([2, 0]), -1)).toEqual([]);
    const x = zeros([3, 2, 1]);
    expect(movedim(x, 1, 0).shape).toEqual([2, 3, 1]);
    expect(movedim(x, [1, 2], [0, 1]).shape).toEqual([2, 1, 3]);
    expect(movedim(arange(6).reshape([2, 3]), -1, 0).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(broadcastTo(tensor([1, 2, 3]), [3, 3]).tolist()).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
  });
  test('meshgrid as torch.meshgrid documents', () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([4, 5, 6]);
    const [gx, gy] = meshgrid([x, y], { indexing: 'ij' });
    expect(gx!.tolist()).toEqual([[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
    expect(gy!.tolist()).toEqual([[4, 5, 6], [4, 5, 6], [4, 5, 6]]);
    const [a, b, c] = meshgrid([tensor([1, 2]), tensor([3, 4, 5]), tensor([6])], { indexing: 'xy' });
    expect([a!.shape, b!.shape, c!.shape]).toEqual([[3, 2, 1], [3, 2, 1], [3, 2, 1]]);
    expect(b!.reshape([3, 2]).tolist()).toEqual([[3, 3], [4, 4], [5, 5]]);
    expect(() => meshgrid([zeros([2, 2])])).toThrow(/meshgrid: expects 0-D or 1-D tensors/);
  });
  test('diag in both directions, off-diagonals, empty results', () => {
    expect(diag(tensor([1, 2, 3]), -1).tolist()).toEqual([[0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0]]);
    const m = arange(12).reshape([3, 4]);
    expect(diag(m).tolist()).toEqual([0, 5, 10]);
    expect(diag(m, 2).tolist()).toEqual([2, 7]);
    expect(diag(m, -2).tolist()).toEqual([8]);
    expect(diag(m, 5).tolist()).toEqual([]);
    expect(diag(zeros([0])).shape).toEqual([0, 0]);
    expect(() => diag(zeros([1, 1, 1]))).toThrow(/diag: matrix or a vector expected/);
  });
});

describe('take, nonzero, maskedSelect, scatter', () => {
  test('take and nonzero as PyTorch documents', () => {
    expect(take(tensor([[4, 3, 5], [6, 7, 8]]), i32([0, 2, 5])).tolist()).toEqual([4, 5, 8]);
    expect(take(tensor([1, 2, 3]), i32([[-1, 0]])).tolist()).toEqual([[3, 1]]);
    expect(nonzero(tensor([1, 1, 1, 0, 1])).tolist()).toEqual([[0], [1], [2], [4]]);
    const m = tensor([[0.6, 0, 0, 0], [0, 0.4, 0, 0], [0, 0, 1.2, 0], [0, 0, 0, -0.4]]);
    expect(nonzero(m).tolist()).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    const [r, c] = nonzero(m, { asTuple: true });
    expect([r!.tolist(), c!.tolist()]).toEqual([[0, 1, 2, 3], [0, 1, 2, 3]]);
    expect(nonzero(zeros([2, 0])).shape).toEqual([0, 2]);
    expect(nonzero(tensor([NaN])).tolist()).toEqual([[0]]);
    expect(nonzero(tensor([0])).dtype).toBe('int32');
  });
  test('maskedSelect broadcasts and keeps row-major order', () => {
    const x = tensor([[1, -2], [3, -4]]);
    expect(maskedSelect(x, x.gt(0)).tolist()).toEqual([1, 3]);
    expect(maskedSelect(tensor([5, 6]), tensor([[true], [false], [true]], { dtype: 'bool' })).tolist()).toEqual([5, 6, 5, 6]);
    expect(maskedSelect(x, x.gt(9)).shape).toEqual([0]);
    expect(() => maskedSelect(x, i32([1, 0]))).toThrow(/maskedSelect: expected a bool mask/);
  });
  test('scatter as torch.Tensor.scatter_ documents', () => {
    const src = arange(1, 11).reshape([2, 5]);
    expect(scatter(zeros([3, 5]), 0, i32([[0, 1, 2, 0]]), src).tolist()).toEqual([[1, 0, 0, 4, 0], [0, 2, 0, 0, 0], [0, 0, 3, 0, 0]]);
    expect(scatter(zeros([3, 5]), 1, i32([[0, 1, 2], [0, 1, 4]]), src).tolist()).toEqual([[1, 2, 3, 0, 0], [6, 7, 0, 0, 8], [0, 0, 0, 0, 0]]);
    expect(scatter(ones([2, 4]).mul(2), 1, i32([[2], [3]]), 1.23, { reduce: 'multiply' }).tolist().flat().map((v) => Math.round(Number(v) * 100) / 100))
      .toEqual([2, 2, 2.46, 2, 2, 2, 2, 2.46]);
    expect(scatter(ones([2, 4]).mul(2), 1, i32([[2], [3]]), 1.23, { reduce: 'add' }).tolist().flat().map((v) => Math.round(Number(v) * 100) / 100))
      .toEqual([2, 2, 3.23, 2, 2, 2, 2, 3.23]);
    expect(() => scatter(zeros([2]), 0, i32([3]), 1)).toThrow(/scatter: index 3 is out of bounds for dim 0 with size 2/);
  });
  test('scatterReduce as torch.scatter_reduce documents, and the other reductions', () => {
    const src = tensor([1, 2, 3, 4, 5, 6]);
    const index = i32([0, 1, 0, 1, 2, 1]);
    const x = tensor([1, 2, 3, 8]);
    expect(scatterReduce(x, 0, index, src, 'sum').tolist()).toEqual([5, 14, 8, 8]);
    expect(scatterReduce(x, 0, index, src, 'sum', { includeSelf: false }).tolist()).toEqual([4, 12, 5, 8]);
    expect(scatterReduce(x, 0, index, src, 'amax').tolist()).toEqual([3, 6, 5, 8]);
    expect(scatterReduce(x, 0, index, src, 'amax', { includeSelf: false }).tolist()).toEqual([3, 6, 5, 8]);
    expect(scatterReduce(x, 0, index, src, 'amin').tolist()).toEqual([1, 2, 3, 8]);
    expect(scatterReduce(x, 0, index, src, 'prod').tolist()).toEqual([3, 96, 15, 8]);
    expect(scatterReduce(x, 0, index, src, 'mean').tolist()).toEqual([Math.fround(5 / 3), 14 / 4, 4, 8]);
    expect(scatterReduce(x, 0, index, src, 'mean', { includeSelf: false }).tolist()).toEqual([2, 4, 5, 8]);
    expect(scatterReduce(i32([1, 2]), 0, i32([0, 0]), i32([1, 2]), 'mean').tolist()).toEqual([1, 2]); // (1 + 1 + 2) / 3 rounds down
    expect(() => scatterReduce(x, 0, index, src, 'max' as 'amax')).toThrow(/reduce argument must be either sum, prod, mean, amax or amin/);
  });
  test('scatterReduce gradients: shared between equal extremes, divided by the count for mean', () => {
    const x = tensor([5, 1], { requiresGrad: true });
    const s = tensor([5, 2, 3], { requiresGrad: true });
    scatterReduce(x, 0, i32([0, 1, 1]), s, 'amax').sum().backward();
    expect([x.grad!.tolist(), s.grad!.tolist()]).toEqual([[0.5, 0], [0.5, 0, 1]]);
    const y = tensor([4, 1], { requiresGrad: true });
    const t = tensor([2, 6], { requiresGrad: true });
    scatterReduce(y, 0, i32([0, 0]), t, 'mean').mul(tensor([3, 1])).sum().backward();
    expect([y.grad!.tolist(), t.grad!.tolist()]).toEqual([[1, 1], [1, 1]]);
  });
});
