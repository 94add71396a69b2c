// Shape-changing views built on `view`: reshape (copies only when it must), flatten, unflatten,
// squeeze and unsqueeze.

import { ValueError, formatShape } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../define.js';
import { cloneOp } from './clone.js';
import { inferShape, view, viewStrides } from './view.js';

/**
 * The same data with a new shape (one size may be -1): a view where the strides allow, else a
 * copy, as torch.reshape. Gradient: the output gradient reshaped back.
 * @param x - The tensor.
 * @param shape - The new shape, with x's number of elements (one size may be -1).
 * @returns A tensor of `shape`.
 * @example reshape(arange(6), [3, -1]).shape; // [3, 2]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = inferShape('reshape', x, shape);
  if (viewStrides(x.shape, x.strides, target) !== null) return view(x, target);
  return view(apply(cloneOp, [x], {}), target);
}

/**
 * Merges dims `startDim`..`endDim` into one. Gradient: g reshaped back.
 * @param x - The tensor.
 * @param startDim - First dim merged.
 * @param endDim - Last dim merged (inclusive).
 * @returns x with those dims merged (a 0-d x gives [1]).
 * @example flatten(zeros([2, 3, 4]), 1).shape; // [2, 12]
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.shape, 'startDim');
  const e = normalizeDim('flatten', endDim, x.shape, 'endDim');
  if (s > e) throw new ValueError('flatten', `startDim ${startDim} comes after endDim ${endDim}`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/**
 * Splits dim `dim` into `sizes` (one may be -1). Gradient: g reshaped back.
 * @param x - The tensor.
 * @param dim - The dim to split.
 * @param sizes - Sizes whose product is that dim's size.
 * @returns x with `dim` replaced by `sizes`.
 * @example unflatten(zeros([2, 12]), 1, [3, 4]).shape; // [2, 3, 4]
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim('unflatten', dim, x.shape);
  const known = sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
  const resolved = sizes.map((s) => (s === -1 ? x.shape[d]! / known : s));
  const inferred = sizes.filter((s) => s === -1).length;
  if (inferred > 1 || resolved.some((s) => !Number.isInteger(s) || s < 0) || resolved.reduce((a, b) => a * b, 1) !== x.shape[d]) {
    throw new ValueError('unflatten', `sizes ${formatShape(sizes)} do not multiply to dim ${dim}'s size ${x.shape[d]}`, { x: x.shape },
      'give non-negative sizes whose product is that size, with at most one -1');
  }
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

/**
 * Removes size-1 dims: all of them, or only `dim` (a dim of another size is left alone, as in PyTorch).
 * Gradient: g reshaped back.
 * @param x - The tensor.
 * @param dim - A dim or dims to remove; all size-1 dims when omitted.
 * @returns x without those dims.
 * @example squeeze(zeros([2, 1, 3])).shape; // [2, 3]
 */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : (typeof dim === 'number' ? [dim] : dim).map((d) => normalizeDim('squeeze', d, x.shape));
  return reshape(x, x.shape.filter((s, i) => !(s === 1 && dims.includes(i))));
}

/**
 * Inserts a size-1 dim at `dim` (in [-ndim-1, ndim]). Gradient: g reshaped back.
 * @param x - The tensor.
 * @param dim - Position of the new dim.
 * @returns x with one more dim.
 * @example unsqueeze(zeros([2, 3]), 1).shape; // [2, 1, 3]
 */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}
