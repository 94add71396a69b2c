// Elementwise unary ops and activations: values derived by hand (or from identities), dtype rules.
import { describe, expect, test } from 'vitest';
import {
  abs, ceil, clamp, cos, DTypeError, erf, exp, floor, gelu, isnan, log, log1p, logicalNot, neg, reciprocal, relu,
  round, rsqrt, sigmoid, sign, silu, sin, softplus, sqrt, square, tanh, tensor, trunc, type NestedArray,
} from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });
const i32 = (d: NestedArray) => tensor(d, { dtype: 'int32' });

describe('transcendental ops', () => {
  test('exp and log are inverse, with log(0) = -inf and log(-1) = NaN', () => {
    expectClose(exp(f64([0, 1, -1, Math.log(5)])), [1, Math.E, 1 / Math.E, 5], 1e-15);
    expectClose(log(f64([1, Math.E, 0, -1, 8])), [0, 1, -Infinity, NaN, 3 * Math.LN2], 1e-15);
  });

  test('log1p keeps precision for tiny x (log1p(x) = x - x^2/2 + ...)', () => {
    const x = 1e-10;
    expectClose(log1p(f64([x, 0, Math.E - 1])), [x - (x * x) / 2, 0, 1], 1e-15);
  });

  test('sqrt and rsqrt', () => {
    expectClose(sqrt(f64([4, 9, 0, 2, -1])), [2, 3, 0, Math.SQRT2, NaN], 1e-15);
    expectClose(rsqrt(f64([4, 0.25, 0])), [0.5, 2, Infinity], 1e-15);
  });

  test('sin and cos at known angles', () => {
    expectClose(sin(f64([0, Math.PI / 2, Math.PI / 6, -Math.PI / 2])), [0, 1, 0.5, -1], 1e-15);
    expectClose(cos(f64([0, Math.PI / 3, Math.PI])), [1, 0.5, -1], 1e-15);
  });

  test('tanh(ln 2) = (2 - 1/2)/(2 + 1/2) = 0.6, saturating without NaN', () => {
    expectClose(tanh(f64([Math.LN2, 0, -Math.LN2, 1000, -1000])), [0.6, 0, -0.6, 1, -1], 1e-15);
  });

  test('sigmoid(ln 3) = 1/(1 + 1/3) = 0.75 and large |x| does not overflow', () => {
    expectClose(sigmoid(f64([0, Math.log(3), -Math.log(3), 1000, -1000])), [0.5, 0.75, 0.25, 1, 0], 1e-15);
    expectClose(sigmoid(tensor([-100, 100])), [Math.exp(-100) / (1 + Math.exp(-100)), 1], 1e-6);
  });

  test('erf against tabulated values', () => {
    const x = f64([0, 1, -1, 0.5, 2, 3, 10, -10]);
    const want = [0, 0.8427007929497149, -0.8427007929497149, 0.5204998778130465, 0.9953222650189527, 0.9999779095030014, 1, -1];
    expectClose(erf(x), want, 1e-14);
  });
});

describe('simple arithmetic unary ops', () => {
  test('abs, neg, reciprocal, square', () => {
    expectClose(abs(tensor([-1.5, 0, 2])), [1.5, 0, 2]);
    expectClose(neg(tensor([1, -2, 0])), [-1, 2, -0]);
    expectClose(reciprocal(tensor([2, -4, 0])), [0.5, -0.25, Infinity]);
    expectClose(square(tensor([-2, 3, 0.5])), [4, 9, 0.25]);
  });

  test('relu zeroes negatives and keeps integer dtype', () => {
    expectClose(relu(tensor([-1, 0, 2.5])), [0, 0, 2.5]);
    const r = relu(i32([-3, 4]));
    expect(r.dtype).toBe('int32');
    expect(r.tolist()).toEqual([0, 4]);
  });

  test('integer inputs: exp computes in float32, abs/neg/square stay int32', () => {
    const e = exp(i32([0, 1]));
    expect(e.dtype).toBe('float32');
    expectClose(e, [1, Math.E]);
    expect(abs(i32([-3, 2])).tolist()).toEqual([3, 2]);
    expect(neg(i32([-3, 2])).dtype).toBe('int32');
    expect(square(i32([46341])).tolist()).toEqual([(46341 * 46341) | 0]); // wraps like int32
  });

  test('bool tensors are refused by neg and abs', () => {
    expect(() => neg(tensor([true]))).toThrow(DTypeError);
    expect(() => abs(tensor([true]))).toThrow(DTypeError);
  });

  test('logicalNot and isnan give bool tensors', () => {
    const n = logicalNot(tensor([0, 2, -1]));
    expect(n.dtype).toBe('bool');
    expect(n.tolist()).toEqual([true, false, false]);
    expect(isnan(tensor([NaN, 1, Infinity])).tolist()).toEqual([true, false, false]);
  });
});

