// argmax and argmin: the index of the first largest/smallest value over one dim (or flattened).

import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { numericRule } from '../helpers.js';
import { checkNonEmpty, reducedShape, type ReduceAttrs } from './reduce-rule.js';

function argExtremum(name: 'argmax' | 'argmin'): PrimitiveDef<ReduceAttrs> {
  return definePrimitive<ReduceAttrs>({
    name,
    kind: 'reduce',
    args: ['x'],
    shape: ([x], { dims, keepdim }) => {
      checkNonEmpty(name, x!, dims);
      return reducedShape(x!.shape, dims, keepdim);
    },
    dtype: (inputs) => {
      numericRule(name)(inputs);
      return 'int32';
    },
  });
}

/** @internal The primitive behind {@link argmax}: shape and dtype rules, kernel key and VJP. */
export const argmaxOp = argExtremum('argmax');
/** @internal The primitive behind {@link argmin}: shape and dtype rules, kernel key and VJP. */
export const argminOp = argExtremum('argmin');

function run(op: PrimitiveDef<ReduceAttrs>, x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (dim === undefined) return apply(op, [x.reshape([-1])], { dims: [0], keepdim: false });
  return apply(op, [x], { dims: [normalizeDim(op.name, dim, x.shape)], keepdim });
}

/**
 * Index (int32) of the largest value along `dim`, or in the flattened tensor when `dim` is
 * omitted; the first on ties, NaN counts as largest. Not differentiable.
 * @param x - The tensor.
 * @param dim - The dim to reduce; the flattened tensor when omitted.
 * @param keepdim - Keep it as size 1.
 * @returns int32 indices (0-d without `dim`).
 * @example argmax(tensor([[1, 5], [7, 2]]), 1).tolist(); // [1, 0]
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return run(argmaxOp, x, dim, keepdim);
}

/**
 * Index (int32) of the smallest value along `dim`, or in the flattened tensor; the first on ties.
 * Not differentiable.
 * @param x - The tensor.
 * @param dim - The dim to reduce; the flattened tensor when omitted.
 * @param keepdim - Keep it as size 1.
 * @returns int32 indices.
 * @example argmin(tensor([[1, 5], [7, 2]]), 1).tolist(); // [0, 1]
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return run(argminOp, x, dim, keepdim);
}
