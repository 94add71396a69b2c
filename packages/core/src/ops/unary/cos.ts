// cos: cosine, elementwise (radians).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link cos}: shape and dtype rules, kernel key and VJP. */
export const cosOp = definePrimitive({
  name: 'cos',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('cos'),
  scalar: (x) => Math.cos(x),
  save: { inputs: true },
  // d/dx cos x = -sin x
  vjp: (g, { inputs: [x] }) => [g.mul(x!.sin()).neg()],
  testDomain: { min: -4, max: 4 },
});

/**
 * Cosine, elementwise (radians). Gradient: -sin(x) g.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example cos(tensor([0])).tolist(); // [1]
 */
export function cos(x: Tensor): Tensor {
  return apply(cosOp, [x], {});
}
