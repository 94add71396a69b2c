// sigmoid: logistic sigmoid, elementwise: 1 / (1 + e^-x), computed without overflow for large |x|.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link sigmoid}: shape and dtype rules, kernel key and VJP. */
export const sigmoidOp = definePrimitive({
  name: 'sigmoid',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('sigmoid'),
  scalar: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  save: { output: true },
  // d/dx s(x) = s(x) (1 - s(x))
  vjp: (g, { output }) => [g.mul(output!.mul(output!.neg().add(1)))],
  testDomain: { min: -6, max: 6 },
});

/**
 * Logistic sigmoid, elementwise: 1 / (1 + e^-x), computed without overflow for large |x|.
 * Gradient: y (1 - y) g with y the output.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example sigmoid(tensor([0])).tolist(); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  return apply(sigmoidOp, [x], {});
}
