// Advanced indexing, PyTorch's `x[...]`: basic entries (integers, slices, new axes, an ellipsis)
// become views; integer and boolean index tensors gather through one indexSelect (whose VJP,
// indexAdd, gives every gradient). indexPut writes through the positions the same index reads.

import { DTypeError, IndexError, ShapeError, ValueError, formatShape } from '../../errors.js';
import { canReadSync } from '../../memory.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { arange, fromArray, ones, tensor, zeros } from '../creation.js';

/**
 * One entry of an index list, PyTorch's `x[a, b, ...]` spelled `x.index([a, b, ...])`:
 * - a number picks one position and drops the dim (`x[1]`; negative counts from the end);
 * - `':'` keeps the whole dim, `'start:end:step'` slices it as Python does (`'1:'`, `'::2'`, `'-2:'`);
 * - `'...'` stands for as many `':'` as needed (at most one per list);
 * - `null` inserts a new dim of size 1 (PyTorch's `None`);
 * - an int32 tensor (or a JS array of integers) gathers positions along the dim; several of them
 *   broadcast against each other, as in NumPy and PyTorch;
 * - a bool tensor (or a JS array of booleans) of k dims selects where it is true over the next k
 *   dims (it becomes k int32 tensors, as `mask.nonzero()` would give).
 */
export type IndexItem = number | string | null | Tensor | readonly number[] | readonly boolean[];

interface Advanced {
  /** The dim of the basic-indexed view it indexes. */
  readonly dim: number;
  /** int32 positions (negative allowed). */
  readonly idx: Tensor;
}

function parseSlice(op: string, s: string): [number | undefined, number | undefined, number | undefined] {
  const parts = s.split(':');
  const num = (p: string | undefined): number | undefined => {
    if (p === undefined || p.trim() === '') return undefined;
    const v = Number(p);
    if (!Number.isInteger(v)) throw new IndexError(op, `cannot read the slice '${s}': '${p}' is not an integer`, {}, "write slices as 'start:end:step', e.g. '1:3' or '::2'");
    return v;
  };
  if (parts.length < 2 || parts.length > 3) throw new IndexError(op, `cannot read the slice '${s}'`, {}, "write slices as ':' or 'start:end:step', and an ellipsis as '...'");
  return [num(parts[0]), num(parts[1]), num(parts[2])];
}

// the dims an entry consumes from x
function consumed(item: IndexItem): number {
  if (item === null || item === '...') return 0;
  if (item instanceof Tensor) return item.dtype === 'bool' ? item.ndim : 1;
  return 1;
}

function asIndexTensor(item: Tensor | readonly number[] | readonly boolean[]): Tensor {
  if (item instanceof Tensor) return item;
  const bools = item.length > 0 && typeof item[0] === 'boolean';
  return tensor(item as number[] | boolean[], { dtype: bools ? 'bool' : 'int32', shape: [item.length], device: 'cpu' });
}

/** The int32 position tensors of a bool mask (one per mask dim), read on the host. */
function maskPositions(op: string, mask: Tensor, over: readonly number[]): Tensor[] {
  if (mask.ndim === 0) throw new IndexError(op, 'a 0-d bool index is not supported', { mask: mask.shape }, 'use unsqueeze, or where() for a conditional');
  if (mask.shape.some((s, i) => s !== over[i])) {
    throw new IndexError(op, `the mask of shape ${formatShape(mask.shape)} does not match the indexed dims ${formatShape(over)}`, { mask: mask.shape });
  }
  if (!canReadSync(mask)) {
    throw new IndexError(op, `a bool mask is read on the host to find its true positions, and this one lives on '${mask.device}'`, { mask: mask.shape },
      "build the mask on the cpu (the positions are moved to the tensor's device), or use where()/maskedFill to keep the shape");
  }
  const m = mask.dataSync();
  const k = mask.ndim;
  const strides = mask.shape.map((_, d) => sizeOf(mask.shape.slice(d + 1)));
  const hits: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    for (let d = 0; d < k; d++) hits[d]!.push(Math.floor(i / strides[d]!) % mask.shape[d]!);
  }
  return hits.map((h) => fromArray(Int32Array.from(h), [h.length], { device: 'cpu' }));
}

