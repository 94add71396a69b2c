// expm1: e^x - 1, elementwise, accurate for small x.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link expm1}: shape and dtype rules, kernel key and VJP. */
export const expm1Op = definePrimitive({
  name: 'expm1',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('expm1'),
  scalar: (x) => Math.expm1(x),
  save: { inputs: true },
  // d/dx (e^x - 1) = e^x
  vjp: (g, { inputs: [x] }) => [g.mul(x!.exp())],
  testDomain: { min: -3, max: 3 },
});

/**
 * e^x - 1, elementwise, accurate for small x (where exp(x) - 1 loses digits). Gradient: g e^x.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example expm1(tensor([0, 1e-10], { dtype: 'float64' })).tolist(); // [0, 1.00000000005e-10]
 */
export function expm1(x: Tensor): Tensor {
  return apply(expm1Op, [x], {});
}
