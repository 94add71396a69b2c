// unique and bincount (result shapes depend on the values, read on the host as PyTorch syncs
// with the device) and searchsorted (comparisons and a sum, on the tensor's device).

import { isFloat } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../../errors.js';
import { canReadSync } from '../../memory.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { fromArray, zeros } from '../creation.js';

function hostValues(op: string, x: Tensor): ArrayLike<number> {
  if (!canReadSync(x)) {
    throw new ValueError(op, `the result's shape depends on the values, and the '${x.device}' backend cannot read them synchronously`, { x: x.shape },
      "read them first: tensor(await x.data(), { shape: x.shape }) on the CPU");
  }
  return x.dataSync();
}

/** Options of {@link unique} (PyTorch's keywords). */
export interface UniqueOptions {
  /** Sort the unique values ascending (always done; accepted for PyTorch's signature). */
  sorted?: boolean;
  /** Also return, for each element (or slice), the index of its unique value. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  returnCounts?: boolean;
  /** Find unique slices along this dim instead of unique elements of the flattened tensor. */
  dim?: number;
}

// moves dim `from` to position `to` (as torch.movedim with one dim)
function move(x: Tensor, from: number, to: number): Tensor {
  const rest = [...x.shape.keys()].filter((i) => i !== from);
  rest.splice(to, 0, from);
  return x.permute(rest);
}

const lexCompare = (a: readonly number[], b: readonly number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};

/**
 * The unique values of `x`, sorted ascending (PyTorch's `torch.unique`); with `dim`, the unique
 * slices along it, in lexicographic order. The result's size depends on the values, so they are
 * read on the host (a backend that cannot read synchronously throws). With `returnInverse` and/or
 * `returnCounts` it returns `[output, inverseIndices?, counts?]` as PyTorch's tuple; indices and
 * counts are int32. Not differentiable.
 * @param x - The tensor.
 * @param opts - `sorted`, `returnInverse`, `returnCounts`, `dim`.
 * @returns The unique values, or the list `[output, inverse?, counts?]`.
 * @example
 * unique(tensor([3, 1, 3, 2, 1])).tolist(); // [1, 2, 3]
 * const [out, inverse, counts] = unique(tensor([2, 1, 2]), { returnInverse: true, returnCounts: true });
 * out.tolist(); // [1, 2]
 * inverse.tolist(); // [1, 0, 1]
 * counts.tolist(); // [1, 2]
 * unique(tensor([[1, 2], [0, 5], [1, 2]]), { dim: 0 }).tolist(); // [[0, 5], [1, 2]]
 */
export function unique(x: Tensor, opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
/**
 * {@link unique} with `returnInverse` and/or `returnCounts`: PyTorch's tuple as a list,
 * `[output, inverseIndices?, counts?]` (int32 indices and counts). Not differentiable.
 * @param x - The tensor.
 * @param opts - `returnInverse`, `returnCounts`, `sorted`, `dim`.
 * @returns `[output, inverseIndices?, counts?]`.
 * @example
 * const [values, counts] = unique(tensor([5, 5, 7]), { returnCounts: true });
 * counts.tolist(); // [2, 1]
 */
export function unique(x: Tensor, opts: UniqueOptions): Tensor[];
export function unique(x: Tensor, opts: UniqueOptions = {}): Tensor | Tensor[] {
  const d = opts.dim === undefined ? undefined : normalizeDim('unique', opts.dim, x.shape);
  const src = d === undefined ? x.reshape([-1, 1]) : move(x, d, 0);
  const n = src.shape[0]!;
  const width = n === 0 ? 0 : src.numel() / n;
  const flat = hostValues('unique', src.contiguous());
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: width }, (_, j) => flat[i * width + j]!));
  const order = rows.map((_, i) => i).sort((a, b) => lexCompare(rows[a]!, rows[b]!));
  const firsts: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(n);
  order.forEach((i, k) => {
    // NaN equals nothing, so every NaN is its own unique value
    if (k === 0 || lexCompare(rows[order[k - 1]!]!, rows[i]!) !== 0 || rows[i]!.some(Number.isNaN)) { firsts.push(i); counts.push(0); }
    inverse[i] = firsts.length - 1;
    counts[counts.length - 1]!++;
  });
  const device = { device: x.device };
  const picked = src.indexSelect(0, fromArray(Int32Array.from(firsts), [firsts.length], device)).detach();
  const output = d === undefined ? picked.reshape([-1]) : move(picked, 0, d);
  if (!opts.returnInverse && !opts.returnCounts) return output;
  const out = [output];
  if (opts.returnInverse) out.push(fromArray(inverse, d === undefined ? x.shape : [n], device));
  if (opts.returnCounts) out.push(fromArray(Int32Array.from(counts), [counts.length], device));
  return out;
}

/** Options of {@link bincount}. */
export interface BincountOptions {
  /** Add this weight (per input element) instead of 1. */
  weights?: Tensor;
  /** The smallest length of the result (default 0). */
  minlength?: number;
}

