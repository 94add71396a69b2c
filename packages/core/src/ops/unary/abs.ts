// abs: absolute value, elementwise.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { numericRule } from '../helpers.js';

/** @internal The primitive behind {@link abs}: shape and dtype rules, kernel key and VJP. */
export const absOp = definePrimitive({
  name: 'abs',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: numericRule('abs'),
  scalar: (x) => Math.abs(x),
  save: { inputs: true },
  // d/dx |x| = sign(x), 0 at 0 as in PyTorch
  vjp: (g, { inputs: [x] }) => [g.mul(x!.sign())],
  testDomain: { min: -3, max: 3, avoid: [0] },
});

/**
 * Absolute value, elementwise. Gradient: sign(x) g (0 at 0).
 * @param x - Any tensor.
 * @returns A tensor of x's shape and dtype.
 * @example abs(tensor([-1, 2])).tolist(); // [1, 2]
 */
export function abs(x: Tensor): Tensor {
  return apply(absOp, [x], {});
}
