// mul: elementwise product with broadcasting.

import type { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { broadcastRule, applyBinary, promoteRule, type TensorLike } from '../helpers.js';

/** @internal The primitive behind {@link mul}: shape and dtype rules, kernel key and VJP. */
export const mulOp = definePrimitive({
  name: 'mul',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('mul', ['a', 'b']),
  dtype: promoteRule('mul'),
  scalar: (a, b) => a * b,
  intScalar: (a, b) => Math.imul(a, b),
  save: { inputs: true },
  // d(ab) = b da + a db
  vjp: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [na ? g.mul(b!) : null, nb ? g.mul(a!) : null],
  testDomain: { min: -3, max: 3 },
});

/**
 * Elementwise product with broadcasting. JS numbers are weak scalars: they take the tensor's dtype.
 * Gradient: g * b for a, g * a for b.
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A tensor of the broadcast shape and the promoted dtype.
 * @example mul(tensor([1, 2]), tensor([[3], [4]])).tolist(); // [[3, 6], [4, 8]]
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(mulOp, a, b);
}
