// log: natural logarithm, elementwise (NaN below 0 and -Infinity at 0, as in PyTorch).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link log}: shape and dtype rules, kernel key and VJP. */
export const logOp = definePrimitive({
  name: 'log',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('log'),
  scalar: (x) => Math.log(x),
  save: { inputs: true },
  // d/dx ln x = 1/x
  vjp: (g, { inputs: [x] }) => [g.div(x!)],
  testDomain: { min: 0.1, max: 5 },
});

/**
 * Natural logarithm, elementwise (NaN below 0 and -Infinity at 0, as in PyTorch). Gradient: g / x.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example log(tensor([1, Math.E])).tolist(); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  return apply(logOp, [x], {});
}
