// scatter: write src (or a value) into a copy of x at the positions an index names along a dim.

import { AutogradError, ShapeError, ValueError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { full } from '../creation.js';
import { apply, argInfo, definePrimitive, type PrimitiveDef } from '../define.js';
import { requireIndex } from '../helpers.js';

type ScatterAttrs = { readonly dim: number; readonly reduce: 'none' | 'add' | 'multiply' };

/** @internal The primitive behind {@link scatter}: shape and dtype rules, kernel key and VJP. */
export const scatterOp: PrimitiveDef<ScatterAttrs> = definePrimitive<ScatterAttrs>({
  name: 'scatter',
  kind: 'other',
  args: ['x', 'index', 'src'],
  shape: (inputs, { dim }) => {
    const [x, index, src] = inputs as [Tensor, Tensor, Tensor];
    requireIndex('scatter', 'index', index, argInfo(scatterOp, inputs));
    const ok = index.ndim === x.ndim && index.shape.every((s, d) => (d === dim || s <= x.shape[d]!) && s === src.shape[d]);
    if (!ok) {
      throw new ShapeError('scatter', `index must have the input's rank, no larger size outside dim ${dim}, and src must be no smaller than index`,
        argInfo(scatterOp, inputs), 'index.shape[d] <= input.shape[d] for every d != dim, and index.shape[d] <= src.shape[d]');
    }
    return x.shape;
  },
  dtype: ([x]) => x!.dtype,
  save: { inputs: true },
  // PyTorch's rule: x's gradient is g with the written positions zeroed; src's is g read back there
  vjp: (g, { inputs: [, index], attrs: { dim, reduce } }) => {
    if (reduce !== 'none') throw new AutogradError('scatter', `the gradient of scatter with reduce = '${reduce}' is not implemented (as in PyTorch)`, { g: g.shape }, 'use scatterAdd, which is differentiable');
    return [apply(scatterOp, [g, index!, full(index!.shape, 0, { dtype: g.dtype, device: g.device })], { dim, reduce: 'none' }), null, g.gather(dim, index!)];
  },
});

/** Options of {@link scatter}. */
export interface ScatterOptions {
  /** `'add'` or `'multiply'`: combine with the value already there instead of replacing it (not differentiable, as in PyTorch). */
  reduce?: 'add' | 'multiply';
}

/**
 * A copy of `x` with `src` written along `dim` at `index` (PyTorch's `torch.scatter`):
 * out[i][index[i][j]] = src[i][j] for dim 1. `src` may be a number (PyTorch's `value`); only
 * its leading index-shaped part is read. Where an index repeats, the last write in row-major
 * order wins (PyTorch leaves it unspecified). With `reduce` the values are added or multiplied
 * in instead. Gradient (no reduce): g with the written positions zeroed for x, g gathered at the
 * index for src.
 * @param x - The tensor written into (not modified).
 * @param dim - The dim to scatter along.
 * @param index - int32 positions, x's rank, no larger than x outside `dim` nor than src.
 * @param src - The values (a tensor or one number).
 * @param opts - `reduce`.
 * @returns A tensor of x's shape.
 * @example
 * scatter(zeros([2, 3]), 1, tensor([[2], [0]], { dtype: 'int32' }), tensor([[5], [7]])).tolist(); // [[0, 0, 5], [7, 0, 0]]
 * scatter(ones(3), 0, tensor([1], { dtype: 'int32' }), 4, { reduce: 'multiply' }).tolist(); // [1, 4, 1]
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number, opts: ScatterOptions = {}): Tensor {
  const { reduce } = opts;
  if (reduce !== undefined && reduce !== 'add' && reduce !== 'multiply') {
    throw new ValueError('scatter', `reduce argument must be either add or multiply, got ${reduce as string}`, { x: x.shape });
  }
  const d = normalizeDim('scatter', dim, Math.max(1, x.ndim));
  let s = typeof src === 'number' ? full(index.shape, src, { dtype: x.dtype, device: x.device }) : src.dtype === x.dtype ? src : src.to(x.dtype);
  if (s.ndim === index.ndim && s.shape.some((v, i) => v > index.shape[i]!)) {
    s.shape.forEach((v, i) => { if (v > index.shape[i]!) s = s.narrow(i, 0, index.shape[i]!); });
  }
  return apply(scatterOp, [x, index, s], { dim: d, reduce: reduce ?? 'none' });
}
