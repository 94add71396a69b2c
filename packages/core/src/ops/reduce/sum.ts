// sum: adds over dims (all by default); ints and bools sum to int32.

import { isFloat } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { expandReduced, reduceAttrs, reducedShape, type ReduceAttrs } from './reduce-rule.js';

/** @internal The primitive behind {@link sum}: shape and dtype rules, kernel key and VJP. */
export const sumOp = definePrimitive<ReduceAttrs>({
  name: 'sum',
  kind: 'reduce',
  args: ['x'],
  shape: ([x], { dims, keepdim }) => reducedShape(x!.shape, dims, keepdim),
  dtype: ([x]) => (isFloat(x!.dtype) ? x!.dtype : 'int32'),
  // d/dx_i sum(x) = 1: the gradient is broadcast back over the reduced dims
  vjp: (g, { shapes: [shape], attrs }) => [expandReduced(g, shape!, attrs)],
  testDomain: { min: -3, max: 3 },
});

/**
 * Sum over `dim` (a dim, a list of dims, or all dims when omitted), keeping reduced dims as size
 * 1 with `keepdim`. Shapes: [..., N, ...] -> [..., ...]. Gradient: g broadcast back over `dim`.
 *
 * @param x - The tensor (bool and int32 sum to int32).
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The sums (0-d when all dims are reduced).
 * @example sum(tensor([[1, 2], [3, 4]]), 1).tolist(); // [3, 7]
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return apply(sumOp, [x], reduceAttrs('sum', x, dim, keepdim));
}
