// Creation functions: tensors from JS data, constant fills, ranges and seeded random tensors.

import { getBackend, getDefaultDevice } from '../backend.js';
import { ARRAY_OF, DTYPES, allocArray, dtypeOfArray, isFloat, type DType, type TypedArray } from '../dtype.js';
import { ValueError, formatShape } from '../errors.js';
import { encodeHalf, isHalf } from '../half.js';
import { defaultGenerator, type Generator } from '../rng.js';
import { checkShape, sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';
import { asShape, dtypeOption, sizeArgs, type ShapeLike, type SizeArgs } from './size-args.js';

/** Options shared by creation functions (PyTorch's keyword arguments). */
export interface CreateOptions {
  /** Element type (default float32, or as the function documents). */
  dtype?: DType;
  /** Device to create on: `'cpu'` or `'gpu'` after `setBackend('gpu', ...)` (default: {@link getDefaultDevice}, initially `'cpu'`). */
  device?: string;
  /** Make the result a leaf that records gradients (float dtypes only). */
  requiresGrad?: boolean;
}

/** Options for random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Draw from this generator instead of the default one (seeded by `manualSeed`). */
  generator?: Generator;
}

export type { ShapeLike, SizeArgs } from './size-args.js';




// values to fill before fromArray converts them (the half types are encoded there, not written as bits)
function valuesArray(dtype: DType, n: number): TypedArray {
  return isHalf(dtype) ? new Float64Array(n) : allocArray(dtype, n);
}

/** Whether every byte is 0 or 1 (a loop on one array type only: the check costs a fraction of a copy). */
function onlyZeroOne(u: Uint8Array): boolean {
  for (let i = 0; i < u.length; i++) if (u[i]! > 1) return false;
  return true;
}

// bool storage holds exactly 0 or 1: any non-zero value (NaN included) is true, as in PyTorch
function toBoolArray(data: ArrayLike<number>): Uint8Array {
  if (data instanceof Uint8Array && onlyZeroOne(data)) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  return out;
}

/**
 * Wraps a flat array as a tensor (no copy on the CPU; the array must not be changed afterwards).
 * @param data - Elements in row-major order; its type gives the dtype unless `opts.dtype` converts.
 * @param shape - Shape with as many elements as `data`.
 * @param opts - dtype, device, requiresGrad.
 * @returns The tensor, shape `shape`.
 * @example fromArray(new Float32Array([1, 2, 3, 4]), [2, 2]).tolist(); // [[1, 2], [3, 4]]
 */
export function fromArray(data: TypedArray, shape: Shape, opts: CreateOptions = {}): Tensor {
  const src = dtypeOfArray(data);
  if (src === undefined && dtypeOption('fromArray', opts) === undefined) {
    throw new ValueError('fromArray', `unsupported array type ${(data as object).constructor?.name ?? typeof data}`, {},
      "use Float32Array, Float64Array, Int32Array or Uint8Array (bool), or pass { dtype } to convert");
  }
  const dtype = dtypeOption('fromArray', opts) ?? src!;
  let arr = data;
  if (dtype === 'bool') arr = toBoolArray(data);
  else if (isHalf(dtype)) arr = data instanceof Uint16Array ? data : encodeHalf(data, dtype); // a Uint16Array holds the bits
  else if (src !== dtype) arr = ARRAY_OF[dtype].from(data as ArrayLike<number>);
  if (arr.length !== sizeOf(shape)) {
    throw new ValueError('fromArray', `${arr.length} elements cannot have shape ${formatShape(shape)} (${sizeOf(shape)} elements)`);
  }
  const t = new Tensor(getBackend(opts.device ?? getDefaultDevice()).fromArray(arr, dtype), shape);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = (cur as readonly NestedArray[])[0] as NestedArray;
    if (cur === undefined) break;
  }
  return shape;
}

