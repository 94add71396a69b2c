// matmul (all rank cases, batching, strided operands), softmax/logSoftmax, layerNorm/rmsNorm and attention.
import { describe, expect, test } from 'vitest';
import {
  arange, layerNorm, logSoftmax, matmul, rmsNorm, scaledDotProductAttention, softmax, tensor, ValueError, type NestedArray, type Tensor,
} from '@tsgrad/core';
import { expectClose, naiveMatmul } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });
const seq = (shape: number[], scale = 0.5) => arange(shape.reduce((a, b) => a * b, 1), undefined, 1, { dtype: 'float64' }).mul(scale).sub(1).reshape(shape);
const mat = (t: Tensor) => t.tolist() as number[][];

describe('matmul', () => {
  const A = () => f64([[1, 2], [3, 4]]);

  test('1-D x 1-D is a dot product (a 0-d result)', () => {
    const d = matmul(f64([1, 2, 3]), f64([4, 5, 6]));
    expect(d.shape).toEqual([]);
    expect(d.item()).toBe(32);
  });

  test('2-D x 1-D and 1-D x 2-D drop the vector dim', () => {
    expect(matmul(A(), f64([1, 1])).tolist()).toEqual([3, 7]);
    expect(matmul(f64([1, 1]), A()).tolist()).toEqual([4, 6]);
  });

  test('2-D x 2-D against a naive triple loop', () => {
    const a = seq([3, 4]);
    const b = seq([4, 5], 0.25);
    expectClose(matmul(a, b), naiveMatmul(mat(a), mat(b)), 1e-12);
  });

  test('batched with broadcasting: [2, 1, 3, 4] @ [5, 4, 2] -> [2, 5, 3, 2]', () => {
    const a = seq([2, 1, 3, 4]);
    const b = seq([5, 4, 2], 0.3);
    const out = matmul(a, b);
    expect(out.shape).toEqual([2, 5, 3, 2]);
    for (const [i, j] of [[0, 0], [1, 3], [1, 4]] as const) {
      expectClose(out.select(0, i).select(0, j), naiveMatmul(mat(a.select(0, i).select(0, 0)), mat(b.select(0, j))), 1e-12);
    }
  });

  test('a 1-D operand against a batch: [4] @ [2, 4, 3] -> [2, 3] and [2, 3, 4] @ [4] -> [2, 3]', () => {
    const v = f64([1, 0, -1, 2]);
    const b = seq([2, 4, 3]);
    const left = matmul(v, b);
    expect(left.shape).toEqual([2, 3]);
    expectClose(left.select(0, 1), naiveMatmul([[1, 0, -1, 2]], mat(b.select(0, 1)))[0]!, 1e-12);
    const right = matmul(seq([2, 3, 4]), v);
    expect(right.shape).toEqual([2, 3]);
    expectClose(right.select(0, 0), mat(seq([2, 3, 4]).select(0, 0)).map((r) => r[0]! - r[2]! + 2 * r[3]!), 1e-12);
  });

  test('transposed, sliced and expanded operands read through their strides', () => {
    const a = seq([4, 3]);
    const b = seq([4, 5], 0.1);
    expectClose(matmul(a.t(), b), naiveMatmul(mat(a.t().contiguous()), mat(b)), 1e-12);
    const s = seq([6, 4]).slice(0, 0, 6, 2); // rows 0, 2, 4
    expectClose(matmul(s, b), naiveMatmul(mat(s.contiguous()), mat(b)), 1e-12);
    const e = f64([[1, 2, 3, 4]]).expand([3, 4]);
    expectClose(matmul(e, b), naiveMatmul(mat(e), mat(b)), 1e-12);
    const bt = seq([5, 4]).mT; // [4, 5] column-major
    expectClose(matmul(seq([3, 4]), bt), naiveMatmul(mat(seq([3, 4])), mat(bt.contiguous())), 1e-12);
  });

  test('int32 stays int32; an empty inner dim gives zeros', () => {
    const i = matmul(tensor([[1, 2]], { dtype: 'int32' }), tensor([[3], [4]], { dtype: 'int32' }));
    expect([i.dtype, i.tolist()]).toEqual(['int32', [[11]]]);
    expect(matmul(tensor([[], []]), tensor([]).reshape([0, 3])).tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });
});

describe('softmax and logSoftmax', () => {
  test('softmax of [0, ln 2, ln 3] is [1, 2, 3] / 6', () => {
    expectClose(softmax(f64([0, Math.LN2, Math.log(3)]), 0), [1 / 6, 2 / 6, 3 / 6], 1e-15);
    expectClose(logSoftmax(f64([0, Math.LN2, Math.log(3)]), -1), [Math.log(1 / 6), Math.log(2 / 6), Math.log(3 / 6)], 1e-15);
  });

  test('along dim 0 of a matrix, and int input computes in float32', () => {
    expectClose(softmax(f64([[0, 1], [0, 1]]), 0), [[0.5, 0.5], [0.5, 0.5]], 1e-15);
    const s = softmax(tensor([1, 1], { dtype: 'int32' }), 0);
    expect(s.dtype).toBe('float32');
    expectClose(s, [0.5, 0.5]);
  });

  test('large values are shifted by the max: [1000, 1001] -> [1, e] / (1 + e)', () => {
    expectClose(softmax(f64([1000, 1001]), 0), [1 / (1 + Math.E), Math.E / (1 + Math.E)], 1e-15);
    expectClose(logSoftmax(f64([1000, 1001]), 0), [-Math.log1p(Math.E), 1 - Math.log1p(Math.E)], 1e-14);
    expectClose(softmax(tensor([-1000, -1000]), 0), [0.5, 0.5]);
  });

  test('-inf entries get probability 0; a row of only -inf is NaN, as in PyTorch', () => {
    expectClose(softmax(tensor([0, -Infinity]), 0), [1, 0]);
    expectClose(logSoftmax(tensor([0, -Infinity]), 0), [0, -Infinity]);
    expectClose(softmax(tensor([[-Infinity, -Infinity], [0, 0]]), 1), [[NaN, NaN], [0.5, 0.5]]);
  });

  test('a non-contiguous input (transposed view)', () => {
    expectClose(softmax(f64([[0, 0], [Math.LN2, 0]]).t(), 1), [[1 / 3, 2 / 3], [0.5, 0.5]], 1e-15);
  });
});

describe('layerNorm and rmsNorm', () => {
  test('layerNorm uses the biased variance: [1, 3] and [2, 6] both become [-1, 1] (eps 0)', () => {
    expectClose(layerNorm(f64([[1, 3], [2, 6]]), [2], null, null, 0), [[-1, 1], [-1, 1]], 1e-15);
  });

  test('layerNorm with eps, weight and bias, over two trailing dims', () => {
    const eps = 1e-5;
    const x = f64([[1, 2], [3, 4]]); // mean 2.5, biased var 1.25
    const s = Math.sqrt(1.25 + eps);
    const want = [[-1.5 / s, -0.5 / s], [0.5 / s, 1.5 / s]];
    expectClose(layerNorm(x, [2, 2]), want, 1e-14);
    const w = f64([[2, 2], [1, 1]]);
    const b = f64([[0, 1], [0, -1]]);
    expectClose(layerNorm(x, [2, 2], w, b), [[-3 / s, -1 / s + 1], [0.5 / s, 1.5 / s - 1]], 1e-14);
  });

  test('rmsNorm divides by sqrt(mean(x^2) + eps); eps defaults to the dtype epsilon', () => {
    const x = f64([[3, 4]]); // mean of squares 12.5
    const r = Math.sqrt(12.5 + 2.220446049250313e-16);
    expectClose(rmsNorm(x, [2]), [[3 / r, 4 / r]], 1e-15);
    expectClose(rmsNorm(x, [2], f64([2, 0.5]), 0.5), [[6 / Math.sqrt(13), 2 / Math.sqrt(13)]], 1e-15);
  });
});

describe('scaledDotProductAttention', () => {
  const k = () => f64([[1, 0], [0, 1]]);
  const v = () => f64([[1, 2], [3, 4]]);
  // softmax over scores [s0, s1] applied to the rows of v
  const mix = (s0: number, s1: number) => {
    const w0 = Math.exp(s0) / (Math.exp(s0) + Math.exp(s1));
    return [w0 * 1 + (1 - w0) * 3, w0 * 2 + (1 - w0) * 4];
  };

  test('softmax(q k^T / sqrt(E)) v on small numbers', () => {
    const out = scaledDotProductAttention(f64([[1, 0]]), k(), v());
    expectClose(out, [mix(1 / Math.SQRT2, 0)], 1e-15);
    const scaled = scaledDotProductAttention(f64([[1, 0]]), k(), v(), { scale: 1 });
    expectClose(scaled, [mix(1, 0)], 1e-15);
  });

  test('isCausal, the bool mask (true = may attend) and the additive mask agree', () => {
    const q = f64([[1, 0], [0, 1]]);
    const want = [[1, 2], mix(0, 1 / Math.SQRT2)];
    expectClose(scaledDotProductAttention(q, k(), v(), { isCausal: true }), want, 1e-15);
    const bool = tensor([[true, false], [true, true]]);
    expectClose(scaledDotProductAttention(q, k(), v(), { attnMask: bool }), want, 1e-15);
    const additive = f64([[0, -Infinity], [0, 0]]);
    expectClose(scaledDotProductAttention(q, k(), v(), { attnMask: additive }), want, 1e-15);
    const shift = f64([[Math.LN2, 0], [0, 0]]); // adds ln 2 to one score
    expectClose(scaledDotProductAttention(q, k(), v(), { attnMask: shift }).select(0, 0), mix(1 / Math.SQRT2 + Math.LN2, 0), 1e-15);
  });

  test('batch and head dims broadcast; a fully masked row gives NaN', () => {
    const q = f64([[1, 0]]).expand([2, 3, 1, 2]);
    const out = scaledDotProductAttention(q, k(), v());
    expect(out.shape).toEqual([2, 3, 1, 2]);
    expectClose(out.select(0, 1).select(0, 2), [mix(1 / Math.SQRT2, 0)], 1e-15);
    const none = scaledDotProductAttention(f64([[1, 0]]), k(), v(), { attnMask: tensor([[false, false]]) });
    expectClose(none, [[NaN, NaN]]);
  });

  test('dropoutP 1 zeroes the weights; attnMask with isCausal is refused', () => {
    expectClose(scaledDotProductAttention(f64([[1, 0]]), k(), v(), { dropoutP: 1 }), [[0, 0]]);
    expect(() => scaledDotProductAttention(k(), k(), v(), { isCausal: true, attnMask: tensor([[true, true]]) })).toThrow(ValueError);
  });
});
