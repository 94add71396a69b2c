// amax and amin: the largest/smallest value over dims; ties share the gradient evenly.

import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef, type VjpContext } from '../define.js';
import { numericRule } from '../helpers.js';
import { checkNonEmpty, keepdimView, reduceAttrs, reducedShape, type ReduceAttrs } from './reduce-rule.js';

// d amax(x)/dx_i = 1/k for each of the k elements equal to the max, else 0 (PyTorch's amax rule)
function evenlyDistribute(g: Tensor, { inputs: [x], output, attrs }: VjpContext<ReduceAttrs>): Tensor[] {
  const mask = x!.eq(keepdimView(output!, x!.shape, attrs)).to(g.dtype);
  const count = mask.sum(attrs.dims as number[], true);
  return [keepdimView(g, x!.shape, attrs).mul(mask).div(count)];
}

function extremum(name: 'amax' | 'amin'): PrimitiveDef<ReduceAttrs> {
  return definePrimitive<ReduceAttrs>({
    name,
    kind: 'reduce',
    args: ['x'],
    shape: ([x], { dims, keepdim }) => {
      checkNonEmpty(name, x!, dims);
      return reducedShape(x!.shape, dims, keepdim);
    },
    dtype: (inputs) => numericRule(name)(inputs),
    save: { inputs: true, output: true },
    vjp: evenlyDistribute,
    testDomain: { min: -3, max: 3 },
  });
}

/** @internal The primitive behind {@link amax}: shape and dtype rules, kernel key and VJP. */
export const amaxOp = extremum('amax');
/** @internal The primitive behind {@link amin}: shape and dtype rules, kernel key and VJP. */
export const aminOp = extremum('amin');

/**
 * Largest value over `dim` (all dims when omitted); NaN propagates. Gradient: split evenly
 * between equal maxima.
 * @param x - The tensor.
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The maxima.
 * @example amax(tensor([[1, 5], [7, 2]]), 1).tolist(); // [5, 7]
 */
export function amax(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return apply(amaxOp, [x], reduceAttrs('amax', x, dim, keepdim));
}

/**
 * Smallest value over `dim` (all dims when omitted); NaN propagates. Gradient: split evenly
 * between equal minima.
 * @param x - The tensor.
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The minima.
 * @example amin(tensor([[1, 5], [7, 2]]), 1).tolist(); // [1, 2]
 */
export function amin(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return apply(aminOp, [x], reduceAttrs('amin', x, dim, keepdim));
}
