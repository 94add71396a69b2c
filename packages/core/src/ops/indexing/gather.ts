// gather and scatterAdd: index along one dim with an index tensor of the same rank (adjoint pair).

import { ShapeError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../creation.js';
import { apply, argInfo, definePrimitive } from '../define.js';
import { promoteDtypes, requireIndex } from '../helpers.js';

type DimAttrs = { readonly dim: number };

function checkIndexShape(op: string, args: readonly string[], inputs: readonly Tensor[], x: Tensor, index: Tensor, dim: number): void {
  const ok = index.ndim === x.ndim && index.shape.every((s, d) => d === dim || s <= x.shape[d]!);
  if (!ok) {
    throw new ShapeError(op, `index must have the input's rank and no larger size outside dim ${dim}`, argInfo({ args }, inputs),
      'index.shape[d] <= input.shape[d] for every d != dim');
  }
}

/** @internal The primitive behind {@link gather}: shape and dtype rules, kernel key and VJP. */
export const gatherOp = definePrimitive<DimAttrs>({
  name: 'gather',
  kind: 'other',
  args: ['x', 'index'],
  shape: (inputs, { dim }) => {
    const [x, index] = inputs as [Tensor, Tensor];
    requireIndex('gather', 'index', index, argInfo(gatherOp, inputs));
    checkIndexShape('gather', ['x', 'index'], inputs, x, index, dim);
    return index.shape;
  },
  dtype: ([x]) => x!.dtype,
  save: { inputs: true },
  // out[i][j] = x[index[i][j]][j] (dim 0): each read element receives its output's gradient, summed
  vjp: (g, { inputs: [, index], shapes: [shape], attrs: { dim } }) => [
    zeros(shape!, { dtype: g.dtype, device: g.device }).scatterAdd(dim, index!, g),
    null,
  ],
  testDomain: { min: -3, max: 3 },
});

/** @internal The primitive behind {@link scatterAdd}: shape and dtype rules, kernel key and VJP. */
export const scatterAddOp = definePrimitive<DimAttrs>({
  name: 'scatterAdd',
  kind: 'other',
  args: ['x', 'index', 'src'],
  shape: (inputs, { dim }) => {
    const [x, index, src] = inputs as [Tensor, Tensor, Tensor];
    requireIndex('scatterAdd', 'index', index, argInfo(scatterAddOp, inputs));
    checkIndexShape('scatterAdd', ['x', 'index', 'src'], inputs, x, index, dim);
    if (src.ndim !== index.ndim || src.shape.some((s, d) => s !== index.shape[d])) {
      throw new ShapeError('scatterAdd', 'src must have the index\'s shape', argInfo({ args: ['x', 'index', 'src'] }, inputs));
    }
    return x.shape;
  },
  dtype: ([x, , src]) => promoteDtypes([x!, src!]),
  save: { inputs: true },
  // out = x + scatter(src): x's gradient passes through; src's is g read back at the same indices
  vjp: (g, { inputs: [, index], attrs: { dim }, needsInputGrad: [nx, , ns] }) => [nx ? g : null, null, ns ? g.gather(dim, index!) : null],
  testDomain: { min: -3, max: 3 },
});

/**
 * Picks values along `dim` at `index` (int32, same rank as x): for dim 0,
 * out[i][j] = x[index[i][j]][j]. Shapes: index's. Gradient: scatter-added back into x's shape.
 * @param x - The source tensor.
 * @param dim - The dim to pick along.
 * @param index - int32 positions, same rank as x (other dims no larger than x's).
 * @returns A tensor of index's shape.
 * @example gather(tensor([[1, 2], [3, 4]]), 1, tensor([[1], [0]], { dtype: 'int32' })).tolist(); // [[2], [3]]
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return apply(gatherOp, [x, index], { dim: normalizeDim('gather', dim, x.shape) });
}

/**
 * A copy of x with src added at `index` along `dim`: for dim 0, out[index[i][j]][j] += src[i][j]
 * (repeated indices accumulate). Gradient: g for x, g gathered at index for src.
 * @param x - The tensor added into (not modified).
 * @param dim - The dim to scatter along.
 * @param index - int32 positions, src's shape.
 * @param src - The values added.
 * @returns A tensor of x's shape.
 * @example scatterAdd(zeros(3), 0, tensor([0, 0, 2], { dtype: 'int32' }), ones(3)).tolist(); // [2, 0, 1]
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  return apply(scatterAddOp, [x, index, src], { dim: normalizeDim('scatterAdd', dim, x.shape) });
}
