// Masking composed from `where`: maskedFill, and the triangular masks tril and triu.

import { ShapeError, ValueError } from '../../errors.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { arange } from '../creation.js';
import { requireBool } from '../helpers.js';

/**
 * `x` with `value` where the bool `mask` (broadcast to x) is true. Gradient: g where the mask is
 * false (and, for a tensor `value`, g where it is true).
 * @param x - The tensor.
 * @param mask - A bool tensor broadcastable to `x`.
 * @param value - The fill value (a number, or a 0-d tensor).
 * @returns A tensor of `x`'s shape.
 * @example maskedFill(tensor([1, 2]), tensor([true, false]), 0).tolist(); // [0, 2]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  requireBool('maskedFill', 'mask', mask);
  const shape = broadcastShapes('maskedFill', { x: x.shape, mask: mask.shape });
  if (shape.length !== x.ndim || shape.some((d, i) => d !== x.shape[i])) {
    throw new ShapeError('maskedFill', 'mask must be broadcastable to the input\'s shape (the output keeps the input\'s shape)', { x: x.shape, mask: mask.shape });
  }
  const out = where(mask, value, x);
  return out.dtype === x.dtype ? out : out.to(x.dtype);
}

function triangle(op: 'tril' | 'triu', x: Tensor, diagonal: number): Tensor {
  if (x.ndim < 2) throw new ValueError(op, `expects a tensor with >= 2 dims, got shape [${x.shape.join(', ')}]`);
  const [m, n] = [x.shape[x.ndim - 2]!, x.shape[x.ndim - 1]!];
  const offset = arange(n, undefined, 1, { device: x.device }).sub(arange(m, undefined, 1, { device: x.device }).unsqueeze(-1)); // (M, N): j - i
  const keep = op === 'tril' ? offset.le(diagonal) : offset.ge(diagonal);
  return where(keep, x, x.dtype === 'bool' ? false : 0); // a weak 0 beside a bool tensor would make int32
}

/**
 * The lower triangle of the last two dims (j - i <= diagonal), zeros elsewhere.
 * Gradient: g on the kept triangle, zero elsewhere.
 * @param x - A tensor of at least 2 dims [..., M, N].
 * @param diagonal - 0 keeps the main diagonal; positive keeps more above it, negative fewer.
 * @returns A tensor of `x`'s shape.
 * @example tril(ones([2, 2])).tolist(); // [[1, 0], [1, 1]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal);
}

/**
 * The upper triangle of the last two dims (j - i >= diagonal), zeros elsewhere.
 * Gradient: g on the kept triangle, zero elsewhere.
 * @param x - A tensor of at least 2 dims [..., M, N].
 * @param diagonal - 0 keeps the main diagonal; 1 starts above it (a causal mask's pattern).
 * @returns A tensor of `x`'s shape.
 * @example triu(ones([2, 2])).tolist(); // [[1, 1], [0, 1]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal);
}