/** Applies the basic entries as views; returns the view and the advanced index tensors on its dims. */
function basic(op: string, x: Tensor, items: readonly IndexItem[]): { y: Tensor; adv: Advanced[] } {
  if (!Array.isArray(items)) throw new IndexError(op, 'expected a list of index entries', {}, 'x.index([0, ":", idx]) is x[0, :, idx] in PyTorch');
  const ellipses = items.filter((it) => it === '...').length;
  if (ellipses > 1) throw new IndexError(op, 'an index can only have a single ellipsis (\'...\')');
  const used = items.reduce((n, it) => n + consumed(it), 0);
  if (used > x.ndim) {
    throw new IndexError(op, `too many indices for a tensor of rank ${x.ndim}: the index list uses ${used} dims`, { x: x.shape });
  }
  const full: IndexItem[] = [];
  for (const it of items) {
    if (it === '...') for (let i = 0; i < x.ndim - used; i++) full.push(':');
    else full.push(it);
  }
  let y = x;
  let d = 0; // the next dim of y to index
  const adv: Advanced[] = [];
  for (const it of full) {
    if (it === null) {
      y = y.unsqueeze(d++);
    } else if (typeof it === 'number') {
      if (!Number.isInteger(it)) throw new IndexError(op, `an integer index must be an integer, got ${it}`);
      const n = y.shape[d]!;
      if (it < -n || it >= n) throw new IndexError(op, `index ${it} is out of bounds for dim ${d} with size ${n}`, { x: x.shape });
      y = y.select(d, it);
    } else if (typeof it === 'string') {
      const [start, end, step] = it === ':' ? [undefined, undefined, undefined] : parseSlice(op, it);
      y = y.slice(d++, start, end, step);
    } else {
      const t = asIndexTensor(it);
      if (t.dtype === 'bool') {
        for (const p of maskPositions(op, t, y.shape.slice(d, d + t.ndim))) adv.push({ dim: d++, idx: p });
      } else if (t.dtype === 'int32') {
        adv.push({ dim: d++, idx: t });
      } else {
        throw new DTypeError(op, `index tensors must be int32 or bool, got ${t.dtype}`, { index: { shape: t.shape, dtype: t.dtype } }, "convert with idx.to('int32')");
      }
    }
  }
  return { y, adv };
}

// positions in [-n, n) become [0, n); out-of-range ones throw where the values can be read
function wrapped(op: string, idx: Tensor, n: number, dim: number): Tensor {
  if (canReadSync(idx)) {
    const v = idx.dataSync();
    let negative = false;
    for (let i = 0; i < v.length; i++) {
      if (v[i]! < -n || v[i]! >= n) throw new IndexError(op, `index ${v[i]} is out of bounds for dim ${dim} with size ${n}`, { index: idx.shape });
      if (v[i]! < 0) negative = true;
    }
    if (!negative) return idx;
  }
  return idx.add(idx.lt(0).to('int32').mul(n));
}

/** Gathers the advanced entries of view `y` (PyTorch's placement rule for the broadcast dims). */
function gatherAdvanced(op: string, y: Tensor, adv: readonly Advanced[]): Tensor {
  const shapes = Object.fromEntries(adv.map((a, i) => [`index${i}`, a.idx.shape]));
  const b = broadcastShapes(op, shapes);
  const advDims = adv.map((a) => a.dim);
  const rest = y.shape.map((_, i) => i).filter((i) => !advDims.includes(i));
  const advSizes = advDims.map((i) => y.shape[i]!);
  // one flat position over the indexed dims, row-major
  let flat: Tensor | undefined;
  let stride = 1;
  for (let j = adv.length - 1; j >= 0; j--) {
    const a = adv[j]!;
    const term = wrapped(op, a.idx, advSizes[j]!, a.dim).mul(stride);
    flat = flat === undefined ? term : flat.add(term);
    stride *= advSizes[j]!;
  }
  const pos = flat!.expand(b).reshape([-1]).to(y.device);
  const yp = y.permute([...advDims, ...rest]).reshape([sizeOf(advSizes), ...rest.map((i) => y.shape[i]!)]);
  const out = yp.indexSelect(0, pos).reshape([...b, ...rest.map((i) => y.shape[i]!)]);
  // adjacent indexed dims keep their place; separated ones go first (as NumPy and PyTorch)
  const adjacent = advDims.every((dd, i) => i === 0 || dd === advDims[i - 1]! + 1);
  const first = advDims[0]!;
  if (!adjacent || first === 0) return out;
  const nb = b.length;
  const before = Array.from({ length: first }, (_, i) => nb + i);
  const after = Array.from({ length: rest.length - first }, (_, i) => nb + first + i);
  return out.permute([...before, ...b.map((_, i) => i), ...after]);
}

/**
 * PyTorch's `x[indices]`: basic and advanced indexing in one call (see {@link IndexItem} for the
 * entries). Integers, slices, `null` and `'...'` alone give a view of `x`, as in PyTorch; index
 * tensors give a copy. Index tensors broadcast against each other; when they index adjacent dims
 * the broadcast dims take their place, and when a slice separates them the broadcast dims come
 * first (the NumPy rule). Integers are applied as `select` before the tensors, as PyTorch does, so
 * an integer between two index tensors does not separate them.
 * Gradient: scatter-added back to the read positions (repeats accumulate), through `indexSelect`.
 * @param x - The tensor to read.
 * @param indices - One entry per dim (fewer: the rest are `':'`).
 * @returns The selected elements.
 * @example
 * const x = arange(12).reshape([3, 4]);
 * index(x, [tensor([0, 2], { dtype: 'int32' }), tensor([1, 3], { dtype: 'int32' })]).tolist(); // [1, 11]
 * index(x, [':', [0, 0]]).tolist(); // [[0, 0], [4, 4], [8, 8]]
 * index(x, [x.sum(1).gt(10)]).tolist(); // [[4, 5, 6, 7], [8, 9, 10, 11]]
 * index(x, ['1:', -1]).tolist(); // [7, 11]
 */
