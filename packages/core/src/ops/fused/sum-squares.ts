// sumSquares: the sum of x^2 over every element as one primitive, so a global gradient norm
// (clipGradNorm_) reads each gradient once instead of writing a squared copy and summing it.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { floatRule } from '../helpers.js';

/** @internal The primitive behind {@link sumSquares}: shape and dtype rules, kernel key and VJP. */
export const sumSquaresOp: PrimitiveDef<Record<string, never>> = definePrimitive<Record<string, never>>({
  name: 'sumSquares',
  kind: 'other',
  args: ['x'],
  shape: () => [],
  dtype: floatRule('sumSquares'),
  save: { inputs: true },
  vjp: (g, { inputs: [x] }) => [x!.mul(g.mul(2))], // d/dx sum(x^2) = 2x
  decompose: ([x]) => x!.square().sum(),
});

/**
 * The sum of the squares of all elements, `x.square().sum()` in one pass: the CPU kernel adds
 * the rounded squares in the same order, so the result is the composite's bit for bit, without
 * the squared copy. The squared 2-norm that gradient clipping adds up per parameter.
 * Gradient: 2x times the output's gradient.
 * @param x - A float tensor of any shape.
 * @returns A 0-d tensor of x's dtype.
 * @example sumSquares(tensor([[3, 4], [1, 0]])).item(); // 26
 */
export function sumSquares(x: Tensor): Tensor {
  return apply(sumSquaresOp, [x], {});
}
