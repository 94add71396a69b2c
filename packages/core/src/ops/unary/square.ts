// square: x * x, elementwise.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { numericRule } from '../helpers.js';

/** @internal The primitive behind {@link square}: shape and dtype rules, kernel key and VJP. */
export const squareOp = definePrimitive({
  name: 'square',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: numericRule('square'),
  scalar: (x) => x * x,
  intScalar: (x) => Math.imul(x, x),
  save: { inputs: true },
  // d/dx x^2 = 2x
  vjp: (g, { inputs: [x] }) => [g.mul(x!).mul(2)],
  testDomain: { min: -3, max: 3 },
});

/**
 * x * x, elementwise. Gradient: 2 x g.
 * @param x - Any tensor.
 * @returns A tensor of x's shape and dtype.
 * @example square(tensor([-2, 3])).tolist(); // [4, 9]
 */
export function square(x: Tensor): Tensor {
  return apply(squareOp, [x], {});
}