export function index(x: Tensor, indices: readonly IndexItem[]): Tensor {
  const { y, adv } = basic('index', x, indices);
  return adv.length === 0 ? y : gatherAdvanced('index', y, adv);
}

/** Options of {@link indexPut}. */
export interface IndexPutOptions {
  /** Add the values into the selected positions (repeats add up) instead of replacing them. Default false. */
  readonly accumulate?: boolean;
}

/**
 * A copy of `x` with `values` written at `x[indices]` (PyTorch's `index_put`); `x.indexPut_`
 * writes in place. `values` broadcasts to the shape `index(x, indices)` has and takes x's dtype.
 * With `accumulate: false` and a position selected more than once, PyTorch leaves open which
 * value lands; here the last one in row-major order of the index does. Index tensors and masks
 * must then be readable on the host (the CPU) to find the repeats; with `accumulate: true` they
 * may live on any device.
 * Gradient: x's is g with the overwritten positions zeroed (or g itself when accumulating);
 * values' is g read at the positions (summed back over broadcast dims).
 * @param x - The tensor written into (not modified).
 * @param indices - The index list, as for {@link index}.
 * @param values - The values (a tensor or a number), broadcast to the selection's shape.
 * @param opts - `accumulate` (default false).
 * @returns A tensor of x's shape and dtype.
 * @example
 * const i = tensor([0, 2, 0], { dtype: 'int32' });
 * indexPut(zeros(4), [i], tensor([1, 2, 3])).tolist(); // [3, 0, 2, 0]
 * indexPut(zeros(4), [i], tensor([1, 2, 3]), { accumulate: true }).tolist(); // [4, 0, 2, 0]
 * indexPut(zeros([2, 2]), [':', 1], 5).tolist(); // [[0, 5], [0, 5]]
 */
export function indexPut(x: Tensor, indices: readonly IndexItem[], values: Tensor | number, opts: IndexPutOptions = {}): Tensor {
  const op = 'indexPut';
  const tensors = indices.filter((i): i is Tensor => i instanceof Tensor);
  const hostIndex = tensors.every(canReadSync);
  const posDevice = hostIndex ? 'cpu' : tensors.find((t) => !canReadSync(t))!.device;
  const positions = index(arange(x.numel(), undefined, 1, { dtype: 'int32', device: posDevice }).reshape(x.shape), indices);
  const v = values instanceof Tensor ? values : tensor(values, { dtype: x.dtype, device: x.device });
  let vb: Tensor;
  try {
    broadcastShapes(op, { values: v.shape, selection: positions.shape });
    vb = v.to(x.dtype).expand(positions.shape);
  } catch {
    throw new ShapeError(op, `shape mismatch: the values of shape ${formatShape(v.shape)} cannot be broadcast to the indexing result of shape ${formatShape(positions.shape)}`,
      { x: x.shape, values: v.shape });
  }
  let pos = positions.reshape([-1]);
  let src = vb.reshape([-1]);
  const flatX = x.reshape([-1]);
  if (opts.accumulate) return flatX.indexAdd(0, pos.to(x.device), src).reshape(x.shape);
  if (!hostIndex) {
    throw new ValueError(op, `with accumulate false the index tensors are read on the host to resolve repeated positions, and they live on '${posDevice}'`,
      {}, "build the index tensors on the cpu, or pass { accumulate: true }");
  }
  // keep the last write to each position (every write when there are no repeats)
  const p = pos.dataSync();
  const seen = new Set<number>();
  const keep: number[] = [];
  for (let i = p.length - 1; i >= 0; i--) if (!seen.has(p[i]!)) { seen.add(p[i]!); keep.push(i); }
  if (keep.length < p.length) {
    const k = fromArray(Int32Array.from(keep.reverse()), [keep.length], { device: pos.device });
    pos = pos.indexSelect(0, k);
    src = src.indexSelect(0, k.to(x.device));
  }
  const posD = pos.to(x.device);
  const mask = zeros([x.numel()], { device: x.device }).indexAdd(0, posD, ones([posD.numel()], { device: x.device })).gt(0);
  return flatX.maskedFill(mask, 0).indexAdd(0, posD, src).reshape(x.shape);
}
