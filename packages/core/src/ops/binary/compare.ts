// Comparisons and logical ops: elementwise, broadcasting, bool results, not differentiable.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { applyBinary, broadcastRule, type TensorLike } from '../helpers.js';

function predicate(name: string, scalar: (a: number, b: number) => number): PrimitiveDef {
  return definePrimitive({
    name,
    kind: 'elementwise',
    args: ['a', 'b'],
    shape: broadcastRule(name, ['a', 'b']),
    dtype: () => 'bool',
    scalar,
  });
}

/** @internal The primitive behind {@link eq}: shape and dtype rules, kernel key and VJP. */
export const eqOp = predicate('eq', (a, b) => (a === b ? 1 : 0));
/** @internal The primitive behind {@link ne}: shape and dtype rules, kernel key and VJP. */
export const neOp = predicate('ne', (a, b) => (a !== b ? 1 : 0));
/** @internal The primitive behind {@link lt}: shape and dtype rules, kernel key and VJP. */
export const ltOp = predicate('lt', (a, b) => (a < b ? 1 : 0));
/** @internal The primitive behind {@link le}: shape and dtype rules, kernel key and VJP. */
export const leOp = predicate('le', (a, b) => (a <= b ? 1 : 0));
/** @internal The primitive behind {@link gt}: shape and dtype rules, kernel key and VJP. */
export const gtOp = predicate('gt', (a, b) => (a > b ? 1 : 0));
/** @internal The primitive behind {@link ge}: shape and dtype rules, kernel key and VJP. */
export const geOp = predicate('ge', (a, b) => (a >= b ? 1 : 0));
/** @internal The primitive behind {@link logicalAnd}: shape and dtype rules, kernel key and VJP. */
export const logicalAndOp = predicate('logicalAnd', (a, b) => (a !== 0 && b !== 0 ? 1 : 0));
/** @internal The primitive behind {@link logicalOr}: shape and dtype rules, kernel key and VJP. */
export const logicalOrOp = predicate('logicalOr', (a, b) => (a !== 0 || b !== 0 ? 1 : 0));
/** @internal The primitive behind {@link logicalXor}: shape and dtype rules, kernel key and VJP. */
export const logicalXorOp = predicate('logicalXor', (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0));
/** @internal The primitive behind {@link logicalNot}: shape and dtype rules, kernel key and VJP. */
export const logicalNotOp = definePrimitive({
  name: 'logicalNot',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'bool',
  scalar: (x) => (x === 0 ? 1 : 0),
});
/** @internal The primitive behind {@link isnan}: shape and dtype rules, kernel key and VJP. */
export const isnanOp = definePrimitive({
  name: 'isnan',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'bool',
  scalar: (x) => (x !== x ? 1 : 0),
});
// NOTE: x - x is 0 for a finite x and NaN for +-inf and NaN; only comparisons, so every backend's generated kernel agrees
/** @internal The primitive behind {@link isinf}: shape and dtype rules, kernel key and VJP. */
export const isinfOp = definePrimitive({
  name: 'isinf',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'bool',
  scalar: (x) => {
    const d = x - x;
    return x !== x ? 0 : d !== d ? 1 : 0;
  },
});
/** @internal The primitive behind {@link isfinite}: shape and dtype rules, kernel key and VJP. */
export const isfiniteOp = definePrimitive({
  name: 'isfinite',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'bool',
  scalar: (x) => {
    const d = x - x;
    return d !== d ? 0 : 1;
  },
});

/**
 * a == b, elementwise, as a bool tensor. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example eq(tensor([1, 2]), 2).tolist(); // [false, true]
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(eqOp, a, b);
}
/**
 * a != b, elementwise. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example ne(tensor([1, 2]), 2).tolist(); // [true, false]
 */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(neOp, a, b);
}
/**
 * a < b, elementwise. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example lt(tensor([1, 2]), 2).tolist(); // [true, false]
 */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(ltOp, a, b);
}
/**
 * a <= b, elementwise. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example le(tensor([1, 3]), 2).tolist(); // [true, false]
 */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(leOp, a, b);
}
/**
 * a > b, elementwise. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example gt(tensor([1, 3]), 2).tolist(); // [false, true]
 */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(gtOp, a, b);
}
/**
 * a >= b, elementwise. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example ge(tensor([1, 2]), 2).tolist(); // [false, true]
 */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(geOp, a, b);
}
/**
 * Logical and of the truth values (non-zero is true). Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example logicalAnd(tensor([true, true]), tensor([true, false])).tolist(); // [true, false]
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(logicalAndOp, a, b);
}
/**
 * Logical or of the truth values. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example logicalOr(tensor([false, false]), tensor([true, false])).tolist(); // [true, false]
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(logicalOrOp, a, b);
}
/**
 * Logical xor of the truth values. Not differentiable (bool result).
 * @param a - Tensor or JS number.
 * @param b - Tensor or JS number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 * @example logicalXor(tensor([true, true]), tensor([true, false])).tolist(); // [false, true]
 */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(logicalXorOp, a, b);
}
/**
 * Logical not (zero becomes true). Not differentiable (bool result).
 * @param x - Any tensor.
 * @returns A bool tensor of `x`'s shape.
 * @example logicalNot(tensor([true, false])).tolist(); // [false, true]
 */
export function logicalNot(x: Tensor): Tensor {
  return apply(logicalNotOp, [x], {});
}
/**
 * Whether each element is NaN. Not differentiable (bool result).
 * @param x - Any tensor.
 * @returns A bool tensor of `x`'s shape.
 * @example isnan(tensor([NaN, 1])).tolist(); // [true, false]
 */
export function isnan(x: Tensor): Tensor {
  return apply(isnanOp, [x], {});
}

/**
 * Whether each element is +Infinity or -Infinity. Not differentiable (bool result).
 * @param x - Any tensor.
 * @returns A bool tensor of `x`'s shape.
 * @example isinf(tensor([Infinity, -Infinity, NaN, 1])).tolist(); // [true, true, false, false]
 */
export function isinf(x: Tensor): Tensor {
  return apply(isinfOp, [x], {});
}

/**
 * Whether each element is finite (not infinite, not NaN). Not differentiable (bool result).
 * @param x - Any tensor.
 * @returns A bool tensor of `x`'s shape.
 * @example isfinite(tensor([Infinity, NaN, 1])).tolist(); // [false, false, true]
 */
export function isfinite(x: Tensor): Tensor {
  return apply(isfiniteOp, [x], {});
}
