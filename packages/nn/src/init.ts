// Weight initialisation as torch.nn.init: fills tensors in place (no autograd) from a seeded
// Generator, with PyTorch's fan computation and gains.

import { type Generator, type Tensor, ValueError, defaultGenerator, erfScalar, fromArray, noGrad } from '@tsgrad/core';

/** Options shared by the random initialisers. */
export interface InitOptions {
  /** Draw from this generator instead of the default one (seeded by `manualSeed`). */
  generator?: Generator;
}

/** Nonlinearities known to `calculateGain`, as in PyTorch. */
export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

function fill(t: Tensor, values: Float64Array): Tensor {
  noGrad(() => t.copy_(fromArray(values, t.shape, { dtype: t.dtype, device: t.device })));
  return t;
}

/**
 * The recommended gain for a nonlinearity (torch.nn.init.calculate_gain): 1 for linear and
 * sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2)) for leaky_relu (slope 0.01
 * by default), 3/4 for selu.
 *
 * # Shapes
 * Not applicable (a number).
 *
 * @example calculateGain('relu'); // 1.4142...
 * @param nonlinearity - `'relu'`, `'tanh'`, `'leaky_relu'`, ...
 * @param param - leaky_relu's negative slope.
 * @returns The gain.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new ValueError('calculateGain', `unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * PyTorch's `_calculate_fan_in_and_fan_out`: for a weight [out, in, *k], fanIn = in * prod(k)
 * and fanOut = out * prod(k). Needs at least 2 dims.
 *
 * # Shapes
 * - t: (out, in, *kernel), at least 2 dims
 *
 * @example calculateFanInAndFanOut(zeros([3, 4])); // [4, 3]
 * @param t - A weight of at least 2 dims.
 * @returns `[fanIn, fanOut]`.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError('calculateFanInAndFanOut', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions', { tensor: t.shape });
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/**
 * Fills with U(a, b).
 *
 * # Shapes
 * - t: any; filled in place and returned
 *
 * @example
 * const t = uniform_(zeros([1000]), -1, 1);
 * t.amin().item() >= -1 && t.amax().item() < 1; // true
 * @param t - The tensor to fill in place.
 * @param a - Lower bound.
 * @param b - Upper bound.
 * @param opts - `generator`.
 * @returns `t`.
 */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  const v = new Float64Array(t.numel());
  (opts.generator ?? defaultGenerator).fillUniform(v, a, b);
  return fill(t, v);
}

/**
 * Fills with N(mean, std^2).
 *
 * # Shapes
 * - t: any; filled in place and returned
 *
 * @example
 * normal_(zeros([10000]), 0, 0.02).std().item(); // 0.02 (about)
 * @param t - The tensor to fill in place.
 * @param mean - Mean.
 * @param std - Standard deviation.
 * @param opts - `generator`.
 * @returns `t`.
 */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  const v = new Float64Array(t.numel());
  (opts.generator ?? defaultGenerator).fillNormal(v, mean, std);
  return fill(t, v);
}

/**
 * Fills with `val`.
 *
 * # Shapes
 * - t: any; filled in place and returned
 *
 * @example constant_(zeros([2]), 0.5).tolist(); // [0.5, 0.5]
 * @param t - The tensor to fill in place.
 * @param val - The value.
 * @returns `t`.
 */
export function constant_(t: Tensor, val: number): Tensor {
  return fill(t, new Float64Array(t.numel()).fill(val));
}

/**
 * Fills with 1.
 *
 * # Shapes
 * - t: any; filled in place and returned
 *
 * @example ones_(zeros([2])).tolist(); // [1, 1]
 * @param t - The tensor to fill in place.
 * @returns `t`.
 */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/**
 * Fills with 0.
 *
 * # Shapes
 * - t: any; filled in place and returned
 *
 * @example zeros_(ones([2])).tolist(); // [0, 0]
 * @param t - The tensor to fill in place.
 * @returns `t`.
 */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Inverse of erf on (-1, 1): Giles' approximation polished by two Newton steps on erfScalar. */
function erfinv(y: number): number {
  if (y <= -1) return -Infinity;
  if (y >= 1) return Infinity;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    x = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]
      .reduce((p, c) => p * w + c, 0);
  } else {
    w = Math.sqrt(w) - 3;
    x = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]
      .reduce((p, c) => p * w + c, 0);
  }
  x *= y;
  for (let i = 0; i < 2; i++) x -= (erfScalar(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x)); // Newton: d erf/dx = 2/sqrt(pi) e^{-x^2}
  return x;
}

