// cat and stack: join tensors along an existing dim (cat) or a new one (stack).

import { ShapeError, ValueError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, argInfo, definePrimitive } from './define.js';
import { promoteDtypes } from './helpers.js';

type CatAttrs = { readonly dim: number };

/** @internal The primitive behind {@link cat}: shape and dtype rules, kernel key and VJP. */
export const catOp = definePrimitive<CatAttrs>({
  name: 'cat',
  kind: 'other',
  args: ['...tensors'],
  shape: (xs, { dim }) => {
    const first = xs[0]!;
    const out = [...first.shape];
    out[dim] = 0;
    for (const [i, x] of xs.entries()) {
      const rankDiffers = x.ndim !== first.ndim;
      const bad = rankDiffers ? -1 : x.shape.findIndex((s, d) => d !== dim && s !== first.shape[d]);
      if (rankDiffers || bad !== -1) {
        const why = rankDiffers
          ? `tensor ${i} has ${x.ndim} dims but tensor 0 has ${first.ndim}`
          : `expected size ${first.shape[bad]} but got size ${x.shape[bad]} at dim ${bad} for tensor ${i}`;
        throw new ShapeError('cat', `sizes must match except in dim ${dim}: ${why}`, argInfo(catOp, xs),
          'check each tensor\'s shape; only the concatenated dim may differ');
      }
      out[dim]! += x.shape[dim]!;
    }
    return out;
  },
  dtype: (xs) => promoteDtypes(xs),
  // each input's gradient is its slice of the output gradient
  vjp: (g, { shapes, attrs: { dim }, needsInputGrad }) => {
    let start = 0;
    return shapes.map((s, i) => {
      const n = s[dim]!;
      const part = needsInputGrad[i] ? g.narrow(dim, start, n) : null;
      start += n;
      return part;
    });
  },
  testDomain: { min: -3, max: 3 },
});

/**
 * Concatenates tensors along `dim` (all other sizes must match). Gradient: slices of g.
 * Shapes: inputs [..., n_i, ...] give [..., sum of n_i, ...].
 * @param tensors - At least one tensor, none 0-d.
 * @param dim - The dim to join along (negative counts from the end).
 * @returns A new tensor (never a view of an input).
 * @example cat([tensor([1, 2]), tensor([3])]).tolist(); // [1, 2, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('cat', 'expected a non-empty list of tensors');
  const scalar = tensors.findIndex((t) => t.ndim === 0);
  if (scalar >= 0) {
    throw new ShapeError('cat', `zero-dimensional tensor (at position ${scalar}) cannot be concatenated`, argInfo(catOp, tensors), 'use stack, or unsqueeze it first');
  }
  const d = normalizeDim('cat', dim, tensors[0]!.ndim);
  // NOTE: a single tensor is still copied, so the result never aliases its input (as torch.cat)
  return apply(catOp, tensors, { dim: d });
}

/**
 * Stacks same-shaped tensors along a new dim `dim`. Gradient: slices of g, as for {@link cat}.
 * Shapes: n tensors of shape S give S with n inserted at `dim`.
 * @param tensors - Tensors of one shape.
 * @param dim - Position of the new dim, in [-ndim-1, ndim].
 * @returns A new tensor.
 * @example stack([tensor([1, 2]), tensor([3, 4])]).shape; // [2, 2]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'expected a non-empty list of tensors');
  const first = tensors[0]!;
  const bad = tensors.findIndex((t) => t.ndim !== first.ndim || t.shape.some((s, i) => s !== first.shape[i]));
  if (bad >= 0) {
    throw new ShapeError('stack', `all tensors must have the same shape (tensor ${bad} differs from tensor 0)`, argInfo({ args: ['...tensors'] }, tensors),
      'use cat to join along an existing dim of differing size');
  }
  const d = normalizeDim('stack', dim, first.ndim + 1);
  return apply(catOp, tensors.map((t) => t.unsqueeze(d)), { dim: d });
}

/**
 * Splits into pieces of `splitSize` along `dim` (the last may be smaller), or into the given
 * sizes. The pieces are views. Gradient: each piece's g lands in its slice of x.
 * @param x - The tensor to split.
 * @param splitSize - Size of each piece, or the list of sizes (they must sum to the dim's size).
 * @param dim - The dim to split.
 * @returns The pieces, in order.
 * @example split(arange(5), 2).map((t) => t.tolist()); // [[0, 1], [2, 3], [4]]
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.shape);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0) throw new ValueError('split', `splitSize must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let s = 0; s < n; s += splitSize) sizes.push(Math.min(splitSize, n - s));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ValueError('split', `split sizes [${sizes.join(', ')}] must be non-negative integers`, { x: x.shape });
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new ValueError('split', `split sizes [${sizes.join(', ')}] sum to ${total}, but dim ${dim} has size ${n}`, { x: x.shape });
  }
  let start = 0;
  return sizes.map((s) => {
    const part = x.narrow(d, start, s);
    start += s;
    return part;
  });
}

/**
 * Splits into `chunks` nearly equal views along `dim` (torch.chunk); the last may be smaller,
 * and there may be fewer pieces when the dim is small. Gradient: as for {@link split}.
 * @param x - The tensor to split.
 * @param chunks - Number of pieces wanted.
 * @param dim - The dim to split.
 * @returns The pieces, each of size ceil(n / chunks) but the last.
 * @example chunk(arange(5), 2).map((t) => t.shape[0]); // [3, 2]
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normalizeDim('chunk', dim, x.shape)]!;
  return split(x, Math.max(1, Math.ceil(n / chunks)), dim);
}
