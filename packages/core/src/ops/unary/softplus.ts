// softplus: ln(1 + e^x), the smooth relu; its primitive has no threshold switch, the public
// function adds PyTorch's beta and threshold.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';
import { where } from '../binary/where.js';

/** @internal The primitive behind {@link softplus}: shape and dtype rules, kernel key and VJP. */
export const softplusOp = definePrimitive({
  name: 'softplus',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('softplus'),
  // NOTE: past 36, ln(1 + e^x) equals x in float64, and e^x would overflow far later; no NaN either way
  scalar: (x) => (x > 36 ? x : Math.log1p(Math.exp(x))),
  save: { inputs: true },
  // d/dx ln(1 + e^x) = sigmoid(x)
  vjp: (g, { inputs: [x] }) => [g.mul(x!.sigmoid())],
  testDomain: { min: -6, max: 6 },
});

/**
 * Softplus, elementwise: (1/beta) ln(1 + e^(beta x)), and x itself where beta x > threshold
 * (torch.nn.functional.softplus). Gradient: sigmoid(beta x) g (g past the threshold).
 * @param x - Any float tensor.
 * @param opts - `beta` (default 1) and `threshold` (default 20).
 * @returns A tensor of x's shape.
 * @example softplus(tensor([0])).tolist(); // [0.6931...]
 */
export function softplus(x: Tensor, opts: { beta?: number; threshold?: number } = {}): Tensor {
  const { beta = 1, threshold = 20 } = opts;
  const z = beta === 1 ? x : x.mul(beta);
  const soft = apply(softplusOp, [z], {});
  return where(z.gt(threshold), x, beta === 1 ? soft : soft.div(beta));
}
