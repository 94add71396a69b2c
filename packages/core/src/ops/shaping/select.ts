// meshgrid, diag, take, nonzero and maskedSelect: built from expand, slices, indexSelect and,
// for the data-dependent shapes of nonzero and maskedSelect, a host read of the values.

import { ShapeError, ValueError } from '../../errors.js';
import { canReadSync } from '../../memory.js';
import { broadcastShapes, sizeOf } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { fromArray, zeros } from '../creation.js';
import { sliceScatter } from '../movement/slice.js';

/** Options of {@link meshgrid}. */
export interface MeshgridOptions {
  /** `'ij'` (matrix indexing, the default) or `'xy'` (Cartesian: the first two dims swapped). */
  indexing?: 'ij' | 'xy';
}

/**
 * Coordinate grids from 1-D tensors (PyTorch's `torch.meshgrid`): output i holds tensors[i]
 * expanded along dim i of the shape (len0, len1, ...); with `indexing: 'xy'` the first two dims
 * are swapped. Gradient: each g summed back onto its input.
 * @param tensors - 0-d or 1-d tensors.
 * @param opts - `indexing`.
 * @returns One grid per input, all of the same shape (broadcast views).
 * @example
 * const [a, b] = meshgrid([tensor([1, 2, 3]), tensor([4, 5])]);
 * a.tolist(); // [[1, 1], [2, 2], [3, 3]]
 * b.tolist(); // [[4, 5], [4, 5], [4, 5]]
 * meshgrid([tensor([1, 2, 3]), tensor([4, 5])], { indexing: 'xy' })[0].tolist(); // [[1, 2, 3], [1, 2, 3]]
 */
export function meshgrid(tensors: readonly Tensor[], opts: MeshgridOptions = {}): Tensor[] {
  const { indexing = 'ij' } = opts;
  if (indexing !== 'ij' && indexing !== 'xy') throw new ValueError('meshgrid', `indexing must be one of "xy" or "ij", got "${indexing as string}"`, {});
  const bad = tensors.findIndex((t) => t.ndim > 1);
  if (bad >= 0) throw new ShapeError('meshgrid', `expects 0-D or 1-D tensors, got ${tensors[bad]!.ndim}-D at position ${bad}`, { [`tensors[${bad}]`]: tensors[bad]!.shape });
  const xy = indexing === 'xy' && tensors.length >= 2;
  const order = tensors.map((_, i) => (xy && i < 2 ? 1 - i : i)); // the output dim each input varies along
  const sizes = tensors.map((t) => t.numel());
  const shape = order.map((_, d) => sizes[order.indexOf(d)]!);
  return tensors.map((t, i) => t.reshape(shape.map((v, d) => (d === order[i] ? v : 1))).expand(shape));
}

/**
 * The diagonal (PyTorch's `torch.diag`): from a 1-D tensor, a square matrix with it on diagonal
 * `diagonal` (above the main one when positive, below when negative); from a 2-D tensor, that
 * diagonal as a 1-D tensor. Gradient: g's diagonal, or g placed on the diagonal.
 * @param x - A 1-D or 2-D tensor.
 * @param diagonal - Which diagonal (default 0).
 * @returns A 2-D or 1-D tensor.
 * @example
 * diag(tensor([1, 2])).tolist(); // [[1, 0], [0, 2]]
 * diag(tensor([5]), 1).tolist(); // [[0, 5], [0, 0]]
 * diag(tensor([[1, 2, 3], [4, 5, 6]]), 1).tolist(); // [2, 6]
 * diag(tensor([[1, 2, 3], [4, 5, 6]]), -1).tolist(); // [4]
 */
export function diag(x: Tensor, diagonal = 0): Tensor {
  const k = diagonal;
  if (x.ndim === 1) {
    const n = x.shape[0]!;
    const size = n + Math.abs(k);
    const start = k >= 0 ? k : -k * size;
    const flat = zeros([size * size], { dtype: x.dtype, device: x.device });
    return (n === 0 ? flat : sliceScatter(flat, x, 0, start, start + (n - 1) * (size + 1) + 1, size + 1)).reshape([size, size]);
  }
  if (x.ndim !== 2) throw new ShapeError('diag', `matrix or a vector expected, got a ${x.ndim}-D tensor`, { x: x.shape });
  const [r, c] = x.shape as [number, number];
  const len = Math.max(0, k >= 0 ? Math.min(r, c - k) : Math.min(r + k, c));
  if (len === 0) return x.reshape([-1]).narrow(0, 0, 0);
  const start = k >= 0 ? k : -k * c;
  return x.reshape([-1]).slice(0, start, start + (len - 1) * (c + 1) + 1, c + 1);
}

