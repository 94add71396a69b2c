// add: elementwise sum with broadcasting: a + alpha * b.

import type { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { broadcastRule, applyBinary, promoteRule, type TensorLike } from '../helpers.js';
import { mulOp } from './mul.js';

/** @internal The primitive behind {@link add}: shape and dtype rules, kernel key and VJP. */
export const addOp = definePrimitive({
  name: 'add',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('add', ['a', 'b']),
  dtype: promoteRule('add'),
  scalar: (a, b) => a + b,
  save: {},
  // d(a + b) = da + db; broadcasting is undone by the engine
  vjp: (g) => [g, g],
  testDomain: { min: -3, max: 3 },
});

/**
 * Elementwise sum with broadcasting: a + alpha * b. JS numbers are weak scalars: they take the tensor's dtype.
 * Gradient: g for a, alpha * g for b (each summed back to its input's shape).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @param opts - `alpha`: the multiplier of `b` (default 1).
 * @returns A tensor of the broadcast shape and the promoted dtype.
 * @example
 * add(tensor([1, 2]), 10).tolist(); // [11, 12]
 * add(zeros([2, 1]), tensor([1, 2, 3])).shape; // [2, 3]
 * add(tensor([1]), tensor([2]), { alpha: 3 }).tolist(); // [7]
 */
export function add(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (opts.alpha !== undefined && opts.alpha !== 1) {
    // a JS scalar b stays a weak scalar (int32 tensor + 2 * 3 is int32); a tensor b is scaled weakly
    const scaled = typeof b === 'number' ? b * opts.alpha : typeof b === 'boolean' ? Number(b) * opts.alpha : applyBinary(mulOp, b, opts.alpha);
    return applyBinary(addOp, a, scaled);
  }
  return applyBinary(addOp, a, b);
}
