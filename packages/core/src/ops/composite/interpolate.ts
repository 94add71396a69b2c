// interpolate (torch.nn.functional.interpolate): nearest, nearest-exact, linear and bilinear
// resizing of the spatial dims, one dim at a time with indexSelect (and a weighted sum of two
// neighbours for linear modes; bilinear is linear along H then W, which is the same product).

import { ShapeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { fromArray } from '../creation.js';
import { indexSelect } from '../indexing/index-select.js';
import { requireFloat } from '../helpers.js';

/** The resampling of {@link interpolate}. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear';

// PyTorch's area_pixel_compute_scale
function pixelScale(n: number, out: number, alignCorners: boolean, factor: number | undefined): number {
  if (alignCorners) return out > 1 ? (n - 1) / (out - 1) : 0;
  return factor !== undefined && factor > 0 ? 1 / factor : n / out;
}

function resizeDim(x: Tensor, dim: number, out: number, mode: InterpolateMode, alignCorners: boolean, factor: number | undefined): Tensor {
  const n = x.shape[dim]!;
  const scale = pixelScale(n, out, alignCorners, factor);
  const index = (a: ArrayLike<number>) => fromArray(Int32Array.from(a), [out], { device: x.device });
  if (mode === 'nearest' || mode === 'nearest-exact') {
    const shift = mode === 'nearest' ? 0 : 0.5;
    return indexSelect(x, dim, index(Array.from({ length: out }, (_, o) => Math.min(Math.floor((o + shift) * scale), n - 1))));
  }
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const w = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    const src = alignCorners ? scale * o : Math.max(scale * (o + 0.5) - 0.5, 0);
    lo[o] = Math.min(Math.floor(src), n - 1);
    hi[o] = Math.min(lo[o]! + 1, n - 1);
    w[o] = src - lo[o]!;
  }
  const bshape = x.shape.map((s, d) => (d === dim ? out : 1));
  const w1 = fromArray(w, bshape, { dtype: x.dtype, device: x.device });
  const a = indexSelect(x, dim, index(lo));
  const b = indexSelect(x, dim, index(hi));
  return a.add(b.sub(a).mul(w1));
}

/**
 * Resizes the spatial dims of (N, C, L) or (N, C, H, W) input, as torch.nn.functional.interpolate:
 * to `size`, or to floor(n * scaleFactor). `'nearest'` picks source floor(o * scale) (PyTorch's
 * legacy rule), `'nearest-exact'` floor((o + 0.5) * scale); `'linear'` (3-d input) and
 * `'bilinear'` (4-d) blend the two nearest sources, with half-pixel centres or, with
 * `alignCorners`, the corner pixels of input and output aligned. When `scaleFactor` is given the
 * source positions use 1 / scaleFactor, as PyTorch does. Gradient: each output's gradient goes back
 * to its source(s) (weighted for linear modes).
 * @param input - (N, C, L) for nearest/linear, (N, C, H, W) for nearest/bilinear.
 * @param size - Output spatial size (a number for every dim, or one per dim).
 * @param scaleFactor - Multiplier of the spatial sizes (instead of `size`).
 * @param mode - `'nearest'` (default), `'nearest-exact'`, `'linear'` or `'bilinear'`.
 * @param alignCorners - Linear modes only: align the corner pixels (default false).
 * @returns The resized tensor (N, C, *size).
 * @example
 * interpolate(tensor([[[1, 2]]]), 4).tolist(); // [[[1, 1, 2, 2]]]
 * interpolate(tensor([[[1, 2]]]), 4, null, 'linear').tolist(); // [[[1, 1.25, 1.75, 2]]]
 * interpolate(tensor([[[1, 2]]]), 3, null, 'linear', true).tolist(); // [[[1, 1.5, 2]]]
 */
export function interpolate(input: Tensor, size?: number | readonly number[] | null, scaleFactor?: number | readonly number[] | null,
  mode: InterpolateMode = 'nearest', alignCorners?: boolean | null): Tensor {
  requireFloat('interpolate', 'input', input);
  const nd = input.ndim - 2;
  if (nd < 1 || nd > 2) throw new ShapeError('interpolate', `expected a 3-d (N, C, L) or 4-d (N, C, H, W) input, got ${input.ndim}-d`, { input: input.shape });
  if (!['nearest', 'nearest-exact', 'linear', 'bilinear'].includes(mode)) {
    throw new ValueError('interpolate', `mode must be 'nearest', 'nearest-exact', 'linear' or 'bilinear', got '${String(mode)}'`);
  }
  if ((mode === 'linear' && nd !== 1) || (mode === 'bilinear' && nd !== 2)) {
    throw new ShapeError('interpolate', `mode '${mode}' needs a ${mode === 'linear' ? 3 : 4}-d input, got ${input.ndim}-d`, { input: input.shape });
  }
  const linear = mode === 'linear' || mode === 'bilinear';
  if (!linear && alignCorners !== undefined && alignCorners !== null) {
    throw new ValueError('interpolate', `alignCorners can only be set with the linear modes, not '${mode}'`);
  }
  const hasSize = size !== undefined && size !== null;
  const hasFactor = scaleFactor !== undefined && scaleFactor !== null;
  if (hasSize === hasFactor) throw new ValueError('interpolate', 'give exactly one of size and scaleFactor');
  const each = <T>(v: T | readonly T[], what: string): T[] => {
    const arr = Array.isArray(v) ? [...(v as readonly T[])] : Array<T>(nd).fill(v as T);
    if (arr.length !== nd) throw new ValueError('interpolate', `${what} needs ${nd} values for a ${input.ndim}-d input, got ${arr.length}`);
    return arr;
  };
  const factors = hasFactor ? each(scaleFactor!, 'scaleFactor') : undefined;
  const sizes = hasSize ? each(size!, 'size') : factors!.map((f, j) => Math.floor(input.shape[2 + j]! * f));
  if (!sizes.every((s) => Number.isInteger(s) && s > 0)) throw new ValueError('interpolate', `output sizes must be positive integers, got [${sizes.join(', ')}]`, { input: input.shape });
  if (input.shape.slice(2).some((s) => s === 0)) throw new ShapeError('interpolate', 'the input\'s spatial dims must be non-empty', { input: input.shape });
  let out = input;
  for (let j = 0; j < nd; j++) out = resizeDim(out, 2 + j, sizes[j]!, mode, alignCorners ?? false, factors?.[j]);
  return out;
}
