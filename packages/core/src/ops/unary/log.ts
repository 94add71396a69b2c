// log: natural logarithm, elementwise (NaN below 0 and -Infinity at 0, as in PyTorch).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';

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
 * Natural logarithm, elementwise (NaN below 0 and -Infinity at 0, as in PyTorch).
 * @example log(tensor([1, Math.E])).tolist(); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  return apply(logOp, [x], {});
}
