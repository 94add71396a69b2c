// sqrt: square root, elementwise (NaN below 0).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

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
 * Square root, elementwise (NaN below 0).
 * @example sqrt(tensor([4, 9])).tolist(); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  return apply(sqrtOp, [x], {});
}
