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

export const eqOp = predicate('eq', (a, b) => (a === b ? 1 : 0));
export const neOp = predicate('ne', (a, b) => (a !== b ? 1 : 0));
export const ltOp = predicate('lt', (a, b) => (a < b ? 1 : 0));
export const leOp = predicate('le', (a, b) => (a <= b ? 1 : 0));
export const gtOp = predicate('gt', (a, b) => (a > b ? 1 : 0));
export const geOp = predicate('ge', (a, b) => (a >= b ? 1 : 0));
export const logicalAndOp = predicate('logicalAnd', (a, b) => (a !== 0 && b !== 0 ? 1 : 0));
export const logicalOrOp = predicate('logicalOr', (a, b) => (a !== 0 || b !== 0 ? 1 : 0));
export const logicalXorOp = predicate('logicalXor', (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0));
export const logicalNotOp = definePrimitive({
  name: 'logicalNot',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'bool',
  scalar: (x) => (x === 0 ? 1 : 0),
});
export const isnanOp = definePrimitive({
  name: 'isnan',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'bool',
  scalar: (x) => (x !== x ? 1 : 0),
});

/** a == b, elementwise, as a bool tensor. @example eq(tensor([1, 2]), 2).tolist(); // [false, true] */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(eqOp, a, b);
}
/** a != b, elementwise. @example ne(tensor([1, 2]), 2).tolist(); // [true, false] */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(neOp, a, b);
}
/** a < b, elementwise. @example lt(tensor([1, 2]), 2).tolist(); // [true, false] */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(ltOp, a, b);
}
/** a <= b, elementwise. @example le(tensor([1, 3]), 2).tolist(); // [true, false] */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(leOp, a, b);
}
/** a > b, elementwise. @example gt(tensor([1, 3]), 2).tolist(); // [false, true] */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(gtOp, a, b);
}
/** a >= b, elementwise. @example ge(tensor([1, 2]), 2).tolist(); // [false, true] */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(geOp, a, b);
}
/** Logical and of the truth values (non-zero is true). @example logicalAnd(tensor([true, true]), tensor([true, false])).tolist(); // [true, false] */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(logicalAndOp, a, b);
}
/** Logical or of the truth values. @example logicalOr(tensor([false, false]), tensor([true, false])).tolist(); // [true, false] */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(logicalOrOp, a, b);
}
/** Logical xor of the truth values. @example logicalXor(tensor([true, true]), tensor([true, false])).tolist(); // [false, true] */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(logicalXorOp, a, b);
}
/** Logical not (zero becomes true). @example logicalNot(tensor([true, false])).tolist(); // [false, true] */
export function logicalNot(x: Tensor): Tensor {
  return apply(logicalNotOp, [x], {});
}
/** Whether each element is NaN. @example isnan(tensor([NaN, 1])).tolist(); // [true, false] */
export function isnan(x: Tensor): Tensor {
  return apply(isnanOp, [x], {});
}