// Appends the leaves in row-major order and counts booleans and numbers (bool dtype needs all booleans).
function flatten(data: NestedArray, shape: Shape, out: number[], kinds: { bools: number; numbers: number }, depth = 0): void {
  if (depth === shape.length) {
    if (typeof data === 'boolean') {
      out.push(data ? 1 : 0);
      kinds.bools++;
      return;
    }
    if (typeof data !== 'number') throw new ValueError('tensor', `expected a number or boolean at depth ${depth}, got ${Array.isArray(data) ? 'an array' : typeof data}`, {}, 'nested arrays must be rectangular');
    out.push(data);
    kinds.numbers++;
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new ValueError('tensor', `ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(data) ? data.length : typeof data}`, {}, 'every row must have the same length');
  }
  for (const x of data as readonly NestedArray[]) flatten(x, shape, out, kinds, depth + 1);
}

/**
 * Creates a tensor from nested arrays, a number, or a TypedArray (PyTorch's `torch.tensor`).
 * Numbers give float32 unless `dtype` says otherwise; all-boolean data gives bool (booleans mixed
 * with numbers count as 0 and 1); a TypedArray keeps its dtype. Converting to bool maps non-zero to true.
 *
 * @param data - Nested rectangular arrays, a scalar, or a flat TypedArray (copied).
 * @param opts - dtype, device, requiresGrad, and `shape` to give a flat TypedArray (or reshape the data).
 * @returns A new leaf tensor with the data's shape (`[]` for a scalar).
 * @example
 * tensor([[1, 2], [3, 4]]).shape; // [2, 2]
 * tensor([1, 2], { dtype: 'int32' }).dtype; // 'int32'
 */
export function tensor(data: NestedArray | TypedArray, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const shape = opts.shape ?? [(data as TypedArray).length];
    return fromArray((data as TypedArray).slice(), shape, opts);
  }
  const shape = inferShape(data);
  const flat: number[] = [];
  const kinds = { bools: 0, numbers: 0 };
  flatten(data, shape, flat, kinds);
  const dtype = dtypeOption('tensor', opts) ?? (kinds.bools > 0 && kinds.numbers === 0 ? 'bool' : 'float32');
  const finalShape = opts.shape ?? shape;
  return fromArray(Float64Array.from(flat), finalShape, { ...opts, dtype }); // fromArray converts (bool: non-zero is true)
}

/**
 * A tensor of `shape` filled with `value`.
 * @param shape - The shape (a number for 1-D).
 * @param value - Fill value; a boolean gives a bool tensor.
 * @param opts - dtype (default float32, or bool for a boolean value), device, requiresGrad.
 * @returns The tensor, shape `shape`.
 * @example full([2], 7, { dtype: 'int32' }).tolist(); // [7, 7]
 */
export function full(shape: ShapeLike, value: number | boolean, opts: CreateOptions = {}): Tensor {
  const s = asShape('full', shape);
  const dtype = dtypeOption('full', opts) ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const data = valuesArray(dtype, sizeOf(s));
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (v !== 0) data.fill(v);
  return fromArray(data, s, { ...opts, dtype });
}

/**
 * A tensor of zeros.
 * @param args - The shape (`[2, 3]`, or a number for 1-D) or the sizes as arguments (`2, 3`), then the options: dtype (default float32), device, requiresGrad.
 * @returns The tensor, shape `shape`.
 * @example
 * zeros([2, 3]).shape; // [2, 3]
 * zeros(2, 3).shape; // [2, 3] (sizes as arguments, as PyTorch)
 */
export function zeros(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = sizeArgs<CreateOptions>(args);
  return full(shape, 0, opts);
}

/**
 * A tensor for you to fill (torch.empty). Its values are zeros here: PyTorch leaves them
 * uninitialised, so code must not read them before writing, and zeros is one valid answer.
 * @param args - The shape (`[2, 3]`, or a number for 1-D) or the sizes as arguments (`2, 3`), then the options: dtype (default float32), device, requiresGrad.
 * @returns The tensor, shape `shape`.
 * @example empty(2, 3).shape; // [2, 3]
 */
export function empty(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = sizeArgs<CreateOptions>(args);
  return full(shape, 0, opts);
}

/**
 * A tensor of ones.
 * @param args - The shape (`[2, 3]`, or a number for 1-D) or the sizes as arguments (`2, 3`), then the options: dtype (default float32), device, requiresGrad.
 * @returns The tensor, shape `shape`.
 * @example ones(2).tolist(); // [1, 1]
 */
