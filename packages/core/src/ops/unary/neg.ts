// neg: negation, elementwise: -x.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { numericRule } from '../helpers.js';

/** @internal The primitive behind {@link neg}: shape and dtype rules, kernel key and VJP. */
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
 * Negation, elementwise: -x. Gradient: -g.
 * @param x - Any tensor.
 * @returns A tensor of x's shape and dtype.
 * @example neg(tensor([1, -2])).tolist(); // [-1, 2]
 */
export function neg(x: Tensor): Tensor {
  return apply(negOp, [x], {});
}