/**
 * Fills with N(mean, std^2) truncated to [a, b], by PyTorch's inverse-CDF method: uniform in
 * [2 Phi(a') - 1, 2 Phi(b') - 1], then erfinv, scale by std sqrt(2), shift by mean, clamp.
 *
 * # Shapes
 * - t: any; filled in place and returned
 *
 * @example truncNormal_(zeros([1000]), 0, 0.02, -0.04, 0.04).abs().amax().item() <= 0.04; // true
 * @param t - The tensor to fill in place.
 * @param mean - Mean.
 * @param std - Standard deviation.
 * @param a - Lower cut-off (an absolute value, as PyTorch).
 * @param b - Upper cut-off.
 * @param opts - `generator`.
 * @returns `t`.
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: InitOptions = {}): Tensor {
  const cdf = (x: number) => (1 + erfScalar(x / Math.SQRT2)) / 2;
  const lo = 2 * cdf((a - mean) / std) - 1;
  const hi = 2 * cdf((b - mean) / std) - 1;
  const v = new Float64Array(t.numel());
  (opts.generator ?? defaultGenerator).fillUniform(v, lo, hi);
  for (let i = 0; i < v.length; i++) v[i] = Math.min(b, Math.max(a, erfinv(v[i]!) * std * Math.SQRT2 + mean));
  return fill(t, v);
}

/**
 * Glorot/Xavier uniform (Glorot & Bengio 2010): U(-a, a) with a = gain sqrt(6 / (fanIn + fanOut)).
 *
 * # Shapes
 * - t: (out, in, *kernel), at least 2 dims; filled in place and returned
 *
 * @example xavierUniform_(zeros([3, 4])).abs().amax().item() <= Math.sqrt(6 / 7); // true
 * @param t - A weight [out, in, ...] to fill in place.
 * @param gain - Scale (see {@link calculateGain}).
 * @param opts - `generator`.
 * @returns `t`.
 */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, opts);
}

/**
 * Glorot/Xavier normal: N(0, std^2) with std = gain sqrt(2 / (fanIn + fanOut)).
 *
 * # Shapes
 * - t: (out, in, *kernel), at least 2 dims; filled in place and returned
 *
 * @example xavierNormal_(zeros([3, 4])).shape; // [3, 4]
 * @param t - A weight [out, in, ...] to fill in place.
 * @param gain - Scale.
 * @param opts - `generator`.
 * @returns `t`.
 */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

function kaimingStd(t: Tensor, a: number, mode: 'fan_in' | 'fan_out', nonlinearity: Nonlinearity): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError('kaiming', `mode must be 'fan_in' or 'fan_out', got ${String(mode)}`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = mode === 'fan_in' ? fanIn : fanOut;
  return calculateGain(nonlinearity, a) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform (He et al. 2015): U(-bound, bound) with bound = gain sqrt(3 / fan).
 * Linear layers use `a = sqrt(5)`, which gives bound = 1/sqrt(fanIn).
 *
 * # Shapes
 * - t: (out, in, *kernel), at least 2 dims; filled in place and returned
 *
 * @example kaimingUniform_(zeros([3, 4]), Math.sqrt(5)).abs().amax().item() <= 1 / Math.sqrt(4); // true
 * @param t - A weight [out, in, ...] to fill in place.
 * @param a - Negative slope of the leaky_relu after it.
 * @param mode - `'fan_in'` (default, keeps forward variance) or `'fan_out'`.
 * @param nonlinearity - The nonlinearity after it.
 * @param opts - `generator`.
 * @returns `t`.
 */
export function kaimingUniform_(t: Tensor, a = 0, mode: 'fan_in' | 'fan_out' = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', opts: InitOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, a, mode, nonlinearity);
  return uniform_(t, -bound, bound, opts);
}

/**
 * He/Kaiming normal: N(0, std^2) with std = gain / sqrt(fan).
 *
 * # Shapes
 * - t: (out, in, *kernel), at least 2 dims; filled in place and returned
 *
 * @example kaimingNormal_(zeros([3, 4]), 0, 'fan_out', 'relu').shape; // [3, 4]
 * @param t - A weight [out, in, ...] to fill in place.
 * @param a - Negative slope of the leaky_relu after it.
 * @param mode - `'fan_in'` or `'fan_out'`.
 * @param nonlinearity - The nonlinearity after it.
 * @param opts - `generator`.
 * @returns `t`.
 */
export function kaimingNormal_(t: Tensor, a = 0, mode: 'fan_in' | 'fan_out' = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu', opts: InitOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, a, mode, nonlinearity), opts);
}
