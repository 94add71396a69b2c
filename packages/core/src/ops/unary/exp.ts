// exp: e^x, elementwise.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link exp}: shape and dtype rules, kernel key and VJP. */
export const expOp = definePrimitive({
  name: 'exp',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('exp'),
  scalar: (x) => Math.exp(x),
  save: { output: true },
  // d/dx e^x = e^x, so reuse the output
  vjp: (g, { output }) => [g.mul(output!)],
  testDomain: { min: -5, max: 5 },
});

/**
 * e^x, elementwise. Integer inputs compute in float32. Gradient: e^x g (the output, reused).
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example exp(tensor([0, 1])).tolist(); // [1, 2.718...]
 */
export function exp(x: Tensor): Tensor {
  return apply(expOp, [x], {});
}
