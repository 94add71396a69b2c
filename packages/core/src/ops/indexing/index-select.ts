// indexSelect and indexAdd: pick or add whole slices along one dim with a 1-D index (adjoint pair).

import { ShapeError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../creation.js';
import { apply, argInfo, definePrimitive } from '../define.js';
import { promoteDtypes, requireIndex } from '../helpers.js';

type DimAttrs = { readonly dim: number };

/** @internal The primitive behind {@link indexSelect}: shape and dtype rules, kernel key and VJP. */
export const indexSelectOp = definePrimitive<DimAttrs>({
  name: 'indexSelect',
  kind: 'other',
  args: ['x', 'index'],
  shape: (inputs, { dim }) => {
    const [x, index] = inputs as [Tensor, Tensor];
    requireIndex('indexSelect', 'index', index, argInfo(indexSelectOp, inputs));
    if (index.ndim > 1) throw new ShapeError('indexSelect', 'index must be 0-d or 1-d', argInfo({ args: ['x', 'index'] }, inputs), 'flatten it first');
    const out = [...x.shape];
    if (x.ndim > 0) out[dim] = index.numel();
    return out;
  },
  dtype: ([x]) => x!.dtype,
  save: { inputs: true },
  // rows picked k times receive the sum of their k output gradients
  vjp: (g, { inputs: [, index], shapes: [shape], attrs: { dim } }) => [
    zeros(shape!, { dtype: g.dtype, device: g.device }).indexAdd(dim, index!, g),
    null,
  ],
  testDomain: { min: -3, max: 3 },
});

/** @internal The primitive behind {@link indexAdd}: shape and dtype rules, kernel key and VJP. */
export const indexAddOp = definePrimitive<DimAttrs>({
  name: 'indexAdd',
  kind: 'other',
  args: ['x', 'index', 'source'],
  shape: (inputs, { dim }) => {
    const [x, index, source] = inputs as [Tensor, Tensor, Tensor];
    requireIndex('indexAdd', 'index', index, argInfo(indexAddOp, inputs));
    const ok = index.ndim <= 1 && source.ndim === x.ndim && source.shape.every((s, d) => (d === dim ? s === index.numel() : s === x.shape[d]));
    if (!ok) {
      throw new ShapeError('indexAdd', `source must have x's shape with dim ${dim} of size index.numel()`, argInfo({ args: ['x', 'index', 'source'] }, inputs));
    }
    return x.shape;
  },
  dtype: ([x, , source]) => promoteDtypes([x!, source!]),
  save: { inputs: true },
  // out = x + index_add(source): x's gradient passes through; source's is g's rows at index
  vjp: (g, { inputs: [, index], attrs: { dim }, needsInputGrad: [nx, , ns] }) => [nx ? g : null, null, ns ? g.indexSelect(dim, index!) : null],
  testDomain: { min: -3, max: 3 },
});

/**
 * The slices of `x` along `dim` at the int32 positions in the 1-D `index` (repeats allowed).
 * Gradient: index-added back.
 * @param x - The source tensor.
 * @param dim - The dim to select along.
 * @param index - 1-D int32 positions.
 * @returns x's shape with dim `dim` of size index.length.
 * @example indexSelect(tensor([[1, 2], [3, 4]]), 0, tensor([1, 1], { dtype: 'int32' })).tolist(); // [[3, 4], [3, 4]]
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return apply(indexSelectOp, [x, index], { dim: normalizeDim('indexSelect', dim, x.shape) });
}

/**
 * A copy of `x` with `alpha * source`'s slices added at `index` along `dim` (repeats accumulate).
 * Gradient: g for x, alpha times the slices of g at index for source.
 * @param x - The tensor added into (not modified).
 * @param dim - The dim to add along.
 * @param index - 1-D int32 positions, one per slice of source.
 * @param source - x's shape with dim `dim` of size index.length.
 * @param opts - `alpha` (default 1).
 * @returns A tensor of x's shape.
 * @example indexAdd(zeros([3]), 0, tensor([0, 0], { dtype: 'int32' }), ones([2])).tolist(); // [2, 0, 0]
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, opts: { alpha?: number } = {}): Tensor {
  const src = opts.alpha !== undefined && opts.alpha !== 1 ? source.mul(opts.alpha) : source;
  return apply(indexAddOp, [x, index, src], { dim: normalizeDim('indexAdd', dim, x.shape) });
}
