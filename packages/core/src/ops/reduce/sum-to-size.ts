// sumToSize: sums a broadcast tensor back down to a shape it was broadcast from. The autograd
// engine applies it to every input gradient, so VJPs never handle broadcasting themselves.

import { ShapeError, formatShape } from '../../errors.js';
import { shapesEqual, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { sum } from './sum.js';

/**
 * Sums `x` over the dims where `shape` is 1 (or absent) so the result has `shape`
 * (torch's sum_to_size). Gradient: broadcast back. Autograd uses it to undo broadcasting.
 * @param x - The tensor.
 * @param shape - A shape x's shape broadcasts from.
 * @returns A tensor of `shape`.
 * @example sumToSize(ones([2, 3]), [1, 3]).tolist(); // [[2, 2, 2]]
 */
export function sumToSize(x: Tensor, shape: Shape): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = x.ndim - shape.length;
  if (lead < 0 || shape.some((s, i) => s !== 1 && s !== x.shape[i + lead])) {
    throw new ShapeError('sumToSize', `shape ${formatShape(shape)} is not expandable to ${formatShape(x.shape)}`, { x: x.shape });
  }
  const dims: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) dims.push(i);
  return (dims.length > 0 ? sum(x, dims, true) : x).reshape(shape);
}
