// einsum and the product/arithmetic ops against PyTorch's documented and hand-worked values.
import { describe, expect, test } from 'vitest';
import { addcdiv, addcmul, addmm, arange, linear, baddbmm, bmm, einsum, lerp, matmul, nanToNum, ones, outer, tensor, zeros } from '@tsgrad/core';
import { expectClose } from './close.js';

describe('einsum', () => {
  test('the cases of torch.einsum\'s documentation', () => {
    const m = arange(9).reshape([3, 3]);
    expect(einsum('ii', m).item()).toBe(0 + 4 + 8); // trace
    expect(einsum('ii->i', m).tolist()).toEqual([0, 4, 8]); // diagonal
    expect(einsum('i,j->ij', tensor([1, 2]), tensor([3, 4, 5])).tolist()).toEqual([[3, 4, 5], [6, 8, 10]]); // outer product
    const a = arange(24).reshape([2, 3, 4]);
    const b = arange(40).reshape([2, 4, 5]);
    expect(einsum('bij,bjk->bik', a, b).tolist()).toEqual(matmul(a, b).tolist()); // batch matmul
    expect(einsum('...ij->...ji', [a]).tolist()).toEqual(a.transpose(1, 2).tolist()); // batch permute
    expect(einsum('bn,anm,bm->ba', ones([2, 3]), ones([5, 3, 4]), ones([2, 4])).tolist()).toEqual(Array(2).fill(Array(5).fill(12))); // bilinear
  });
  test('implicit output, ellipsis broadcasting, size-1 dims, sums', () => {
    expect(einsum('ij', tensor([[1, 2]])).tolist()).toEqual([[1, 2]]);
    expect(einsum('ji', tensor([[1, 2]])).tolist()).toEqual([[1], [2]]); // implicit output is alphabetical
    expect(einsum('ij->', tensor([[1, 2], [3, 4]])).item()).toBe(10);
    expect(einsum('i,i', tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(einsum('...i,...i->...', tensor([[1, 2], [3, 4]]), tensor([1, 1])).tolist()).toEqual([3, 7]);
    expect(einsum('bi,bi->b', tensor([[1, 2], [3, 4]]), tensor([[2, 2]])).tolist()).toEqual([6, 14]);
    expect(einsum('iij->j', arange(12).reshape([2, 2, 3])).tolist()).toEqual([9, 11, 13]);
    expect(einsum('ij,jk', zeros([2, 0]), zeros([0, 3])).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
  test('clear errors', () => {
    expect(() => einsum('ij,jk', tensor([1]))).toThrow(/einsum: the equation has 2 operand term\(s\) but 1 operand\(s\) were given/);
    expect(() => einsum('ij', tensor([1]))).toThrow(/the subscripts 'ij' do not match an operand of 1 dims/);
    expect(() => einsum('i->j', tensor([1]))).toThrow(/output subscript 'j' does not appear/);
    expect(() => einsum('ii', zeros([2, 3]))).toThrow(/subscript 'i' is repeated with sizes 2 and 3/);
  });
});

describe('outer, bmm, baddbmm, lerp, addcmul, addcdiv, nanToNum', () => {
  test('products', () => {
    expect(outer(arange(1, 5), arange(1, 4)).tolist()).toEqual([[1, 2, 3], [2, 4, 6], [3, 6, 9], [4, 8, 12]]);
    expect(bmm(arange(4).reshape([2, 1, 2]), ones([2, 2, 1])).tolist()).toEqual([[[1]], [[5]]]);
    expect(() => bmm(ones([2, 1, 2]), ones([1, 2, 1]))).toThrow(/bmm: batch sizes must match/);
    expect(baddbmm(tensor([[[NaN]]]), ones([1, 1, 2]), ones([1, 2, 1]), { beta: 0 }).tolist()).toEqual([[[2]]]); // beta 0 ignores input
    expect(baddbmm(tensor([1]), ones([1, 1, 2]), ones([1, 2, 1]), { beta: 3, alpha: 2 }).tolist()).toEqual([[[7]]]);
  });
  test('addmm as torch.addmm, and linear through it', () => {
    const a = arange(6).reshape([2, 3]);
    const b = arange(6).reshape([3, 2]);
    expect(addmm(tensor([10, 20]), a, b).tolist()).toEqual([[20, 33], [38, 60]]);
    expect(addmm(tensor([[1], [2]]), a, b).tolist()).toEqual([[11, 14], [30, 42]]);
    expect(addmm(tensor(5), a, b, { beta: 2, alpha: -1 }).tolist()).toEqual([[0, -3], [-18, -30]]);
    expect(addmm(tensor([NaN]), a, b, { beta: 0 }).tolist()).toEqual([[10, 13], [28, 40]]); // beta 0 ignores input
    expect(addmm(tensor([1], { dtype: 'float64' }), a, b).dtype).toBe('float64'); // promoted as the composite
    expect(addmm(tensor([1, 2], { dtype: 'int32' }), tensor([[2147483647]], { dtype: 'int32' }), tensor([[1, 1]], { dtype: 'int32' })).tolist()).toEqual([[-2147483648, -2147483647]]); // int32 wraps
    expect(() => addmm(ones([3]), a, b)).toThrow(/addmm: input must broadcast to the product's shape \[2, 2\]/);
    expect(() => addmm(ones([2]), a, a)).toThrow(/addmm: mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)/);
    expect(() => addmm(ones([2]), ones([2, 3, 1]), b)).toThrow(/addmm: mat1 and mat2 must be 2-D, got 3-D and 2-D/);
    // linear with a bias on 3-D, transposed and 1-D inputs agrees with matmul + add
    const w = arange(12).reshape([4, 3]).mul(0.5);
    const bias = tensor([1, -1, 2, 0]);
    for (const x of [arange(18).reshape([3, 2, 3]), arange(18).reshape([3, 6]).mT.reshape([6, 3]), arange(9).reshape([3, 3]).mT, arange(3)]) {
      expect(linear(x, w, bias).tolist()).toEqual(x.matmul(w.mT).add(bias).tolist());
    }
  });
  test('lerp as torch.lerp documents, exact at weight 1', () => {
    const start = arange(1, 5);
    const end = ones(4).mul(10);
    expect(lerp(start, end, 0.5).tolist()).toEqual([5.5, 6, 6.5, 7]);
    expect(lerp(start, end, ones(4).mul(0.5)).tolist()).toEqual([5.5, 6, 6.5, 7]);
    expect(lerp(tensor([0.1]), tensor([0.3]), 1).tolist()).toEqual([Math.fround(0.3)]);
  });
  test('addcmul, addcdiv and nanToNum', () => {
    expectClose(addcmul(tensor([1]), tensor([[2], [3]]), tensor([4, 5]), { value: 0.1 }), [[1.8, 2], [2.2, 2.5]], 1e-6);
    expectClose(addcdiv(tensor([1]), tensor([[2], [3]]), tensor([4, 5]), { value: 0.1 }), [[1.05, 1.04], [1.075, 1.06]], 1e-6);
    const x = tensor([NaN, Infinity, -Infinity, 3.14]);
    expectClose(nanToNum(x), [0, 3.4028234663852886e38, -3.4028234663852886e38, 3.14], 1e-6);
    expectClose(nanToNum(x, 0, 2), [0, 2, -3.4028234663852886e38, 3.14], 1e-6);
    expect(nanToNum(tensor([Infinity], { dtype: 'float64' })).item()).toBe(Number.MAX_VALUE);
    expect(nanToNum(tensor([1, 2], { dtype: 'int32' })).tolist()).toEqual([1, 2]);
    const g = tensor([NaN, 2, Infinity], { requiresGrad: true });
    nanToNum(g).sum().backward();
    expect(g.grad!.tolist()).toEqual([0, 1, 0]);
  });
});
