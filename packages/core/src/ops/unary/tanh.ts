// tanh: hyperbolic tangent, elementwise.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link tanh}: shape and dtype rules, kernel key and VJP. */
export const tanhOp = definePrimitive({
  name: 'tanh',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('tanh'),
  scalar: (x) => Math.tanh(x),
  save: { output: true },
  // d/dx tanh x = 1 - tanh^2 x
  vjp: (g, { output }) => [g.mul(output!.square().neg().add(1))],
  testDomain: { min: -4, max: 4 },
});

/**
 * Hyperbolic tangent, elementwise. Gradient: (1 - y^2) g with y the output.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example tanh(tensor([0])).tolist(); // [0]
 */
export function tanh(x: Tensor): Tensor {
  return apply(tanhOp, [x], {});
}
