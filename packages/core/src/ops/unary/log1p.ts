// log1p: ln(1 + x), elementwise, accurate for small x.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

export const log1pOp = definePrimitive({
  name: 'log1p',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('log1p'),
  scalar: (x) => Math.log1p(x),
  save: { inputs: true },
  // d/dx ln(1 + x) = 1/(1 + x)
  vjp: (g, { inputs: [x] }) => [g.div(x!.add(1))],
  testDomain: { min: -0.9, max: 5 },
});

/**
 * ln(1 + x), elementwise, accurate for small x.
 * @example log1p(tensor([0])).tolist(); // [0]
 */
export function log1p(x: Tensor): Tensor {
  return apply(log1pOp, [x], {});
}
