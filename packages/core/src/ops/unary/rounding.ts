// Piecewise-constant elementwise ops: sign, floor, ceil, round, trunc. Their gradient is zero
// almost everywhere, and PyTorch returns zeros (not an error), so these VJPs do too.

import type { Tensor } from '../../tensor.js';
import { zerosLike } from '../creation.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { numericRule } from '../helpers.js';

function piecewiseConstant(name: string, scalar: (x: number) => number): PrimitiveDef {
  return definePrimitive({
    name,
    kind: 'elementwise',
    args: ['x'],
    shape: ([x]) => x!.shape,
    dtype: numericRule(name),
    scalar,
    // d/dx = 0 wherever it exists
    vjp: (g) => [zerosLike(g)],
    testDomain: { min: -3, max: 3, avoid: [-3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3] },
  });
}

/** @internal The primitive behind {@link sign}: shape and dtype rules, kernel key and VJP. */
export const signOp = piecewiseConstant('sign', (x) => (x > 0 ? 1 : x < 0 ? -1 : x));
/** @internal The primitive behind {@link floor}: shape and dtype rules, kernel key and VJP. */
export const floorOp = piecewiseConstant('floor', (x) => Math.floor(x));
/** @internal The primitive behind {@link ceil}: shape and dtype rules, kernel key and VJP. */
export const ceilOp = piecewiseConstant('ceil', (x) => Math.ceil(x));
/** @internal The primitive behind {@link trunc}: shape and dtype rules, kernel key and VJP. */
export const truncOp = piecewiseConstant('trunc', (x) => Math.trunc(x));
// NOTE: rounds half to even, as torch.round does (Math.round rounds half up).
/** @internal The primitive behind {@link round}: shape and dtype rules, kernel key and VJP. */
export const roundOp = piecewiseConstant('round', (x) => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
});

/**
 * -1, 0 or 1 by the sign of x (NaN stays NaN). Gradient: zero.
 * @param x - Any numeric tensor.
 * @returns A tensor of x's shape and dtype.
 * @example sign(tensor([-2, 0, 3])).tolist(); // [-1, 0, 1]
 */
export function sign(x: Tensor): Tensor {
  return apply(signOp, [x], {});
}

/**
 * Largest integer <= x, elementwise. Gradient: zero.
 * @param x - Any numeric tensor.
 * @returns A tensor of x's shape and dtype.
 * @example floor(tensor([1.5, -1.5])).tolist(); // [1, -2]
 */
export function floor(x: Tensor): Tensor {
  return apply(floorOp, [x], {});
}

/**
 * Smallest integer >= x, elementwise. Gradient: zero.
 * @param x - Any numeric tensor.
 * @returns A tensor of x's shape and dtype.
 * @example ceil(tensor([1.5, -1.5])).tolist(); // [2, -1]
 */
export function ceil(x: Tensor): Tensor {
  return apply(ceilOp, [x], {});
}

/**
 * x with its fractional part dropped (toward zero). Gradient: zero.
 * @param x - Any numeric tensor.
 * @returns A tensor of x's shape and dtype.
 * @example trunc(tensor([1.5, -1.5])).tolist(); // [1, -1]
 */
export function trunc(x: Tensor): Tensor {
  return apply(truncOp, [x], {});
}

/**
 * Nearest integer, halves to even (as torch.round). Gradient: zero.
 * @param x - Any numeric tensor.
 * @returns A tensor of x's shape and dtype.
 * @example round(tensor([0.5, 1.5, 2.4])).tolist(); // [0, 2, 2]
 */
export function round(x: Tensor): Tensor {
  return apply(roundOp, [x], {});
}