/**
 * Counts each non-negative integer in a 1-D int32 tensor (PyTorch's `torch.bincount`): out[v] is
 * how often v occurs, or the sum of the `weights` at its positions. The length is
 * max(max(x) + 1, minlength), read from the values on the host. Counts are int32 (PyTorch's
 * int64); float32 weights give float32, others float64, as in PyTorch. Not differentiable.
 * @param x - A 1-D int32 tensor of non-negative values.
 * @param opts - `weights` (x's shape), `minlength`.
 * @returns The counts or weighted sums.
 * @example
 * bincount(tensor([1, 1, 3], { dtype: 'int32' })).tolist(); // [0, 2, 0, 1]
 * bincount(tensor([0, 2], { dtype: 'int32' }), { weights: tensor([0.5, 2]), minlength: 4 }).tolist(); // [0.5, 0, 2, 0]
 */
export function bincount(x: Tensor, opts: BincountOptions = {}): Tensor {
  const { weights, minlength = 0 } = opts;
  if (x.dtype !== 'int32' && x.dtype !== 'bool') throw new DTypeError('bincount', `input must be an integer tensor, got ${x.dtype}`, { x: { shape: x.shape, dtype: x.dtype } });
  if (x.ndim !== 1) throw new ShapeError('bincount', `input must be 1-D, got ${x.ndim}-D`, { x: x.shape });
  if (weights && (weights.ndim !== 1 || weights.shape[0] !== x.shape[0])) {
    throw new ShapeError('bincount', 'weights should be 1-d and have the same length as input', { x: x.shape, weights: weights.shape });
  }
  if (!Number.isInteger(minlength) || minlength < 0) throw new ValueError('bincount', `minlength should be >= 0, got ${minlength}`, { x: x.shape });
  let top = -1;
  for (const v of Array.from(hostValues('bincount', x))) {
    if (v < 0) throw new ValueError('bincount', `input must contain only non-negative values, got ${v}`, { x: x.shape });
    top = Math.max(top, v);
  }
  const dtype = weights ? (weights.dtype === 'float32' ? 'float32' : 'float64') : 'int32';
  const src = weights ? weights.detach().to(dtype) : x.to('int32').mul(0).add(1);
  return zeros([Math.max(top + 1, minlength)], { dtype, device: x.device }).scatterAdd(0, x.to('int32'), src);
}

/** Options of {@link searchsorted} (PyTorch's keywords). */
export interface SearchsortedOptions {
  /** Return the last suitable position (the count of values <= v) instead of the first. */
  right?: boolean;
  /** `'left'` or `'right'`, the same as `right` (they must agree when both are given). */
  side?: 'left' | 'right';
  /** int32 indices that sort an unsorted `sortedSequence` along its last dim. */
  sorter?: Tensor;
}

/**
 * For each value, the position in `sortedSequence` (sorted ascending along its last dim) where it
 * would be inserted to keep the order (PyTorch's `torch.searchsorted`): the count of entries < v,
 * or <= v with `right`. A 1-D sequence serves every value; otherwise its leading dims match the
 * values'. int32 results (PyTorch's int64). Runs as a broadcast comparison and a sum on the
 * tensors' device (O(values x sequence) work). Not differentiable.
 * @param sortedSequence - The sorted sequence(s), along the last dim.
 * @param values - The values to place (a tensor or one number).
 * @param opts - `right`, `side`, `sorter`.
 * @returns int32 positions of the values' shape.
 * @example
 * const s = tensor([1, 3, 5, 7, 9]);
 * searchsorted(s, tensor([3, 6, 9])).tolist(); // [1, 3, 4]
 * searchsorted(s, tensor([3, 6, 9]), { right: true }).tolist(); // [2, 3, 5]
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, opts: SearchsortedOptions = {}): Tensor {
  if (opts.side !== undefined && opts.right !== undefined && (opts.side === 'right') !== opts.right) {
    throw new ValueError('searchsorted', `side and right can't be set to opposites, got side of ${opts.side} while right was ${opts.right}`, { sortedSequence: sortedSequence.shape });
  }
  const right = opts.right ?? opts.side === 'right';
  const seq = opts.sorter ? sortedSequence.gather(-1, opts.sorter) : sortedSequence;
  const v = typeof values === 'number' ? fromArray(Float64Array.of(values), [], { device: seq.device, dtype: isFloat(seq.dtype) ? seq.dtype : 'float32' }) : values;
  if (seq.ndim === 0) throw new ShapeError('searchsorted', 'the sequence must have at least one dim', { sortedSequence: seq.shape });
  if (seq.ndim > 1 && (v.ndim !== seq.ndim || seq.shape.slice(0, -1).some((s, i) => s !== v.shape[i]))) {
    throw new ShapeError('searchsorted', 'boundaries and input should have the same leading dims (all but the last)', { sortedSequence: seq.shape, values: v.shape },
      'use a 1-D sequence to search every value in one list');
  }
  if (v.ndim === 0) return searchsorted(seq, v.reshape([1]), { right }).reshape([]);
  const s = seq.unsqueeze(-2); // (..., 1, n) against values (..., m, 1)
  const e = v.unsqueeze(-1);
  return (right ? s.le(e) : s.lt(e)).sum(-1).to('int32');
}
