// sub: elementwise difference with broadcasting: a - alpha * b.

import type { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { broadcastRule, applyBinary, numericRule, promoteDtypes, type TensorLike } from '../helpers.js';
import { mulOp } from './mul.js';

/** @internal The primitive behind {@link sub}: shape and dtype rules, kernel key and VJP. */
export const subOp = definePrimitive({
  name: 'sub',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('sub', ['a', 'b']),
  dtype: (inputs) => {
    if (inputs.every((t) => t.dtype === 'bool')) numericRule('sub')(inputs);
    return promoteDtypes(inputs);
  },
  scalar: (a, b) => a - b,
  save: {},
  // d(a - b) = da - db
  vjp: (g) => [g, g.neg()],
  testDomain: { min: -3, max: 3 },
});

/**
 * Elementwise difference with broadcasting: a - alpha * b. JS numbers are weak scalars: they take the tensor's dtype.
 * Gradient: g for a, -alpha * g for b.
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @param opts - `alpha`: the multiplier of `b` (default 1).
 * @returns A tensor of the broadcast shape and the promoted dtype.
 * @example sub(tensor([5, 5]), tensor([1, 2])).tolist(); // [4, 3]
 */
export function sub(a: TensorLike, b: TensorLike, opts: { alpha?: number } = {}): Tensor {
  if (opts.alpha !== undefined && opts.alpha !== 1) {
    // a JS scalar b stays a weak scalar (int32 tensor - 2 * 3 is int32); a tensor b is scaled weakly
    const scaled = typeof b === 'number' ? b * opts.alpha : typeof b === 'boolean' ? Number(b) * opts.alpha : applyBinary(mulOp, b, opts.alpha);
    return applyBinary(subOp, a, scaled);
  }
  return applyBinary(subOp, a, b);
}