/**
 * Elements of x at flat positions (PyTorch's `torch.take`): x is read as 1-D; negative indices
 * count from the end. Gradient: g scatter-added back to the read positions.
 * @param x - The tensor.
 * @param index - int32 positions in [-numel, numel), any shape.
 * @returns A tensor of index's shape.
 * @example take(tensor([[4, 3, 5], [6, 7, 8]]), tensor([0, 2, -1], { dtype: 'int32' })).tolist(); // [4, 5, 8]
 */
export function take(x: Tensor, index: Tensor): Tensor {
  const n = x.numel();
  const i = index.reshape([-1]);
  const safe = where(i.lt(0), i.add(n), i).to('int32');
  return x.reshape([-1]).indexSelect(0, safe).reshape(index.shape);
}

function hostValues(op: string, x: Tensor): ArrayLike<number> {
  if (!canReadSync(x)) {
    throw new ValueError(op, `the result's shape depends on the values, and the '${x.device}' backend cannot read them synchronously`, { x: x.shape },
      'read them first (await x.data()) and build the tensor on the CPU');
  }
  return x.dataSync();
}

/** Options of {@link nonzero}. */
export interface NonzeroOptions {
  /** Return one 1-D index tensor per dim instead of one (count, ndim) tensor. */
  asTuple?: boolean;
}

/**
 * The indices of the non-zero elements (PyTorch's `torch.nonzero`; NaN counts as non-zero), in
 * row-major order: an int32 (count, ndim) tensor, or with `asTuple` one 1-D tensor per dim. The
 * count depends on the values, so they are read on the host (a backend that cannot read
 * synchronously throws). Not differentiable.
 * @param x - The tensor.
 * @param opts - `asTuple`.
 * @returns The indices.
 * @example
 * nonzero(tensor([[0, 2], [3, 0]])).tolist(); // [[0, 1], [1, 0]]
 * nonzero(tensor([0, 4, 5]), { asTuple: true })[0]!.tolist(); // [1, 2]
 */
export function nonzero(x: Tensor, opts: NonzeroOptions & { asTuple: true }): Tensor[];
/**
 * {@link nonzero} without `asTuple`: one int32 (count, ndim) tensor. Not differentiable.
 * @param x - The tensor.
 * @param opts - `asTuple` false.
 * @returns The (count, ndim) indices.
 * @example nonzero(tensor([1, 0, 1])).tolist(); // [[0], [2]]
 */
export function nonzero(x: Tensor, opts?: NonzeroOptions): Tensor;
export function nonzero(x: Tensor, opts: NonzeroOptions = {}): Tensor | Tensor[] {
  const v = hostValues('nonzero', x.contiguous());
  const r = x.ndim;
  const strides = x.shape.map((_, i) => sizeOf(x.shape.slice(i + 1)));
  const out: number[] = [];
  for (let j = 0; j < v.length; j++) if (v[j] !== 0) for (let d = 0; d < r; d++) out.push(Math.floor(j / strides[d]!) % x.shape[d]!);
  const count = r === 0 ? Number(v.length === 1 && v[0] !== 0) : out.length / r;
  const idx = fromArray(Int32Array.from(out), [count, r], { device: x.device });
  if (!opts.asTuple) return idx;
  return r === 0 ? [fromArray(new Int32Array(count), [count], { device: x.device })] : Array.from({ length: r }, (_, d) => idx.select(1, d).contiguous());
}

/**
 * The elements of x where `mask` is true, as a 1-D tensor (PyTorch's `torch.masked_select`);
 * x and mask broadcast. The length depends on the mask, which is read on the host (a backend
 * that cannot read synchronously throws). Gradient: g back to the selected positions.
 * @param x - The tensor.
 * @param mask - A bool tensor, broadcastable with x.
 * @returns The selected elements, in row-major order.
 * @example maskedSelect(tensor([[1, 2], [3, 4]]), tensor([true, false], { dtype: 'bool' })).tolist(); // [1, 3]
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  if (mask.dtype !== 'bool') throw new ValueError('maskedSelect', `expected a bool mask, got ${mask.dtype}`, { x: x.shape, mask: mask.shape });
  const shape = broadcastShapes('maskedSelect', { x: x.shape, mask: mask.shape });
  const m = hostValues('maskedSelect', mask.expand(shape).contiguous());
  const picks: number[] = [];
  for (let j = 0; j < m.length; j++) if (m[j]) picks.push(j);
  return x.expand(shape).reshape([-1]).indexSelect(0, fromArray(Int32Array.from(picks), [picks.length], { device: x.device }));
}
