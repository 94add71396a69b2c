// pad (torch.nn.functional.pad): constant, reflect, replicate and circular padding of the last
// dims, written with cat (constant) and indexSelect (the other modes), so it runs and
// differentiates on every backend through those ops' kernels.

import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../cat.js';
import { fromArray, full } from '../creation.js';
import { indexSelect } from '../indexing/index-select.js';
import { narrow } from '../movement/slice.js';

/** How {@link pad} fills the new border. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

// the source index of each output position along a dim of size n padded by (l, r)
function sourceIndex(mode: Exclude<PadMode, 'constant'>, n: number, l: number, r: number): Int32Array {
  const idx = new Int32Array(n + l + r);
  for (let o = 0; o < idx.length; o++) {
    const i = o - l;
    if (mode === 'replicate') idx[o] = Math.min(Math.max(i, 0), n - 1);
    else if (mode === 'circular') idx[o] = ((i % n) + n) % n;
    else idx[o] = i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;
  }
  return idx;
}

function checkPadding(x: Tensor, padding: readonly number[], mode: PadMode): void {
  const k = padding.length / 2;
  if (padding.length % 2 !== 0 || !padding.every(Number.isInteger)) {
    throw new ValueError('pad', `padding must be an even-length list of integers (left, right pairs from the last dim), got [${padding.join(', ')}]`, { x: x.shape });
  }
  if (k > x.ndim) throw new ValueError('pad', `padding of length ${padding.length} pads ${k} dims but the input has ${x.ndim}`, { x: x.shape });
  if (mode === 'constant') return;
  if (!['reflect', 'replicate', 'circular'].includes(mode)) {
    throw new ValueError('pad', `mode must be 'constant', 'reflect', 'replicate' or 'circular', got '${String(mode)}'`);
  }
  if (k > 3 || (x.ndim !== k + 1 && x.ndim !== k + 2)) {
    throw new ValueError('pad', `${mode} padding of the last ${k} dims needs a ${k + 1}-d or ${k + 2}-d input, got ${x.ndim}-d`, { x: x.shape },
      'non-constant modes pad the spatial dims of (C, *spatial) or (N, C, *spatial) inputs, at most 3 of them');
  }
  for (let j = 0; j < k; j++) {
    const n = x.shape[x.ndim - 1 - j]!;
    const [l, r] = [padding[2 * j]!, padding[2 * j + 1]!];
    if (l < 0 || r < 0) throw new ValueError('pad', `${mode} padding must be non-negative, got (${l}, ${r}) for dim ${x.ndim - 1 - j}`, { x: x.shape });
    const limit = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : Infinity;
    if ((l > 0 || r > 0) && (n === 0 || l > limit || r > limit)) {
      throw new ValueError('pad', `${mode} padding (${l}, ${r}) is too large for dim ${x.ndim - 1 - j} of size ${n}`, { x: x.shape },
        mode === 'reflect' ? 'reflect padding must be smaller than the dim' : mode === 'circular' ? 'circular padding must be at most the dim' : 'the dim must not be empty');
    }
  }
}

/**
 * Pads the last dims of `x`, as torch.nn.functional.pad: `padding` lists (left, right) pairs from
 * the last dim backwards, so `[1, 2]` pads the last dim by 1 before and 2 after and `[1, 1, 2, 2]`
 * also pads the dim before it by 2 on each side. Modes:
 * - `'constant'`: fills with `value` (default 0); negative padding crops.
 * - `'reflect'`: mirrors without repeating the edge ([1, 2, 3] padded by 2 on the left: 3, 2, 1, 2, 3); padding < the dim.
 * - `'replicate'`: repeats the edge value.
 * - `'circular'`: wraps around; padding <= the dim.
 *
 * Non-constant modes pad at most 3 dims of a (C, *spatial) or (N, C, *spatial) input.
 * Gradient: the output gradient's interior (constant), or its values summed back onto the source
 * positions they were copied from (the other modes).
 * @param x - The input.
 * @param padding - (left, right) pairs, last dim first; length 2k pads the last k dims.
 * @param mode - `'constant'` (default), `'reflect'`, `'replicate'` or `'circular'`.
 * @param value - The fill value of constant padding.
 * @returns The padded tensor (a new tensor).
 * @example
 * pad(tensor([[1, 2, 3]]), [2, 1], 'reflect').tolist(); // [[3, 2, 1, 2, 3, 2]]
 * pad(tensor([[1, 2]]), [1, 1], 'constant', 9).tolist(); // [[9, 1, 2, 9]]
 * pad(tensor([[1, 2, 3]]), [1, 2], 'circular').tolist(); // [[3, 1, 2, 3, 1, 2]]
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  checkPadding(x, padding, mode);
  let out = x;
  for (let j = 0; j < padding.length / 2; j++) {
    const dim = x.ndim - 1 - j;
    let [l, r] = [padding[2 * j]!, padding[2 * j + 1]!];
    if (l === 0 && r === 0) continue;
    if (mode !== 'constant') {
      const idx = fromArray(sourceIndex(mode, out.shape[dim]!, l, r), [out.shape[dim]! + l + r], { device: out.device });
      out = indexSelect(out, dim, idx);
      continue;
    }
    const n = out.shape[dim]!;
    if (l < 0 || r < 0) {
      const start = Math.max(0, -l);
      const len = n - start - Math.max(0, -r);
      if (len < 0) throw new ValueError('pad', `negative padding (${l}, ${r}) removes more than dim ${dim}'s ${n} elements`, { x: x.shape });
      out = narrow(out, dim, start, len);
      l = Math.max(0, l);
      r = Math.max(0, r);
    }
    const border = (m: number) => full(out.shape.map((s, d) => (d === dim ? m : s)), value, { dtype: out.dtype, device: out.device });
    const parts = [...(l > 0 ? [border(l)] : []), out, ...(r > 0 ? [border(r)] : [])];
    if (parts.length > 1) out = cat(parts, dim);
  }
  return out.storage === x.storage ? out.clone() : out; // always a new tensor, never a view of x
}
