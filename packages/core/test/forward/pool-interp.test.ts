// maxPool1d/2d, avgPool1d/2d, interpolate, cosineSimilarity, normalize, l1Loss, smoothL1Loss,
// klDiv and batchNorm against hand-worked values and PyTorch's documented formulas.
import { describe, expect, test } from 'vitest';
import {
  avgPool1d, avgPool2d, batchNorm, cosineSimilarity, interpolate, klDiv, l1Loss, maxPool1d, maxPool2d, normalize, ones, smoothL1Loss, tensor, zeros, type NestedArray,
} from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });

describe('maxPool', () => {
  test('1-d: default stride = kernel, padding counts as -inf, dilation, ceil mode', () => {
    const x = f64([[1, 3, 2, 5, 4]]);
    expectClose(maxPool1d(x, 2), [[3, 5]]);
    expectClose(maxPool1d(x, 2, 2, 0, 1, true), [[3, 5, 4]]); // a last partial window
    expectClose(maxPool1d(f64([[-1, -3, -2]]), 2, 2, 1), [[-1, -2]]); // windows (pad, -1), (-3, -2)
    expectClose(maxPool1d(x, 2, 1, 0, 2), [[2, 5, 4]]); // taps i, i + 2
  });

  test('2-d with returnIndices: flat indices into H * W; ties go to the first', () => {
    const x = f64([[[1, 2, 0, 9], [4, 3, 9, 0], [5, 5, 1, 1], [5, 5, 1, 2]]]);
    const [v, i] = maxPool2d(x, 2, null, 0, 1, false, true);
    expectClose(v, [[[4, 9], [5, 2]]]);
    expect(i.tolist()).toEqual([[[4, 3], [8, 15]]]);
    expect(i.dtype).toBe('int32');
  });

  test('the gradient goes to the first maximum of each window only', () => {
    const x = f64([[3, 3, 1, 2]]).requiresGrad_();
    maxPool1d(x, 2).sum().backward();
    expectClose(x.grad!, [[1, 0, 0, 1]]);
  });

  test('errors name the op and the problem', () => {
    expect(() => maxPool1d(f64([[1, 2, 3]]), 2, 1, 2)).toThrow(/maxPool1d.*half the kernel/);
    expect(() => maxPool2d(f64([1, 2]), 1)).toThrow(/maxPool2d.*3-d/);
  });
});

describe('avgPool', () => {
  test('1-d: countIncludePad and ceil mode divisors, as PyTorch', () => {
    expectClose(avgPool1d(f64([[1, 3, 2, 6]]), 2), [[2, 4]]);
    // windows [pad, 1, 2], [2, 3, 4], [4, pad past the end]: divisors 3, 3, 2 (clipped at the padded end)
    expectClose(avgPool1d(f64([[1, 2, 3, 4]]), 3, 2, 1, true), [[1, 3, 2]]);
    expectClose(avgPool1d(f64([[1, 2, 3, 4]]), 3, 2, 1, true, false), [[1.5, 3, 4]]); // only real elements counted
    expectClose(avgPool1d(f64([[1, 2, 3, 4, 5]]), 2, 2, 0, true), [[1.5, 3.5, 5]]);
  });

  test('2-d: padding, divisorOverride', () => {
    const x = f64([[[1, 2], [3, 6]]]);
    expectClose(avgPool2d(x, 2), [[[3]]]);
    expectClose(avgPool2d(x, 2, 1, 1), [[[0.25, 0.75, 0.5], [1, 3, 2], [0.75, 2.25, 1.5]]]);
    expectClose(avgPool2d(x, 2, 1, 1, false, false), [[[1, 1.5, 2], [2, 3, 4], [3, 4.5, 6]]]);
    expectClose(avgPool2d(x, 2, null, 0, false, true, 3), [[[4]]]);
  });

  test('gradient: g / divisor spread over each window', () => {
    const x = f64([[1, 2, 3]]).requiresGrad_();
    avgPool1d(x, 2, 1).sum().backward(); // windows (0, 1), (1, 2)
    expectClose(x.grad!, [[0.5, 1, 0.5]]);
  });
});