export function ones(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = sizeArgs<CreateOptions>(args);
  return full(shape, 1, opts);
}

function likeOpts(x: Tensor, opts: CreateOptions): CreateOptions {
  return { dtype: x.dtype, device: x.device, ...opts };
}

/**
 * Zeros with `x`'s shape, dtype and device.
 * @param x - The tensor to copy the layout from.
 * @param opts - Overrides for dtype, device, requiresGrad.
 * @returns A new tensor of `x.shape`.
 * @example zerosLike(tensor([[1, 2]], { dtype: 'int32' })).tolist(); // [[0, 0]]
 */
export function zerosLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return full(x.shape, 0, likeOpts(x, opts));
}

/**
 * Ones with `x`'s shape, dtype and device.
 * @param x - The tensor to copy the layout from.
 * @param opts - Overrides for dtype, device, requiresGrad.
 * @returns A new tensor of `x.shape`.
 * @example onesLike(zeros([2])).tolist(); // [1, 1]
 */
export function onesLike(x: Tensor, opts: CreateOptions = {}): Tensor {
  return full(x.shape, 1, likeOpts(x, opts));
}

/**
 * `value` with `x`'s shape, dtype and device.
 * @param x - The tensor to copy the layout from.
 * @param value - Fill value.
 * @param opts - Overrides for dtype, device, requiresGrad.
 * @returns A new tensor of `x.shape`.
 * @example fullLike(zeros([3]), -1).tolist(); // [-1, -1, -1]
 */
export function fullLike(x: Tensor, value: number | boolean, opts: CreateOptions = {}): Tensor {
  return full(x.shape, value, likeOpts(x, opts));
}

/**
 * Values from `start` to `end` (exclusive) by `step`; `arange(n)` counts 0..n-1. Integer arguments
 * give int32 (as PyTorch gives int64), otherwise float32.
 *
 * @param start - First value, or the end when it is the only argument.
 * @param end - Bound (exclusive).
 * @param step - Increment (non-zero; negative counts down).
 * @param opts - dtype, device, requiresGrad.
 * @returns A 1-D tensor of ceil((end - start) / step) values.
 * @example
 * arange(5).tolist(); // [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25).tolist(); // [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ValueError('arange', `start and end must be finite, got ${start} and ${end}`);
  if (step === 0 || !Number.isFinite(step)) throw new ValueError('arange', `step must be finite and non-zero, got ${step}`);
  if ((end - start) / step < 0) throw new ValueError('arange', `upper bound and step sign are inconsistent (start ${start}, end ${end}, step ${step})`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = dtypeOption('arange', opts) ?? (allInt ? 'int32' : 'float32');
  const data = valuesArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromArray(data, [n], { ...opts, dtype });
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive.
 * @param start - First value.
 * @param end - Last value.
 * @param steps - Number of values.
 * @param opts - dtype (default float32), device, requiresGrad.
 * @returns A 1-D tensor of `steps` values.
 * @example linspace(0, 1, 3).tolist(); // [0, 0.5, 1]
 */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError('linspace', `steps must be a non-negative integer, got ${steps}`);
  const dtype = dtypeOption('linspace', opts) ?? 'float32';
  const data = valuesArray(dtype, steps);
  const w = steps > 1 ? (end - start) / (steps - 1) : 0;
  // NOTE: PyTorch fills the second half from the end so the last value is exactly `end`.
  for (let i = 0; i < steps; i++) data[i] = i < steps / 2 ? start + i * w : end - (steps - 1 - i) * w;
  return fromArray(data, [steps], { ...opts, dtype });
}

/**
 * The `n` x `m` identity matrix.
 * @param n - Rows.
 * @param m - Columns (default `n`).
 * @param opts - dtype (default float32), device, requiresGrad.
 * @returns A tensor of shape [n, m] with ones on the diagonal.
 * @example eye(2).tolist(); // [[1, 0], [0, 1]]
 */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const shape = asShape('eye', [n, m]); // before allocating: a negative size must not reach the TypedArray
  const dtype = dtypeOption('eye', opts) ?? 'float32';
  const data = valuesArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromArray(data, shape, { ...opts, dtype });
}
