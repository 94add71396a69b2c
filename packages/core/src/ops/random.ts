// Random creation: normal and uniform floats, integers and permutations, reproducible under
// manualSeed (the default generator) or with an explicit Generator.

import { allocArray, isFloat } from '../dtype.js';
import { ValueError } from '../errors.js';
import { isHalf } from '../half.js';
import { defaultGenerator, type Generator } from '../rng.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fromArray, type RandomOptions } from './creation.js';
import { asShape, dtypeOption, sizeArgs, type ShapeLike, type SizeArgs } from './size-args.js';

function randomFloat(op: string, shape: ShapeLike, opts: RandomOptions, fill: (a: Float64Array, g: Generator) => void, belowOne = false): Tensor {
  const s = asShape(op, shape);
  const dtype = dtypeOption(op, opts) ?? 'float32';
  if (!isFloat(dtype)) throw new ValueError(op, `expected a float dtype, got ${dtype}`);
  const tmp = new Float64Array(sizeOf(s));
  fill(tmp, opts.generator ?? defaultGenerator);
  if (dtype === 'float64') return fromArray(tmp, s, { ...opts, dtype });
  const f32 = Float32Array.from(tmp);
  // NOTE: uniforms above 1 - 2^-25 round up to 1 in float32; keep [0, 1) half-open
  if (belowOne) for (let i = 0; i < f32.length; i++) if (f32[i]! >= 1) f32[i] = 1 - 2 ** -24;
  return fromArray(f32, s, { ...opts, dtype });
}

/**
 * Standard normal samples, reproducible under `manualSeed`.
 * @param args - The shape (`[2, 3]`, or a number for 1-D) or the sizes as arguments (`2, 3`), then the options: dtype (float32 or float64), device, requiresGrad, and a `generator`.
 * @returns The samples, shape `shape`.
 * @example
 * manualSeed(0);
 * randn([2, 3]).shape; // [2, 3]
 * randn(2, 3).shape; // [2, 3]
 */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = sizeArgs<RandomOptions>(args);
  return randomFloat('randn', shape, opts, (a, g) => g.fillNormal(a));
}

/**
 * Uniform samples in [0, 1).
 * @param args - The shape (`[2, 3]`, or a number for 1-D) or the sizes as arguments (`2, 3`), then the options: dtype (float32 or float64), device, requiresGrad, and a `generator`.
 * @returns The samples, shape `shape`.
 * @example rand(4).shape; // [4]
 */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = sizeArgs<RandomOptions>(args);
  return randomFloat('rand', shape, opts, (a, g) => g.fillUniform(a), true);
}

/**
 * Normal samples shaped like `x`.
 * @param x - The tensor to copy shape, dtype and device from.
 * @param opts - Overrides, and a `generator`.
 * @returns A new tensor of `x.shape`.
 * @example randnLike(zeros([2, 2])).shape; // [2, 2]
 */
export function randnLike(x: Tensor, opts: RandomOptions = {}): Tensor {
  return randn(x.shape, { dtype: x.dtype, device: x.device, ...opts });
}

/**
 * Uniform [0, 1) samples shaped like `x`.
 * @param x - The tensor to copy shape, dtype and device from.
 * @param opts - Overrides, and a `generator`.
 * @returns A new tensor of `x.shape`.
 * @example randLike(zeros([3], { dtype: 'float64' })).dtype; // 'float64'
 */
export function randLike(x: Tensor, opts: RandomOptions = {}): Tensor {
  return rand(x.shape, { dtype: x.dtype, device: x.device, ...opts });
}

/**
 * Integers uniform in [low, high), int32 by default; `randint(high, shape)` draws from [0, high),
 * as PyTorch's one-bound form.
 * @param args - `low, high, shape[, opts]`, or `high, shape[, opts]`: bounds (low inclusive, high
 *   exclusive), the shape (a number for 1-D), then dtype, device and a `generator`.
 * @returns The samples, shape `shape`.
 * @example
 * randint(0, 10, [3]).dtype; // 'int32'
 * randint(10, [2, 2]).shape; // [2, 2]
 */
export function randint(...args: [low: number, high: number, shape: ShapeLike, opts?: RandomOptions] | [high: number, shape: ShapeLike, opts?: RandomOptions]): Tensor {
  const oneBound = typeof args[1] !== 'number';
  const [low, high, shape, opts = {}] = (oneBound ? [0, ...args] : args) as [number, number, ShapeLike, RandomOptions?];
  if (shape === undefined) throw new ValueError('randint', 'expected (low, high, shape) or (high, shape): the shape is missing');
  const s = asShape('randint', shape);
  if (!(Number.isInteger(low) && Number.isInteger(high) && high > low)) {
    throw new ValueError('randint', `expected integers with low < high, got [${low}, ${high})`);
  }
  const g = opts.generator ?? defaultGenerator;
  const dtype = dtypeOption('randint', opts) ?? 'int32';
  const data = isHalf(dtype) ? new Float64Array(sizeOf(s)) : allocArray(dtype, sizeOf(s)); // fromArray encodes half types
  for (let i = 0; i < data.length; i++) data[i] = g.randint(low, high);
  return fromArray(data, s, { ...opts, dtype });
}

/**
 * A random permutation of 0..n-1 (Fisher-Yates), int32.
 * @param n - Number of elements.
 * @param opts - dtype (default int32), device, and a `generator`.
 * @returns A 1-D tensor holding each of 0..n-1 once.
 * @example [...randperm(4).dataSync()].sort(); // [0, 1, 2, 3]
 */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError('randperm', `n must be a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator;
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  }
  return fromArray(data, [n], { ...opts, dtype: dtypeOption('randperm', opts) ?? 'int32' });
}
