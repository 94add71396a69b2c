// reciprocal: 1 / x, elementwise (Infinity at 0).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link reciprocal}: shape and dtype rules, kernel key and VJP. */
export const reciprocalOp = definePrimitive({
  name: 'reciprocal',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('reciprocal'),
  scalar: (x) => 1 / x,
  save: { output: true },
  // d/dx 1/x = -1/x^2 = -out^2
  vjp: (g, { output }) => [g.mul(output!.square()).neg()],
  testDomain: { min: -3, max: 3, avoid: [0] },
});

/**
 * 1 / x, elementwise (Infinity at 0). Gradient: -g / x^2.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example reciprocal(tensor([2, 4])).tolist(); // [0.5, 0.25]
 */
export function reciprocal(x: Tensor): Tensor {
  return apply(reciprocalOp, [x], {});
}
