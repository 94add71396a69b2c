// Movement ops and views: reshape/view, permute/transpose, expand, slicing, squeeze/flatten, contiguity, shared storage.
import { describe, expect, test } from 'vitest';
import { arange, IndexError, ShapeError, sliceScatter, tensor, ValueError, zeros, ones } from '@tsgrad/core';

// x[i, j] = 3 i + j
const x23 = () => arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]);

describe('reshape and view', () => {
  test('reshape infers one -1 and keeps row-major order', () => {
    expect(x23().reshape([3, -1]).tolist()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(x23().reshape([-1]).tolist()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(tensor(7).reshape([1, 1]).tolist()).toEqual([[7]]);
    expect(zeros([2, 0]).reshape([0, 5]).shape).toEqual([0, 5]);
  });

  test('reshape of a transposed tensor copies, in the transposed order', () => {
    const t = x23().t();
    const r = t.reshape([6]);
    expect(r.tolist()).toEqual([0, 3, 1, 4, 2, 5]);
    expect(r.storage).not.toBe(t.storage);
  });

  test('view shares storage; a view that would span non-contiguous memory throws', () => {
    const x = x23();
    const v = x.view([3, 2]);
    expect(v.storage).toBe(x.storage);
    expect(() => x.t().view([6])).toThrow(ShapeError);
    expect(x.t().view([3, 1, 2]).tolist()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]); // splitting size-1 dims is fine
  });

  test('view of an expanded or narrowed tensor works exactly where PyTorch allows', () => {
    const e = tensor([[1, 2, 3]]).expand([2, 3]);
    expect(e.view([2, 3, 1]).tolist()).toEqual([[[1], [2], [3]], [[1], [2], [3]]]);
    expect(() => e.view([6])).toThrow(ShapeError);
    const n = x23().narrow(1, 0, 2); // shape [2, 2], strides [3, 1]
    expect(() => n.view([4])).toThrow(ShapeError);
    expect(n.view([2, 1, 2]).tolist()).toEqual([[[0, 1]], [[3, 4]]]);
    expect(x23().narrow(0, 1, 1).view([3]).tolist()).toEqual([3, 4, 5]); // an offset alone is viewable
  });
});

describe('permute, transpose, expand', () => {
  test('permute reorders dims: out[k, i, j] = x[i, j, k]', () => {
    const x = arange(24).reshape([2, 3, 4]); // 12 i + 4 j + k
    const p = x.permute([2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    const list = p.tolist() as number[][][];
    for (const [k, i, j] of [[0, 0, 0], [3, 1, 2], [1, 0, 2], [2, 1, 0]] as const) expect(list[k]![i]![j]).toBe(12 * i + 4 * j + k);
    expect(x.permute([-1, 0, 1]).shape).toEqual([4, 2, 3]);
  });

  test('transpose with negative dims, t() and mT', () => {
    expect(x23().transpose(-1, -2).tolist()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(x23().t().shape).toEqual([3, 2]);
    expect(tensor([1, 2]).t().tolist()).toEqual([1, 2]); // 1-D: unchanged
    expect(zeros([5, 2, 3]).mT.shape).toEqual([5, 3, 2]);
    expect(x23().transpose(0, 0).tolist()).toEqual(x23().tolist());
  });

  test('expand stretches size-1 dims and adds leading dims with stride 0', () => {
    const e = tensor([[1], [2]]).expand([2, 3]);
    expect(e.tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(e.strides).toEqual([1, 0]);
    const f = tensor([1, 2]).expand([3, -1]);
    expect(f.tolist()).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(f.strides[0]).toBe(0);
    expect(tensor(5).expand([2]).tolist()).toEqual([5, 5]);
    expect(tensor([[1]]).expand([2, 0]).shape).toEqual([2, 0]);
  });
});

describe('slice, narrow and select', () => {
  const r = () => arange(6); // [0, 1, 2, 3, 4, 5]

  test('slice with steps, negative and out-of-range bounds (which clamp, as Python slicing)', () => {
    expect(r().slice(0, 1, 5, 2).tolist()).toEqual([1, 3]);
    expect(r().slice(0, -2).tolist()).toEqual([4, 5]);
    expect(r().slice(0, 0, -4).tolist()).toEqual([0, 1]);
    expect(r().slice(0, 4, 100).tolist()).toEqual([4, 5]);
    expect(r().slice(0, -100, 2).tolist()).toEqual([0, 1]);
    expect(r().slice(0, 4, 2).tolist()).toEqual([]);
    expect(r().slice(0, 10).shape).toEqual([0]);
    expect(x23().slice(1, 1).tolist()).toEqual([[1, 2], [4, 5]]);
    expect(() => r().slice(0, 0, 6, 0)).toThrow(ValueError);
  });

  test('narrow with a negative start, and its bound check', () => {
    expect(r().narrow(0, -2, 2).tolist()).toEqual([4, 5]);
    expect(x23().narrow(-1, 1, 2).tolist()).toEqual([[1, 2], [4, 5]]);
    expect(r().narrow(0, 6, 0).tolist()).toEqual([]);
    expect(() => r().narrow(0, 5, 2)).toThrow(ValueError);
    expect(() => r().narrow(0, 0.5, 1)).toThrow(ValueError); // a fractional start would make a half-element offset
  });

  test('select removes the dim; negative indices count from the end; out of range throws', () => {
    const m = tensor([[1, 2], [3, 4]]);
    expect(m.select(0, -1).tolist()).toEqual([3, 4]);
    expect(m.select(1, 0).tolist()).toEqual([1, 3]);
    expect(m.select(0, 0).select(0, 1).tolist()).toBe(2);
    expect(() => m.select(0, 2)).toThrow(IndexError);
    expect(() => m.select(0, -3)).toThrow(IndexError);
    expect(() => tensor(1).select(0, 0)).toThrow(IndexError);
  });

  test('sliceScatter writes src into the slice of a copy', () => {
    expect(sliceScatter(zeros(5), ones(2), 0, 1, 5, 2).tolist()).toEqual([0, 1, 0, 1, 0]);
  });
});

describe('squeeze, unsqueeze, flatten, unflatten', () => {
  test('squeeze all size-1 dims, chosen dims, and ignore dims that are not 1', () => {
    const z = zeros([2, 1, 3, 1]);
    expect(z.squeeze().shape).toEqual([2, 3]);
    expect(z.squeeze(1).shape).toEqual([2, 3, 1]);
    expect(z.squeeze(0).shape).toEqual([2, 1, 3, 1]);
    expect(z.squeeze([1, -1]).shape).toEqual([2, 3]);
    expect(tensor([[5]]).squeeze().shape).toEqual([]);
  });

  test('unsqueeze accepts dims in [-ndim-1, ndim]', () => {
    expect(zeros([2, 3]).unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(zeros([2, 3]).unsqueeze(2).shape).toEqual([2, 3, 1]);
    expect(zeros([2, 3]).unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(zeros([2, 3]).unsqueeze(-3).shape).toEqual([1, 2, 3]);
    expect(() => zeros([2, 3]).unsqueeze(3)).toThrow(IndexError);
  });

  test('flatten a range of dims and unflatten one dim', () => {
    expect(zeros([2, 3, 4]).flatten().shape).toEqual([24]);
    expect(zeros([2, 3, 4]).flatten(1).shape).toEqual([2, 12]);
    expect(zeros([2, 3, 4]).flatten(0, 1).shape).toEqual([6, 4]);
    expect(tensor(3).flatten().shape).toEqual([1]);
    expect(zeros([2, 12]).unflatten(1, [3, -1]).shape).toEqual([2, 3, 4]);
    expect(arange(6).unflatten(0, [2, 3]).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(() => zeros([12]).unflatten(0, [5, -1])).toThrow(ValueError);
  });
});

describe('contiguity and shared storage', () => {
  test('contiguous() copies a transposed view into row-major order and returns a contiguous tensor as is', () => {
    const t = x23().t();
    expect(t.isContiguous()).toBe(false);
    const c = t.contiguous();
    expect(c.isContiguous()).toBe(true);
    expect(c.storage).not.toBe(t.storage);
    expect(Array.from(c.dataSync())).toEqual([0, 3, 1, 4, 2, 5]);
    const x = x23();
    expect(x.contiguous()).toBe(x);
  });

  test('views share the storage: no copy is made and writes show through', () => {
    const x = x23();
    const views = [
      x.view([6]), x.reshape([3, 2]), x.t(), x.permute([1, 0]), x.transpose(0, 1), x.slice(1, 1), x.narrow(0, 1, 1),
      x.select(0, 1), x.unsqueeze(0), x.unsqueeze(0).squeeze(0), x.flatten(), x.expand([4, 2, 3]), x.split(1, 0)[1]!, x.detach(),
    ];
    for (const v of views) expect(v.storage).toBe(x.storage);
    x.select(0, 1).fill_(9);
    expect(x.tolist()).toEqual([[0, 1, 2], [9, 9, 9]]);
    expect(x.t().tolist()).toEqual([[0, 9], [1, 9], [2, 9]]);
    x.t().select(0, 0).copy_(tensor([-1, -2])); // writes column 0 through a transposed view
    expect(x.tolist()).toEqual([[-1, 1, 2], [-2, 9, 9]]);
  });
});
