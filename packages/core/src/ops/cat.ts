// cat and stack: join tensors along an existing dim (cat) or a new one (stack).

import { ShapeError, ValueError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, argInfo, definePrimitive } from './define.js';
import { promoteDtypes } from './helpers.js';

type CatAttrs = { readonly dim: number };

export const catOp = definePrimitive<CatAttrs>({
  name: 'cat',
  kind: 'other',
  args: ['...tensors'],
  shape: (xs, { dim }) => {
    const first = xs[0]!;
    const out = [...first.shape];
    out[dim] = 0;
    for (const [i, x] of xs.entries()) {
      const ok = x.ndim === first.ndim && x.shape.every((s, d) => d === dim || s === first.shape[d]);
      if (!ok) {
        throw new ShapeError('cat', `sizes must match except in dim ${dim} (tensor ${i} differs from tensor 0)`, argInfo(catOp, xs),
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
 * @example cat([tensor([1, 2]), tensor([3])]).tolist(); // [1, 2, 3]
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('cat', 'expected a non-empty list of tensors');
  const d = normalizeDim('cat', dim, tensors[0]!.ndim);
  return tensors.length === 1 ? tensors[0]! : apply(catOp, tensors, { dim: d });
}

/**
 * Stacks same-shaped tensors along a new dim `dim`. @example stack([tensor([1, 2]), tensor([3, 4])]).shape; // [2, 2]
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ValueError('stack', 'expected a non-empty list of tensors');
  const first = tensors[0]!;
  const bad = tensors.findIndex((t) => t.ndim !== first.ndim || t.shape.some((s, i) => s !== first.shape[i]));
  if (bad >= 0) throw new ShapeError('stack', `all tensors must have the same shape (tensor ${bad} differs from tensor 0)`, argInfo({ args: ['...tensors'] }, tensors));
  const d = normalizeDim('stack', dim, first.ndim + 1);
  return apply(catOp, tensors.map((t) => t.unsqueeze(d)), { dim: d });
}

/**
 * Splits into pieces of `splitSize` along `dim` (the last may be smaller), or into the given
 * sizes. The pieces are views. @example split(arange(5), 2).map((t) => t.tolist()); // [[0, 1], [2, 3], [4]]
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim('split', dim, x.ndim);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    if (!Number.isInteger(splitSize) || splitSize <= 0) throw new ValueError('split', `splitSize must be a positive integer, got ${splitSize}`);
    sizes = [];
    for (let s = 0; s < n; s += splitSize) sizes.push(Math.min(splitSize, n - s));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
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

/** Splits into `chunks` nearly equal views along `dim` (torch.chunk). @example chunk(arange(5), 2).map((t) => t.shape[0]); // [3, 2] */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new ValueError('chunk', `chunks must be a positive integer, got ${chunks}`);
  const n = x.shape[normalizeDim('chunk', dim, x.ndim)]!;
  return split(x, Math.max(1, Math.ceil(n / chunks)), dim);
}
