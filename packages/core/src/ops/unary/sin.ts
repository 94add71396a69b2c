// sin: sine, elementwise (radians).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link sin}: shape and dtype rules, kernel key and VJP. */
export const sinOp = definePrimitive({
  name: 'sin',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('sin'),
  scalar: (x) => Math.sin(x),
  save: { inputs: true },
  // d/dx sin x = cos x
  vjp: (g, { inputs: [x] }) => [g.mul(x!.cos())],
  testDomain: { min: -4, max: 4 },
});

/**
 * Sine, elementwise (radians). Gradient: cos(x) g.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example sin(tensor([0])).tolist(); // [0]
 */
export function sin(x: Tensor): Tensor {
  return apply(sinOp, [x], {});
}
