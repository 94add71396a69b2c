// flip, roll, repeat, tile, repeatInterleave, unbind, movedim, broadcastTo: shape ops composed
// from indexSelect, slices, cat, expand and reshape (so gradients and the GPU come with them).

import { ShapeError, ValueError } from '../../errors.js';
import { normalizeDim, normalizeDims } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../cat.js';
import { arange, fromArray } from '../creation.js';

const idx = (x: Tensor, values: readonly number[]) => fromArray(Int32Array.from(values), [values.length], { device: x.device });

/**
 * Reverses the order of elements along `dims` (PyTorch's `torch.flip`; a copy, as in PyTorch).
 * Gradient: g flipped back.
 * @param x - The tensor.
 * @param dims - The dims to reverse (negative allowed).
 * @returns A tensor of x's shape.
 * @example
 * flip(tensor([[1, 2], [3, 4]]), [0, 1]).tolist(); // [[4, 3], [2, 1]]
 * flip(tensor([1, 2, 3]), -1).tolist(); // [3, 2, 1]
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  let y = x;
  for (const d of new Set(normalizeDims('flip', dims, x.ndim))) {
    const n = x.shape[d]!;
    y = y.indexSelect(d, arange(n - 1, -1, -1, { dtype: 'int32', device: x.device }));
  }
  return y === x ? x.clone() : y;
}

/**
 * Rolls elements along `dims` by `shifts` (PyTorch's `torch.roll`): elements pushed past the end
 * come back at the start. Without dims the flattened tensor is rolled and the shape restored.
 * Gradient: g rolled back.
 * @param x - The tensor.
 * @param shifts - Places to shift by (negative: towards the start), one per dim.
 * @param dims - The dims to roll; omitted: the flattened tensor.
 * @returns A tensor of x's shape.
 * @example
 * roll(tensor([1, 2, 3, 4]), 1).tolist(); // [4, 1, 2, 3]
 * roll(tensor([[1, 2], [3, 4]]), [1, -1], [0, 1]).tolist(); // [[4, 3], [2, 1]]
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const s = typeof shifts === 'number' ? [shifts] : shifts;
  if (dims === undefined) {
    if (s.length !== 1) throw new ValueError('roll', `without dims, shifts must be one number, got [${s.join(', ')}]`, { x: x.shape });
    return roll(x.reshape([-1]), s, [0]).reshape(x.shape);
  }
  const ds = typeof dims === 'number' ? [dims] : dims;
  if (ds.length !== s.length) throw new ValueError('roll', `shifts and dimensions must align, got ${s.length} shifts and ${ds.length} dims`, { x: x.shape });
  let y = x;
  ds.forEach((dim, i) => {
    const d = normalizeDim('roll', dim, x.shape);
    const n = x.shape[d]!;
    const k = n === 0 ? 0 : ((s[i]! % n) + n) % n;
    if (k > 0) y = cat([y.narrow(d, n - k, k), y.narrow(d, 0, n - k)], d);
  });
  return y === x ? x.clone() : y;
}

/**
 * Repeats the whole tensor along each dim (PyTorch's `Tensor.repeat`, numpy's tile): `sizes` has
 * at least x.ndim entries, and leading extra ones add dims. Gradient: g summed over the copies.
 * @param x - The tensor.
 * @param sizes - Copies per dim (an array, or the numbers as arguments).
 * @returns A tensor of shape sizes[i] * x.shape[i] (x's shape padded with leading 1s).
 * @example
 * repeat(tensor([1, 2]), 2, 2).tolist(); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * repeat(tensor([[1], [2]]), [1, 3]).tolist(); // [[1, 1, 1], [2, 2, 2]]
 */
export function repeat(x: Tensor, ...sizes: (number | readonly number[])[]): Tensor {
  const r = sizes.length === 1 && typeof sizes[0] !== 'number' ? sizes[0]! : (sizes as number[]);
  if (r.length < x.ndim) {
    throw new ShapeError('repeat', `number of repeat dims (${r.length}) can not be smaller than the number of tensor dims (${x.ndim})`, { x: x.shape });
  }
  if (r.some((v) => !Number.isInteger(v) || v < 0)) throw new ValueError('repeat', `repeats must be non-negative integers, got [${r.join(', ')}]`, { x: x.shape });
  const s = [...Array<number>(r.length - x.ndim).fill(1), ...x.shape];
  const split = s.flatMap((v) => [1, v]);
  const big = s.flatMap((v, i) => [r[i]!, v]);
  return x.reshape(split).expand(big).reshape(s.map((v, i) => v * r[i]!));
}

/**
 * Repeats the tensor along each dim (PyTorch's `torch.tile`): like {@link repeat}, but `dims`
 * shorter than x's rank is padded with leading 1s. Gradient: g summed over the copies.
 * @param x - The tensor.
 * @param dims - Copies per dim.
 * @returns The tiled tensor.
 * @example tile(tensor([[1, 2], [3, 4]]), [2]).tolist(); // [[1, 2, 1, 2], [3, 4, 3, 4]]
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  return repeat(x, [...Array<number>(Math.max(0, x.ndim - dims.length)).fill(1), ...dims]);
}

/** Options of {@link repeatInterleave}. */
export interface RepeatInterleaveOptions {
  /** The total length of the result along the dim, when known (a check here; PyTorch uses it to avoid a sync). */
  outputSize?: number;
}

