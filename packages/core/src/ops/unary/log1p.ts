// log1p: ln(1 + x), elementwise, accurate for small x.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link log1p}: shape and dtype rules, kernel key and VJP. */
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
 * ln(1 + x), elementwise, accurate for small x. Gradient: g / (1 + x).
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example log1p(tensor([0])).tolist(); // [0]
 */
export function log1p(x: Tensor): Tensor {
  return apply(log1pOp, [x], {});
}
