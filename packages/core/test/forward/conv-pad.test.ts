// pad, conv1d and conv2d against hand-worked values and a direct loop written out here (the
// definition of cross-correlation with stride, padding, dilation and groups).
import { describe, expect, test } from 'vitest';
import { arange, conv1d, conv2d, ones, pad, randn, tensor, unfold, type NestedArray } from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });

/** out[n][k][i][j] by the definition, zero outside the input. */
function directConv2d(x: number[][][][], w: number[][][][], b: number[] | null, s: [number, number], p: [number, number], d: [number, number], g: number): number[][][][] {
  const [N, H, W] = [x.length, x[0]![0]!.length, x[0]![0]![0]!.length];
  const [K, Cg, kH, kW] = [w.length, w[0]!.length, w[0]![0]!.length, w[0]![0]![0]!.length];
  const Ho = Math.floor((H + 2 * p[0] - d[0] * (kH - 1) - 1) / s[0]) + 1;
  const Wo = Math.floor((W + 2 * p[1] - d[1] * (kW - 1) - 1) / s[1]) + 1;
  const at = (n: number, c: number, i: number, j: number) => (i < 0 || j < 0 || i >= H || j >= W ? 0 : x[n]![c]![i]![j]!);
  return Array.from({ length: N }, (_, n) => Array.from({ length: K }, (_, k) => Array.from({ length: Ho }, (_, i) => Array.from({ length: Wo }, (_, j) => {
    let acc = b ? b[k]! : 0;
    const c0 = Math.floor(k / (K / g)) * Cg;
    for (let c = 0; c < Cg; c++) for (let u = 0; u < kH; u++) for (let v = 0; v < kW; v++) acc += w[k]![c]![u]![v]! * at(n, c0 + c, i * s[0] + u * d[0] - p[0], j * s[1] + v * d[1] - p[1]);
    return acc;
  }))));
}

describe('unfold (torch.Tensor.unfold)', () => {
  test('windows as a view: overlapping, strided, along an inner dim; the gradient counts each read', () => {
    const x = arange(6, undefined, 1, { dtype: 'float64' });
    expect(unfold(x, 0, 3, 1).tolist()).toEqual([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]);
    expect(unfold(x, 0, 2, 3).tolist()).toEqual([[0, 1], [3, 4]]);
    const m = x.reshape([2, 3]);
    expect(unfold(m, -1, 2, 1).tolist()).toEqual([[[0, 1], [1, 2]], [[3, 4], [4, 5]]]);
    expect(unfold(m, 0, 2, 1).shape).toEqual([1, 3, 2]); // windows of rows: [[0, 3], [1, 4], [2, 5]]
    expect(unfold(m, 0, 2, 1).tolist()).toEqual([[[0, 3], [1, 4], [2, 5]]]);
    expect(unfold(x, 0, 3, 1).storage).toBe(x.storage);
    const leaf = arange(5, undefined, 1, { dtype: 'float64' }).requiresGrad_();
    unfold(leaf, 0, 3, 1).sum().backward(); // windows 0-2, 1-3, 2-4
    expect(leaf.grad!.tolist()).toEqual([1, 2, 3, 2, 1]);
    expect(() => unfold(x, 0, 7, 1)).toThrow(/unfold.*maximum size for dim 0 is 6/);
    expect(() => unfold(x, 0, 2, 0)).toThrow(/unfold.*step/);
  });
});

describe('pad', () => {
  test('constant: fill value, several dims, negative padding crops', () => {
    expectClose(pad(f64([[1, 2], [3, 4]]), [1, 0, 0, 1], 'constant', 7), [[7, 1, 2], [7, 3, 4], [7, 7, 7]]);
    expectClose(pad(f64([1, 2, 3, 4]), [-1, 1]), [2, 3, 4, 0]);
    expect(pad(f64([[1, 2]]), [0, 0]).tolist()).toEqual([[1, 2]]);
  });

  test('reflect, replicate and circular (PyTorch documented semantics)', () => {
    const x = f64([[[0, 1, 2, 3]]]);
    expectClose(pad(x, [3, 1], 'reflect'), [[[3, 2, 1, 0, 1, 2, 3, 2]]]);
    expectClose(pad(x, [2, 2], 'replicate'), [[[0, 0, 0, 1, 2, 3, 3, 3]]]);
    expectClose(pad(x, [4, 1], 'circular'), [[[0, 1, 2, 3, 0, 1, 2, 3, 0]]]);
    // 2-d reflect of [[1, 2], [3, 4]] by 1 on every side
    expectClose(pad(f64([[[1, 2], [3, 4]]]), [1, 1, 1, 1], 'reflect'), [[[4, 3, 4, 3], [2, 1, 2, 1], [4, 3, 4, 3], [2, 1, 2, 1]]]);
  });

  test('the gradient of reflect padding sums the copies onto their sources', () => {
    const x = f64([[1, 2, 3]]).requiresGrad_();
    pad(x, [2, 2], 'reflect').sum().backward(); // output sources: 2, 1, 0, 1, 2, 1, 0 (indices 2 1 0 1 2 1 0)
    expectClose(x.grad!, [[2, 3, 2]]);
  });

  test('errors name the op and the problem', () => {
    expect(() => pad(f64([[1, 2]]), [1])).toThrow(/pad.*even-length/);
    expect(() => pad(f64([[1, 2]]), [2, 0], 'reflect')).toThrow(/pad.*too large/);
    expect(() => pad(f64([1, 2]), [1, 1], 'replicate')).toThrow(/pad.*2-d or 3-d input/);
  });
});

