// relu: rectified linear unit, elementwise: max(x, 0).

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { numericRule } from '../helpers.js';

/** @internal The primitive behind {@link relu}: shape and dtype rules, kernel key and VJP. */
export const reluOp = definePrimitive({
  name: 'relu',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: numericRule('relu'),
  scalar: (x) => (x > 0 ? x : 0),
  save: { output: true },
  // d/dx max(x, 0) = 1 where x > 0, else 0
  // NOTE: the subgradient at 0 is 0, as in PyTorch (threshold_backward on the output).
  vjp: (g, { output }) => [g.mul(output!.gt(0))],
  testDomain: { min: -3, max: 3, avoid: [0] },
});

/**
 * Rectified linear unit, elementwise: max(x, 0). Gradient: g where x > 0, else 0 (0 at x = 0).
 * @param x - Any tensor.
 * @returns A tensor of x's shape and dtype.
 * @example relu(tensor([-1, 2])).tolist(); // [0, 2]
 */
export function relu(x: Tensor): Tensor {
  return apply(reluOp, [x], {});
}
