// maximum and minimum: elementwise max/min with broadcasting; ties split the gradient in half.

import type { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { applyBinary, broadcastRule, promoteRule, type TensorLike } from '../helpers.js';

// d max(a, b)/da = 1 where a > b, 1/2 where a = b, else 0 (PyTorch splits ties evenly)
function share(g: Tensor, win: Tensor, tie: Tensor): Tensor {
  return g.mul(win.to(g.dtype).add(tie.to(g.dtype).mul(0.5)));
}

/** @internal The primitive behind {@link maximum}: shape and dtype rules, kernel key and VJP. */
export const maximumOp = definePrimitive({
  name: 'maximum',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('maximum', ['a', 'b']),
  dtype: promoteRule('maximum'),
  scalar: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  save: { inputs: true },
  vjp: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => {
    const tie = a!.eq(b!);
    return [na ? share(g, a!.gt(b!), tie) : null, nb ? share(g, a!.lt(b!), tie) : null];
  },
  testDomain: { min: -3, max: 3 },
});

/** @internal The primitive behind {@link minimum}: shape and dtype rules, kernel key and VJP. */
export const minimumOp = definePrimitive({
  name: 'minimum',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('minimum', ['a', 'b']),
  dtype: promoteRule('minimum'),
  scalar: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  save: { inputs: true },
  vjp: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => {
    const tie = a!.eq(b!);
    return [na ? share(g, a!.lt(b!), tie) : null, nb ? share(g, a!.gt(b!), tie) : null];
  },
  testDomain: { min: -3, max: 3 },
});

/**
 * Elementwise maximum with broadcasting; NaN propagates. Gradient: g goes to the larger input,
 * split evenly on ties.
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A tensor of the broadcast shape.
 * @example maximum(tensor([1, 5]), tensor([3, 2])).tolist(); // [3, 5]
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(maximumOp, a, b);
}

/**
 * Elementwise minimum with broadcasting; NaN propagates. Gradient: g goes to the smaller input,
 * split evenly on ties.
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A tensor of the broadcast shape.
 * @example minimum(tensor([1, 5]), tensor([3, 2])).tolist(); // [1, 2]
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(minimumOp, a, b);
}
