// sort, argsort, topk and median: one non-differentiable primitive (argsort, the stable order
// along a dim) and gathers of the values at its indices, which carry the gradient.

import { ValueError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { apply, definePrimitive } from '../define.js';
import type { ValuesIndices } from '../composite/reductions.js';

type SortAttrs = { readonly dim: number; readonly descending: boolean };

/** @internal The primitive behind {@link argsort}: the stable order of the values along one dim (int32). */
export const argsortOp = definePrimitive<SortAttrs>({
  name: 'argsort',
  kind: 'other',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: () => 'int32',
});

/** `{ values, indices }` that also destructures as `[values, indices]` (PyTorch's named tuple). */
function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return { values, indices, *[Symbol.iterator]() { yield values; yield indices; } };
}

function order(op: string, x: Tensor, dim: number, descending: boolean): { idx: Tensor; d: number } {
  if (x.ndim === 0) {
    normalizeDim(op, dim, 1);
    return { idx: apply(argsortOp, [x.reshape([1])], { dim: 0, descending }).reshape([]), d: 0 };
  }
  const d = normalizeDim(op, dim, x.shape);
  return { idx: apply(argsortOp, [x], { dim: d, descending }), d };
}

/**
 * The indices that sort `x` along `dim` (PyTorch's `torch.argsort`): int32 positions (PyTorch's
 * are int64). The sort is always stable, so equal values keep their order (what PyTorch gives
 * with `stable = true`; `stable = false` allows any order of ties, and this one is allowed). NaN
 * sorts as the largest value. Not differentiable.
 * @param x - The tensor.
 * @param dim - The dim to sort along (default -1).
 * @param descending - Largest first (default false).
 * @param stable - Keep the order of equal values (always done; accepted for PyTorch's signature).
 * @returns int32 indices of x's shape.
 * @example
 * argsort(tensor([3, 1, 2, 1])).tolist(); // [1, 3, 2, 0]
 * argsort(tensor([[3, 1], [0, 5]]), 0, true).tolist(); // [[0, 1], [1, 0]]
 */
export function argsort(x: Tensor, dim = -1, descending = false, stable = false): Tensor {
  void stable;
  return order('argsort', x, dim, descending).idx;
}

/**
 * Sorts `x` along `dim` (PyTorch's `torch.sort`): the sorted values and the int32 positions they
 * came from. Stable: equal values keep their order (PyTorch's `stable = true`), in both
 * directions; NaN sorts as the largest value. Gradient: g goes back to the position each value
 * came from.
 * @param x - The tensor.
 * @param dim - The dim to sort along (default -1).
 * @param descending - Largest first (default false).
 * @param stable - Keep the order of equal values (always done; accepted for PyTorch's signature).
 * @returns `{ values, indices }`, both of x's shape; destructures as `[values, indices]`.
 * @example
 * const { values, indices } = sort(tensor([2, 1, 2, 0]), 0, true);
 * values.tolist(); // [2, 2, 1, 0]
 * indices.tolist(); // [0, 2, 1, 3]
 */
export function sort(x: Tensor, dim = -1, descending = false, stable = false): ValuesIndices {
  void stable;
  const { idx, d } = order('sort', x, dim, descending);
  return valuesIndices(x.ndim === 0 ? x.clone() : x.gather(d, idx), idx);
}

/**
 * The `k` largest (or smallest) values along `dim` and their int32 indices (PyTorch's
 * `torch.topk`). Results are always in sorted order (largest first, or smallest first with
 * `largest = false`); among equal values the lower index comes first. Gradient: g goes back to
 * the chosen positions, zero elsewhere.
 * @param x - The tensor.
 * @param k - How many to keep, 0 <= k <= x.shape[dim].
 * @param dim - The dim to pick along (default -1).
 * @param largest - The largest values (default true); false: the smallest.
 * @param sorted - Return them sorted (always done; accepted for PyTorch's signature).
 * @returns `{ values, indices }` with size k along `dim`.
 * @example
 * const { values, indices } = topk(tensor([1, 5, 3, 5, 2]), 3);
 * values.tolist(); // [5, 5, 3]
 * indices.tolist(); // [1, 3, 2]
 * topk(tensor([[4, 1], [2, 3]]), 1, 0, false).values.tolist(); // [[2, 1]]
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  void sorted;
  const n = x.ndim === 0 ? 1 : x.shape[normalizeDim('topk', dim, x.shape)]!;
  if (!Number.isInteger(k) || k < 0 || k > n) {
    throw new ValueError('topk', `selected index k = ${k} is out of range (the dim has size ${n})`, { x: x.shape }, `k must be an integer in [0, ${n}]`);
  }
  const { idx, d } = order('topk', x, dim, largest);
  if (x.ndim === 0) return valuesIndices(k === 1 ? x.clone() : x.reshape([0]), k === 1 ? idx : idx.reshape([0]));
  const top = idx.narrow(d, 0, k);
  return valuesIndices(x.gather(d, top), top);
}

/**
 * The median of all elements, 0-d (PyTorch's `torch.median`): for an even count the lower of the
 * two middle values, not their mean; NaN when any element is NaN; NaN for an empty tensor.
 * Gradient: g to the chosen element.
 * @param x - The tensor.
 * @returns A 0-d tensor.
 * @example median(tensor([4, 1, 3, 2])).item(); // 2
 */
export function median(x: Tensor): Tensor;
/**
 * The median along `dim` and its index (PyTorch's `torch.median` with a dim): the lower middle
 * value for an even count, NaN (and the first NaN's index) for a line holding NaN. Among equal
 * values the index is that of the stable sort. Gradient: g to the chosen index.
 * @param x - The tensor.
 * @param dim - The dim to reduce.
 * @param keepdim - Keep it as size 1.
 * @returns `{ values, indices }`, shaped as x without `dim`.
 * @example
 * const { values, indices } = median(tensor([[1, 5, 2, 8], [3, 3, 0, 9]]), 1);
 * values.tolist(); // [2, 3]
 * indices.tolist(); // [2, 0]
 */
export function median(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function median(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  if (dim === undefined) {
    if (x.numel() === 0) return x.reshape([0]).sum().add(NaN).to(x.dtype);
    return median(x.reshape([-1]), 0).values;
  }
  if (x.ndim === 0) return median(x.reshape([1]), dim, false);
  const d = normalizeDim('median', dim, x.shape);
  const n = x.shape[d]!;
  if (n === 0) throw new ValueError('median', `cannot compute the median over dim ${d} of size 0`, { x: x.shape }, 'slice the empty dim away');
  const idx = apply(argsortOp, [x], { dim: d, descending: false });
  const nans = x.isnan().sum(d, true); // NaNs sort last: the first of them sits at n - count
  const pos = where(nans.gt(0), nans.neg().add(n), Math.floor((n - 1) / 2));
  const indices = idx.gather(d, pos);
  const values = x.gather(d, indices);
  return keepdim ? valuesIndices(values, indices) : valuesIndices(values.squeeze(d), indices.squeeze(d));
}
