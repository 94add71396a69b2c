// pow: a^b elementwise with broadcasting.

import { isFloat } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { applyBinary, broadcastRule, promoteRule, type TensorLike } from '../helpers.js';
import { where } from './where.js';

/** @internal The primitive behind {@link pow}: shape and dtype rules, kernel key and VJP. */
export const powOp = definePrimitive({
  name: 'pow',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('pow', ['a', 'b']),
  dtype: promoteRule('pow'),
  scalar: (a, b) => Math.pow(a, b),
  save: { inputs: true, output: true },
  // d(a^b)/da = b a^(b-1) (0 where b = 0, as in PyTorch); d(a^b)/db = a^b ln a (0 where a = 0 and b >= 0)
  vjp: (g, { inputs: [a, b], output, needsInputGrad: [na, nb] }) => [
    na ? g.mul(where(b!.eq(0), 0, b!.mul(a!.pow(b!.sub(1))))) : null,
    nb ? g.mul(where(a!.eq(0).logicalAnd(b!.ge(0)), 0, output!.mul(a!.log()))) : null,
  ],
  testDomain: { min: 0.5, max: 2 },
});

/**
 * a^b elementwise with broadcasting (`x.pow(2)`, `pow(2, x)`, `a.pow(b)`).
 * Gradient: b*a^(b-1) for a and a^b*ln(a) for b.
 *
 * @param a - Base: tensor or JS number.
 * @param b - Exponent: tensor or JS number, broadcast against `a`.
 * @returns A tensor of the broadcast shape.
 * @example pow(tensor([2, 3]), 2).tolist(); // [4, 9]
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && !isFloat(a.dtype) && typeof b === 'number' && Number.isInteger(b) && b < 0) {
    throw new ValueError('pow', `integers to negative integer powers are not allowed (exponent ${b})`, { a: { shape: a.shape, dtype: a.dtype } },
      "convert the base to float first: a.to('float32').pow(...)");
  }
  return applyBinary(powOp, a, b);
}
