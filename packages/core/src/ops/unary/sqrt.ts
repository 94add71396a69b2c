// sqrt: square root, elementwise (NaN below 0).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link sqrt}: shape and dtype rules, kernel key and VJP. */
export const sqrtOp = definePrimitive({
  name: 'sqrt',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('sqrt'),
  scalar: (x) => Math.sqrt(x),
  save: { output: true },
  // d/dx sqrt(x) = 1/(2 sqrt(x))
  vjp: (g, { output }) => [g.div(output!.mul(2))],
  testDomain: { min: 0.1, max: 5 },
});

/**
 * Square root, elementwise (NaN below 0). Gradient: g / (2 sqrt(x)).
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example sqrt(tensor([4, 9])).tolist(); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  return apply(sqrtOp, [x], {});
}