/**
 * Repeats each element (or each slice along `dim`) `repeats` times in place (PyTorch's
 * `torch.repeat_interleave`). Without `dim` x is flattened first. `repeats` may be a tensor with
 * one count per element along the dim: its values are read on the host, as the result's size
 * depends on them. Gradient: g summed over each element's copies.
 * @param x - The tensor.
 * @param repeats - Copies of each element: a number, or an int32 tensor of x.shape[dim] counts (or one).
 * @param dim - The dim to repeat along; omitted: the flattened tensor.
 * @param opts - `outputSize`.
 * @returns The repeated tensor.
 * @example
 * repeatInterleave(tensor([1, 2]), 2).tolist(); // [1, 1, 2, 2]
 * repeatInterleave(tensor([[1, 2], [3, 4]]), tensor([1, 2], { dtype: 'int32' }), 0).tolist(); // [[1, 2], [3, 4], [3, 4]]
 */
export function repeatInterleave(x: Tensor, repeats: number | Tensor, dim?: number, opts: RepeatInterleaveOptions = {}): Tensor {
  if (dim === undefined) return repeatInterleave(x.reshape([-1]), repeats, 0, opts);
  const d = normalizeDim('repeatInterleave', dim, Math.max(1, x.ndim));
  const y = x.ndim === 0 ? x.reshape([1]) : x;
  const n = y.shape[d]!;
  let counts: number[];
  if (typeof repeats === 'number') counts = Array<number>(n).fill(repeats);
  else {
    const v = Array.from(repeats.dataSync(), Number);
    counts = v.length === 1 ? Array<number>(n).fill(v[0]!) : v;
  }
  if (counts.length !== n) throw new ShapeError('repeatInterleave', `repeats must have the same size as input along dim, got ${counts.length} and ${n}`, { x: x.shape });
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) throw new ValueError('repeatInterleave', 'repeats can not be negative', { x: x.shape });
  const picks = counts.flatMap((c, i) => Array<number>(c).fill(i));
  if (opts.outputSize !== undefined && opts.outputSize !== picks.length) {
    throw new ValueError('repeatInterleave', `outputSize ${opts.outputSize} does not match the repeats' total ${picks.length}`, { x: x.shape });
  }
  return y.indexSelect(d, idx(y, picks));
}

/**
 * Removes a dim, returning the slices along it (PyTorch's `torch.unbind`; views). Gradient: each
 * slice's g in its place.
 * @param x - The tensor.
 * @param dim - The dim to remove (default 0).
 * @returns x.shape[dim] tensors without that dim.
 * @example unbind(tensor([[1, 2], [3, 4]]), 1).map((t) => t.tolist()); // [[1, 3], [2, 4]]
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim('unbind', dim, x.shape);
  return Array.from({ length: x.shape[d]! }, (_, i) => x.select(d, i));
}

/**
 * Moves dims `source` to positions `destination`, the others keeping their order (PyTorch's
 * `torch.movedim`; a view). Gradient: g with the dims moved back.
 * @param x - The tensor.
 * @param source - The dim(s) to move.
 * @param destination - Where they go (as many as `source`).
 * @returns A permuted view.
 * @example movedim(zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = typeof source === 'number' ? [source] : source;
  const dst = typeof destination === 'number' ? [destination] : destination;
  if (src.length !== dst.length) {
    throw new ValueError('movedim', `Invalid source or destination dims: source ([${src.join(', ')}]) and destination ([${dst.join(', ')}]) must have the same number of elements`, { x: x.shape });
  }
  const s = src.map((v) => normalizeDim('movedim', v, x.shape));
  const t = dst.map((v) => normalizeDim('movedim', v, x.shape, 'destination'));
  if (new Set(s).size !== s.length || new Set(t).size !== t.length) throw new ValueError('movedim', 'repeated dim in source or destination', { x: x.shape });
  const perm = Array<number>(x.ndim).fill(-1);
  s.forEach((v, i) => (perm[t[i]!] = v));
  const rest = [...x.shape.keys()].filter((i) => !s.includes(i));
  let k = 0;
  for (let i = 0; i < perm.length; i++) if (perm[i] === -1) perm[i] = rest[k++]!;
  return x.permute(perm);
}

/**
 * `x` broadcast to `shape` (PyTorch's `torch.broadcast_to`, the same as {@link expand}; a view).
 * Gradient: summed over the broadcast dims.
 * @param x - The tensor.
 * @param shape - The target shape.
 * @returns A view of `shape`.
 * @example broadcastTo(tensor([1, 2]), [2, 2]).tolist(); // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return x.expand(shape);
}
