// rsqrt: reciprocal square root, elementwise: 1/sqrt(x).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link rsqrt}: shape and dtype rules, kernel key and VJP. */
export const rsqrtOp = definePrimitive({
  name: 'rsqrt',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('rsqrt'),
  scalar: (x) => 1 / Math.sqrt(x),
  save: { output: true },
  // d/dx x^(-1/2) = -1/2 x^(-3/2) = -1/2 out^3
  vjp: (g, { output }) => [g.mul(output!.pow(3)).mul(-0.5)],
  testDomain: { min: 0.1, max: 5 },
});

/**
 * Reciprocal square root, elementwise: 1/sqrt(x). Gradient: -g / (2 x^(3/2)).
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example rsqrt(tensor([4])).tolist(); // [0.5]
 */
export function rsqrt(x: Tensor): Tensor {
  return apply(rsqrtOp, [x], {});
}
