// permute: reorders dims without copying; transpose, t and mT are permutations.

import { IndexError, ValueError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';

type PermuteAttrs = { readonly dims: readonly number[] };

/** @internal The primitive behind {@link permute}: shape and dtype rules, kernel key and VJP. */
export const permuteOp = definePrimitive<PermuteAttrs>({
  name: 'permute',
  kind: 'view',
  args: ['x'],
  shape: ([x], { dims }) => {
    const seen = new Set(dims);
    if (dims.length !== x!.ndim || seen.size !== dims.length || dims.some((d) => d < 0 || d >= x!.ndim)) {
      throw new IndexError('permute', `dims [${dims.join(', ')}] are not a permutation of 0..${x!.ndim - 1}`, { x: x!.shape },
        `give each of the ${x!.ndim} dims exactly once`);
    }
    return dims.map((d) => x!.shape[d]!);
  },
  dtype: ([x]) => x!.dtype,
  view: (x, { dims }) => ({ strides: dims.map((d) => x.strides[d]!), offset: x.offset }),
  // the gradient is permuted back by the inverse permutation
  vjp: (g, { attrs: { dims } }) => {
    const inv = new Array<number>(dims.length);
    dims.forEach((d, i) => (inv[d] = i));
    return [g.permute(inv)];
  },
  testDomain: { min: -3, max: 3 },
});

/**
 * Reorders dims: output dim i is input dim `dims[i]` (negative dims allowed). A view.
 * Gradient: g permuted back.
 * @param x - The tensor.
 * @param dims - A permutation of x's dims.
 * @returns A view with the dims reordered.
 * @example permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new ValueError('permute', `expected ${x.ndim} dims for shape [${x.shape.join(', ')}], got ${dims.length}`);
  return apply(permuteOp, [x], { dims: dims.map((d) => normalizeDim('permute', d, x.shape)) });
}

/**
 * Swaps two dims (a view). Gradient: g transposed back.
 * @param x - The tensor.
 * @param dim0 - One dim.
 * @param dim1 - The other.
 * @returns A view.
 * @example transpose(zeros([2, 3]), 0, 1).shape; // [3, 2]
 */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim('transpose', dim0, x.shape, 'dim0');
  const b = normalizeDim('transpose', dim1, x.shape, 'dim1');
  if (x.ndim === 0) return x;
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return apply(permuteOp, [x], { dims });
}

/**
 * Transpose of a matrix (a 0-d or 1-d tensor is returned as is). Gradient: g transposed back.
 * @param x - A tensor of at most 2 dims.
 * @returns A view [N, M] of [M, N].
 * @example t(zeros([2, 3])).shape; // [3, 2]
 */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ValueError('t', `expects a tensor with <= 2 dims, got ${x.ndim}`, {}, 'use transpose(x, -2, -1) or x.mT');
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

/**
 * Transposes the last two dims (batched matrices). Gradient: g transposed back.
 * @param x - A tensor of at least 2 dims [..., M, N].
 * @returns A view [..., N, M].
 * @example mT(zeros([5, 2, 3])).shape; // [5, 3, 2]
 */
export function mT(x: Tensor): Tensor {
  if (x.ndim < 2) throw new ValueError('mT', `expects a tensor with >= 2 dims, got ${x.ndim}`);
  return transpose(x, -2, -1);
}
