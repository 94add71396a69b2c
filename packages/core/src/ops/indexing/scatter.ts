// scatter and scatterReduce: write src (or a value) into a copy of x at the positions an index
// names along a dim, or combine them there (sum, prod, mean, amax, amin).

import { AutogradError, ShapeError, ValueError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { full, fullLike, onesLike, zerosLike } from '../creation.js';
import { scatterAdd } from './gather.js';
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

/** How `scatterReduce` combines the values that land on one position (PyTorch's `reduce` argument). */
export type ScatterReduceKind = 'sum' | 'prod' | 'mean' | 'amax' | 'amin';
type ScatterReduceAttrs = { readonly dim: number; readonly reduce: ScatterReduceKind; readonly includeSelf: boolean };

/** @internal The primitive behind {@link scatterReduce}: shape and dtype rules, kernel key and VJP. */
export const scatterReduceOp: PrimitiveDef<ScatterReduceAttrs> = definePrimitive<ScatterReduceAttrs>({
  name: 'scatterReduce',
  kind: 'other',
  args: ['x', 'index', 'src'],
  shape: (inputs, attrs) => scatterOp.shape(inputs, { dim: attrs.dim, reduce: 'none' }),
  dtype: ([x]) => x!.dtype,
  save: { inputs: true, output: true },
  // as PyTorch's scatter_reduce backward: each output's g goes to the values it combined
  vjp: (g, { inputs: [x, index, src], output, attrs: { dim, reduce, includeSelf } }) => {
    if (reduce === 'prod') throw new AutogradError('scatterReduce', "the gradient of reduce = 'prod' is not implemented", { g: g.shape }, "use 'sum', 'mean', 'amax' or 'amin'");
    const hit = scatterAdd(zerosLike(g), dim, index!, onesLike(index!, { dtype: g.dtype })).gt(0);
    const zeroHit = (t: Tensor) => apply(scatterOp, [t, index!, full(index!.shape, 0, { dtype: t.dtype, device: t.device })], { dim, reduce: 'none' });
    if (reduce === 'sum') return [includeSelf ? g : zeroHit(g), null, g.gather(dim, index!)];
    if (reduce === 'mean') {
      const n = scatterAdd(fullLike(g, includeSelf ? 1 : 0), dim, index!, onesLike(index!, { dtype: g.dtype })).clamp(1);
      const gn = g.div(n);
      return [includeSelf ? gn : zeroHit(g), null, gn.gather(dim, index!)];
    }
    const selfMask = (includeSelf ? x!.eq(output!) : hit.logicalNot()).to(g.dtype);
    const srcMask = src!.eq(output!.gather(dim, index!)).to(g.dtype);
    const ties = scatterAdd(selfMask, dim, index!, srcMask).clamp(1); // equal extremes share g evenly
    const gt = g.div(ties);
    return [gt.mul(selfMask), null, gt.gather(dim, index!).mul(srcMask)];
  },
});

/**
 * A copy of `x` where each position named by `index` along `dim` combines the `src` values sent
 * to it (PyTorch's `torch.scatter_reduce`): `'sum'`, `'prod'`, `'mean'`, `'amax'` or `'amin'`,
 * together with x's own value unless `includeSelf` is false. Positions no index names keep x's
 * value. Integer `'mean'` rounds down, as PyTorch's. Gradient (all but `'prod'`): g to every
 * value combined, divided by the count for `'mean'`, shared evenly between equal extremes for
 * `'amax'`/`'amin'`.
 * @param x - The tensor (not modified).
 * @param dim - The dim to scatter along.
 * @param index - int32 positions, x's rank, no larger than x outside `dim` nor than src.
 * @param src - The values.
 * @param reduce - `'sum'`, `'prod'`, `'mean'`, `'amax'` or `'amin'`.
 * @param opts - `includeSelf` (default true).
 * @returns A tensor of x's shape.
 * @example
 * const src = tensor([1, 2, 3, 4, 5, 6]);
 * const index = tensor([0, 1, 0, 1, 2, 1], { dtype: 'int32' });
 * scatterReduce(tensor([1, 2, 3]), 0, index, src, 'sum').tolist(); // [5, 14, 8]
 * scatterReduce(tensor([1, 2, 3]), 0, index, src, 'amax', { includeSelf: false }).tolist(); // [3, 6, 5]
 */
export function scatterReduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduceKind, opts: { includeSelf?: boolean } = {}): Tensor {
  if (!['sum', 'prod', 'mean', 'amax', 'amin'].includes(reduce)) {
    throw new ValueError('scatterReduce', `reduce argument must be either sum, prod, mean, amax or amin, got ${reduce as string}`, { x: x.shape });
  }
  const d = normalizeDim('scatterReduce', dim, Math.max(1, x.ndim));
  let s = src.dtype === x.dtype ? src : src.to(x.dtype);
  s.shape.forEach((v, i) => { if (s.ndim === index.ndim && v > index.shape[i]!) s = s.narrow(i, 0, index.shape[i]!); });
  return apply(scatterReduceOp, [x, index, s], { dim: d, reduce, includeSelf: opts.includeSelf ?? true });
}