describe('rounding', () => {
  test('sign, floor, ceil, trunc', () => {
    expectClose(sign(tensor([-2, 0, 3, NaN])), [-1, 0, 1, NaN]);
    expectClose(floor(tensor([1.5, -1.5, 2])), [1, -2, 2]);
    expectClose(ceil(tensor([1.5, -1.5, 2])), [2, -1, 2]);
    expectClose(trunc(tensor([1.7, -1.7, 0.2])), [1, -1, 0]);
  });

  test('round sends halves to the even neighbour (banker rounding, as torch.round)', () => {
    const x = tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, 3.5]);
    expectClose(round(x), [0, 2, 2, -0, -2, -2, 2, 3, 4]);
    expect(round(i32([3])).tolist()).toEqual([3]);
  });
});

describe('activations', () => {
  test('softplus: ln(1 + e^x), with beta and the linear threshold', () => {
    expectClose(softplus(f64([0, Math.log(3), -100, 100])), [Math.LN2, Math.log(4), Math.exp(-100), 100], 1e-14);
    // beta = 2: (1/2) ln(1 + e^(2x)); at x = ln(3)/2 that is (1/2) ln 4 = ln 2
    const sp = softplus(f64([Math.log(3) / 2, 4, 6]), { beta: 2, threshold: 10 });
    expectClose(sp, [Math.LN2, 0.5 * Math.log1p(Math.exp(8)), 6], 1e-14); // 2 * 6 = 12 > 10: x itself
  });

  test('gelu exact: x * (1 + erf(x / sqrt 2)) / 2, with erf(1/sqrt2) = 0.6826894921370859', () => {
    const e1 = 0.6826894921370859; // P(|Z| < 1)
    const e2 = 0.9544997361036416; // P(|Z| < 2) = erf(sqrt 2)
    expectClose(gelu(f64([0, 1, -1, 2])), [0, (1 + e1) / 2, (-1 * (1 - e1)) / 2, 1 + e2], 1e-14);
  });

  test('gelu tanh approximation follows its formula', () => {
    const c = Math.sqrt(2 / Math.PI);
    const ref = (x: number) => 0.5 * x * (1 + Math.tanh(c * (x + 0.044715 * x ** 3)));
    const xs = [-2, -0.5, 0, 1, 3];
    expectClose(gelu(f64(xs), { approximate: 'tanh' }), xs.map(ref), 1e-14);
  });

  test('silu(x) = x sigmoid(x): silu(ln 3) = 0.75 ln 3', () => {
    expectClose(silu(f64([0, Math.log(3), -1000])), [0, 0.75 * Math.log(3), -0], 1e-14);
  });

  test('clamp with both, one or tensor bounds; NaN passes through', () => {
    expectClose(clamp(tensor([-2, 0, 2, NaN]), -1, 1), [-1, 0, 1, NaN]);
    expectClose(clamp(tensor([-2, 0, 2]), 0), [0, 0, 2]);
    expectClose(clamp(tensor([-2, 0, 2]), undefined, 0), [-2, 0, 0]);
    expectClose(clamp(tensor([-2, 0, 2]), tensor([-1, 1, 1]), tensor([0, 2, 1.5])), [-1, 1, 1.5]);
    expectClose(clamp(tensor([-2, 5]), 3, 1), [1, 1]); // min > max: everything becomes max, as PyTorch
  });

  test('clamp of an int tensor by a float bound promotes to float32', () => {
    const c = clamp(i32([0, 3]), 0.5);
    expect(c.dtype).toBe('float32');
    expectClose(c, [0.5, 3]);
  });
});