describe('interpolate', () => {
  test('nearest and nearest-exact', () => {
    expectClose(interpolate(f64([[[1, 2]]]), 4), [[[1, 1, 2, 2]]]);
    expectClose(interpolate(f64([[[1, 2, 3]]]), 2), [[[1, 2]]]); // sources floor(o * 1.5)
    expectClose(interpolate(f64([[[1, 2, 3]]]), 2, null, 'nearest-exact'), [[[1, 3]]]); // floor((o + .5) * 1.5)
    expectClose(interpolate(f64([[[1, 2], [3, 4]]]).reshape([1, 1, 2, 2]), null, 2), [[[[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]]]);
  });

  test('linear: half-pixel centres, or aligned corners', () => {
    expectClose(interpolate(f64([[[1, 2]]]), 4, null, 'linear'), [[[1, 1.25, 1.75, 2]]]);
    expectClose(interpolate(f64([[[1, 2]]]), 3, null, 'linear', true), [[[1, 1.5, 2]]]);
    expectClose(interpolate(f64([[[0, 4, 8]]]), 2, null, 'linear'), [[[1, 7]]]); // sources 0.25, 1.75
  });

  test('bilinear = linear along H then W', () => {
    const x = f64([[[[0, 2], [4, 6]]]]);
    expectClose(interpolate(x, 3, null, 'bilinear', true), [[[[0, 1, 2], [2, 3, 4], [4, 5, 6]]]]);
    expectClose(interpolate(x, 4, null, 'bilinear'), [[[[0, 0.5, 1.5, 2], [1, 1.5, 2.5, 3], [3, 3.5, 4.5, 5], [4, 4.5, 5.5, 6]]]]);
  });

  test('errors', () => {
    expect(() => interpolate(f64([[[1]]]), 2, 2)).toThrow(/interpolate.*exactly one/);
    expect(() => interpolate(f64([[[1]]]), 2, null, 'bilinear')).toThrow(/interpolate.*4-d/);
  });
});

describe('cosineSimilarity and normalize', () => {
  test('hand-worked values, broadcasting, zero vectors', () => {
    expectClose(cosineSimilarity(f64([[1, 0], [1, 1], [0, 0]]), f64([[0, 1], [2, 2], [1, 1]])), [0, 1, 0], 1e-12);
    expectClose(cosineSimilarity(f64([[3, 4]]), f64([1, 0]), -1), [0.6], 1e-12);
    expectClose(normalize(f64([[3, 4], [0, 0]])), [[0.6, 0.8], [0, 0]], 1e-12);
    expectClose(normalize(f64([[3, -4]]), 1), [[3 / 7, -4 / 7]], 1e-12);
    expectClose(normalize(f64([[3], [-4]]), Infinity, 0), [[0.75], [-1]], 1e-12);
  });
});

describe('l1Loss, smoothL1Loss, klDiv', () => {
  test('l1 and smooth l1 with beta and reductions', () => {
    expectClose(l1Loss(f64([1, 2]), f64([2, 5])), 2);
    expectClose(l1Loss(f64([1, 2]), f64([2, 5]), { reduction: 'sum' }), 4);
    expectClose(smoothL1Loss(f64([0, 0, 0]), f64([0.5, 3, -1])), (0.125 + 2.5 + 0.5) / 3);
    expectClose(smoothL1Loss(f64([0, 0]), f64([0.5, 3]), { beta: 2, reduction: 'none' }), [0.0625, 2]);
    expectClose(smoothL1Loss(f64([0, 0]), f64([0.5, 3]), { beta: 0, reduction: 'none' }), [0.5, 3]);
  });

  test('klDiv: pointwise t (log t - x), 0 where t = 0, batchmean, logTarget', () => {
    const x = f64([[Math.log(0.5), Math.log(0.25), Math.log(0.25)], [Math.log(0.2), Math.log(0.3), Math.log(0.5)]]);
    const t = f64([[1, 0, 0], [0.5, 0.5, 0]]);
    const rows = [Math.log(2), 0.5 * Math.log(0.5 / 0.2) + 0.5 * Math.log(0.5 / 0.3)];
    expectClose(klDiv(x, t, { reduction: 'batchmean' }), (rows[0]! + rows[1]!) / 2, 1e-12);
    expectClose(klDiv(x, t, { reduction: 'sum' }), rows[0]! + rows[1]!, 1e-12);
    expectClose(klDiv(x, t), (rows[0]! + rows[1]!) / 6, 1e-12);
    expectClose(klDiv(x, t.add(1e-300).log(), { reduction: 'batchmean', logTarget: true }), (rows[0]! + rows[1]!) / 2, 1e-12);
    expect(() => klDiv(x, t, { reduction: 'avg' as 'sum' })).toThrow(/klDiv.*reduction/);
  });
});

describe('batchNorm', () => {
  test('training: batch statistics, running stats updated with the unbiased variance', () => {
    const rm = zeros([2], { dtype: 'float64' });
    const rv = ones([2], { dtype: 'float64' });
    const x = f64([[1, 10], [3, 10], [5, 13], [7, 7]]); // channel 0: mean 4, var 5; channel 1: mean 10, var 4.5
    const y = batchNorm(x, rm, rv, f64([2, 1]), f64([0, 1]), true, 0.5, 0);
    expectClose(y.slice(1, 0, 1).reshape([4]), [-3, -1, 1, 3].map((v) => (2 * v) / Math.sqrt(5)), 1e-12);
    expectClose(y.slice(1, 1, 2).reshape([4]), [0, 0, 3, -3].map((v) => v / Math.sqrt(4.5) + 1), 1e-12);
    expectClose(rm, [2, 5], 1e-12);
    expectClose(rv, [0.5 + 0.5 * (20 / 3), 0.5 + 0.5 * 6], 1e-12);
  });

  test('evaluation: running statistics, spatial dims', () => {
    const y = batchNorm(f64([[[1, 2]], [[3, 4]]]), f64([2]), f64([4]), null, null, false, 0.1, 0);
    expectClose(y, [[[-0.5, 0]], [[0.5, 1]]], 1e-12);
    expect(() => batchNorm(f64([[1, 2]]), null, null)).toThrow(/batchNorm.*evaluation/);
    expect(() => batchNorm(f64([[1, 2]]), zeros([2]), ones([2]), null, null, true)).toThrow(/batchNorm.*more than 1 value/);
  });
});

describe('empty tensors, as PyTorch', () => {
  test('pools and resizing keep an empty batch; mean losses of nothing are NaN, sums 0', () => {
    expect(maxPool2d(zeros([0, 2, 4, 4]), 2).shape).toEqual([0, 2, 2, 2]);
    expect(avgPool1d(zeros([0, 2, 4]), 2).shape).toEqual([0, 2, 2]);
    expect(interpolate(zeros([0, 1, 3]), 6, null, 'linear').shape).toEqual([0, 1, 6]);
    expect(cosineSimilarity(zeros([0, 3]), zeros([0, 3])).shape).toEqual([0]);
    expect(l1Loss(zeros([0]), zeros([0])).item()).toBeNaN();
    expect(smoothL1Loss(zeros([0]), zeros([0]), { reduction: 'sum' }).item()).toBe(0);
    expect(klDiv(zeros([0, 3]), zeros([0, 3]), { reduction: 'batchmean' }).item()).toBeNaN(); // 0 / 0
  });
});