describe('conv1d', () => {
  test('hand-worked: difference kernel, stride, dilation, bias', () => {
    const x = f64([[[1, 2, 4, 7, 11]]]);
    expectClose(conv1d(x, f64([[[-1, 1]]])), [[[1, 2, 3, 4]]]);
    expectClose(conv1d(x, f64([[[-1, 1]]]), f64([10]), 2), [[[11, 13]]]);
    expectClose(conv1d(x, f64([[[-1, 0, 1]]]), null, 1, 0, 2), [[[10]]]); // taps at 0, 2, 4: 11 - 1
    expectClose(conv1d(x, f64([[[1, 1, 1]]]), null, 1, 1), [[[3, 7, 13, 22, 18]]]);
  });

  test("padding 'same' keeps the length (extra zero on the right), 'valid' is none", () => {
    expectClose(conv1d(f64([[[1, 2, 3, 4]]]), f64([[[1, 1, 1, 1]]]), null, 1, 'same'), [[[6, 10, 9, 7]]]); // pads (1, 2)
    expectClose(conv1d(f64([[[1, 2, 3]]]), f64([[[1, 0, 1]]]), null, 1, 'same', 2), [[[3, 0, 1]]]); // dilated: pads (2, 2), taps o and o + 4
    expect(conv1d(f64([[[1, 2, 3]]]), f64([[[1, 1]]]), null, 1, 'valid').shape).toEqual([1, 1, 2]);
  });

  test('groups: each output channel sees only its group; unbatched input', () => {
    const x = f64([[1, 2, 3], [10, 20, 30]]); // (C=2, L=3), no batch
    const w = f64([[[1, 1]], [[1, -1]]]); // depthwise
    expectClose(conv1d(x, w, null, 1, 0, 1, 2), [[3, 5], [-10, -10]]);
  });

  test('errors name the op and the shapes', () => {
    expect(() => conv1d(f64([[[1, 2]]]), f64([[[1, 1, 1]]]))).toThrow(/conv1d.*too small/);
    expect(() => conv1d(f64([[[1, 2]], [[3, 4]]]).reshape([1, 2, 2]), f64([[[1]]]))).toThrow(/conv1d.*weight/);
    expect(() => conv1d(f64([[[1, 2, 3]]]), f64([[[1]]]), null, 2, 'same')).toThrow(/conv1d.*'same'/);
  });
});

describe('conv2d', () => {
  test('hand-worked 3x3 input, 2x2 box kernel', () => {
    const x = arange(9, undefined, 1, { dtype: 'float64' }).reshape([1, 1, 3, 3]);
    expectClose(conv2d(x, ones([1, 1, 2, 2], { dtype: 'float64' })), [[[[8, 12], [20, 24]]]]);
    // zero padding 1, 3x3 box: each output sums its in-range neighbourhood
    expectClose(conv2d(x, ones([1, 1, 3, 3], { dtype: 'float64' }), null, 1, 1), [[[[8, 15, 12], [21, 36, 27], [20, 33, 24]]]]);
    expectClose(conv2d(x, ones([1, 1, 3, 3], { dtype: 'float64' }), null, 2, 1), [[[[8, 12], [20, 24]]]]);
  });

  test('matches the direct loop: stride, asymmetric padding, dilation, groups, bias', () => {
    for (const [s, p, d, g] of [[[1, 1], [0, 0], [1, 1], 1], [[2, 1], [1, 2], [1, 2], 2], [[1, 3], [2, 0], [2, 1], 4], [[3, 2], [1, 1], [1, 1], 1]] as const) {
      const x = randn([2, 4, 7, 6], { dtype: 'float64' });
      const w = randn([4, 4 / g, 3, 2], { dtype: 'float64' });
      const b = randn([4], { dtype: 'float64' });
      const want = directConv2d(x.tolist() as number[][][][], w.tolist() as number[][][][], b.tolist() as number[], [s[0], s[1]], [p[0], p[1]], [d[0], d[1]], g);
      expectClose(conv2d(x, w, b, [...s], [...p], [...d], g), want, 1e-12);
    }
  });

  test("'same' with an even kernel pads one more on the bottom/right, as PyTorch", () => {
    const x = arange(4, undefined, 1, { dtype: 'float64' }).reshape([1, 1, 2, 2]);
    expectClose(conv2d(x, ones([1, 1, 2, 2], { dtype: 'float64' }), null, 1, 'same'), [[[[6, 4], [5, 3]]]]);
  });

  test('gradient of the input is the transposed convolution (hand-worked)', () => {
    const x = arange(9, undefined, 1, { dtype: 'float64' }).reshape([1, 1, 3, 3]).requiresGrad_();
    const w = f64([[[[1, 2], [3, 4]]]]).requiresGrad_();
    conv2d(x, w).sum().backward();
    // each input element is covered by the kernel taps that reach it
    expectClose(x.grad!, [[[[1, 3, 2], [4, 10, 6], [3, 7, 4]]]]);
    expectClose(w.grad!, [[[[8, 12], [20, 24]]]]); // each tap sees one 2x2 window sum
  });
});

describe('empty tensors, as PyTorch', () => {
  test('an empty batch gives an empty output of the right shape; empty channels sum to 0', () => {
    expect(conv2d(ones([0, 2, 4, 4]), ones([3, 2, 3, 3])).shape).toEqual([0, 3, 2, 2]);
    expect(conv1d(ones([1, 0, 4]), ones([2, 0, 3])).tolist()).toEqual([[[0, 0], [0, 0]]]); // no input channel: bias-free 0
    expect(pad(ones([0, 3]), [1, 1], 'reflect').shape).toEqual([0, 5]);
    expect(pad(ones([2, 0]), [1, 1], 'constant', 3).tolist()).toEqual([[3, 3], [3, 3]]);
  });
});
