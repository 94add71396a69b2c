// neg: negation, elementwise: -x.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { numericRule } from '../helpers.js';

export const negOp = definePrimitive({
  name: 'neg',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: numericRule('neg'),
  scalar: (x) => -x,
  save: {},
  // d/dx -x = -1
  vjp: (g) => [g.neg()],
  testDomain: { min: -3, max: 3 },
});

/**
 * Negation, elementwise: -x.
 * @example neg(tensor([1, -2])).tolist(); // [-1, 2]
 */
export function neg(x: Tensor): Tensor {
  return apply(negOp, [x], {});
}
