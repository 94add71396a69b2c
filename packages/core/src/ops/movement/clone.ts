// clone: a contiguous copy with its own storage (also what `contiguous()` runs when it must copy).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';

/** @internal The primitive behind {@link clone}: shape and dtype rules, kernel key and VJP. */
export const cloneOp = definePrimitive({
  name: 'clone',
  kind: 'other',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: ([x]) => x!.dtype,
  // d/dx x = 1
  vjp: (g) => [g],
  testDomain: { min: -3, max: 3 },
});

/**
 * A copy of `x` in new contiguous storage. Gradient: g, unchanged.
 * @param x - The tensor.
 * @returns A contiguous copy, x's shape and dtype.
 * @example clone(tensor([1, 2])).tolist(); // [1, 2]
 */
export function clone(x: Tensor): Tensor {
  return apply(cloneOp, [x], {});
}

/**
 * `x` itself when already contiguous, else a contiguous copy. Gradient: g, unchanged.
 * @param x - The tensor.
 * @returns A contiguous tensor with x's values.
 * @example
 * const xt = zeros([2, 3]).t();
 * xt.isContiguous(); // false
 * contiguous(xt).isContiguous(); // true
 */
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : clone(x);
}
