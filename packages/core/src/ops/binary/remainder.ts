// remainder and fmod: the two remainders of a division, with broadcasting. remainder takes the
// divisor's sign (Python's %, torch.remainder), fmod the dividend's (C's fmod, torch.fmod).

import type { Tensor } from '../../tensor.js';
import { definePrimitive } from '../define.js';
import { applyBinary, broadcastRule, promoteRule, type TensorLike } from '../helpers.js';

// NOTE: written with floor and a sign test rather than JS's %, so that the generated GPU kernels
// (gpu.js maps % to GLSL's mod, which floors) compute the same function as the CPU loops
/** @internal The primitive behind {@link remainder}: shape and dtype rules, kernel key and VJP. */
export const remainderOp = definePrimitive({
  name: 'remainder',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('remainder', ['a', 'b']),
  dtype: promoteRule('remainder'),
  scalar: (a, b) => a - b * Math.floor(a / b),
  save: { inputs: true },
  // d/da = 1; d/db = -floor(a / b) (away from the jumps, where it is piecewise linear)
  vjp: (g, { inputs: [a, b], needsInputGrad: [, nb] }) => [g, nb ? g.mul(a!.div(b!).floor()).neg() : null],
  testDomain: { min: 0.5, max: 3 },
});

/** @internal The primitive behind {@link fmod}: shape and dtype rules, kernel key and VJP. */
export const fmodOp = definePrimitive({
  name: 'fmod',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('fmod', ['a', 'b']),
  dtype: promoteRule('fmod'),
  scalar: (a, b) => {
    const q = a / b;
    const r = a - b * (q < 0 ? Math.ceil(q) : Math.floor(q));
    return r === 0 ? a * 0 : r; // a zero remainder keeps the dividend's sign (-0 for -2 fmod 2), as C's fmod
  },
  save: { inputs: true },
  // d/da = 1; d/db = -trunc(a / b)
  vjp: (g, { inputs: [a, b], needsInputGrad: [, nb] }) => [g, nb ? g.mul(a!.div(b!).trunc()).neg() : null],
  testDomain: { min: 0.5, max: 3 },
});

/**
 * a - b floor(a / b): the remainder with the divisor's sign (Python's %, torch.remainder), with
 * broadcasting; integer inputs stay integer. Gradient: g for a, -g floor(a / b) for b.
 * @param a - Dividend: tensor or JS number.
 * @param b - Divisor: tensor or JS number, broadcast against `a`.
 * @returns A tensor of the broadcast shape.
 * @example remainder(tensor([-3, 3]), 2).tolist(); // [1, 1]
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(remainderOp, a, b);
}

/**
 * a - b trunc(a / b): the remainder with the dividend's sign (C's fmod, torch.fmod), with
 * broadcasting; integer inputs stay integer. Gradient: g for a, -g trunc(a / b) for b.
 * @param a - Dividend: tensor or JS number.
 * @param b - Divisor: tensor or JS number, broadcast against `a`.
 * @returns A tensor of the broadcast shape.
 * @example fmod(tensor([-3, 3]), 2).tolist(); // [-1, 1]
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(fmodOp, a, b);
}
