// mul: elementwise product with broadcasting.

import type { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { broadcastRule, applyBinary, promoteRule, type TensorLike } from '../helpers.js';

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
 * @example mul(tensor([1, 2]), tensor([[3], [4]])).tolist(); // [[3, 6], [4, 8]]
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(mulOp, a, b);
}
