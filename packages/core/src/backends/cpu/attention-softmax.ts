// scaledMaskedSoftmax (scale + bool/additive/causal mask + softmax, one pass per row) and
// softmaxBackward (scale * y (g - sum(g y)) along a dim), in the decompositions' operation order.
// Float32 rows of 4 or more take the wasm row kernels for exp, max and sum (within float32 rounding).

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import { broadcastStrides, contiguousStrides, isContiguous, sizeOf } from '../../shape.js';
import { offsetsOf } from '../../strided.js';
import { dataOf, wrap } from './storage.js';
import { expRowsF32, maskedSoftmaxF32, softmaxGradF32, type RowMask } from './vector-wasm.js';
import { allocOut } from './reuse.js';

let tmp = new Float64Array(256); // one row of exponentials, reused across calls
function rowBuffer(n: number): Float64Array {
  if (tmp.length < n) tmp = new Float64Array(n);
  return tmp;
}

/** The storage offset of the start of every row along `dim` (outer dims in row-major order). */
function rowStarts(shape: readonly number[], strides: readonly number[], offset: number, dim: number): Int32Array {
  return offsetsOf(shape.map((s, i) => (i === dim ? 1 : s)), strides, offset);
}

/**
 * Replaces e[0..n) by exp(e - max) (max 0 for an all -inf row, so it gives NaN as PyTorch does)
 * and returns 1 / their sum: the caller writes e[j] * inv.
 */
function expShifted(e: Float64Array, n: number): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const v = e[j]!;
    if (v > max || v !== v) max = v;
  }
  if (max === -Infinity) max = 0;
  let s = 0;
  for (let j = 0; j < n; j++) {
    const d = e[j]! - max;
    const t = d === -Infinity ? 0 : Math.exp(d); // masked keys skip the exp call (exp(-inf) is 0 anyway)
    e[j] = t;
    s += t;
  }
  return 1 / s;
}

/**
 * The whole softmax in one wasm kernel (maskedSoftmaxF32), where the float32 scores are contiguous
 * rows and the mask, if any, runs along the keys with stride 1 (additive float32 or bool bytes);
 * false where it does not apply or declines, and the caller computes the rows itself.
 */
function fusedRows(res: Float32Array, xd: unknown, offset: number, xRows: Int32Array, xs: number, n: number, scale: number, causalL: number,
  mask: 'none' | 'bool' | 'additive', md: unknown, ms: number, mRows: Int32Array | null): boolean {
  if (!(xd instanceof Float32Array) || xs !== 1) return false;
  for (let r = 0; r < xRows.length; r++) if (xRows[r] !== offset + r * n) return false;
  let rm: RowMask | null = null;
  if (mask !== 'none') {
    if (ms !== 1 || !(mask === 'additive' ? md instanceof Float32Array : md instanceof Uint8Array)) return false;
    rm = { kind: mask, data: md as Float32Array | Uint8Array, rowStarts: mRows! };
  }
  return maskedSoftmaxF32(xd.subarray(offset, offset + xRows.length * n), xRows.length, n, scale, causalL, rm, res);
}

/** y = softmax(x scale [causal -inf] [mask: -inf where false | + mask]) over the last dim. */
export const scaledMaskedSoftmaxKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const { scale, isCausal, mask } = attrs as { scale: number; isCausal: boolean; mask: 'none' | 'bool' | 'additive' };
  const x = inputs[0]!;
  const rank = out.shape.length;
  const n = rank === 0 ? 1 : out.shape[rank - 1]!;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  if (res.length === 0) return wrap(res, out.dtype);
  const L = rank >= 2 ? out.shape[rank - 2]! : 1;
  const last = Math.max(rank - 1, 0);
  const xd = dataOf(x.storage);
  const xs = rank === 0 ? 0 : x.strides[last]!;
  const xRows = rank === 0 ? Int32Array.of(x.offset) : rowStarts(x.shape, x.strides, x.offset, last);
  let md: ArrayLike<number> = xd;
  let ms = 0;
  let mRows: Int32Array | null = null;
  if (mask !== 'none') {
    const m: KernelInput = inputs[1]!;
    const mStrides = broadcastStrides(m.shape, m.strides, out.shape);
    md = dataOf(m.storage);
    ms = rank === 0 ? 0 : mStrides[last]!;
    mRows = rank === 0 ? Int32Array.of(m.offset) : rowStarts(out.shape, mStrides, m.offset, last);
  }
  if (res instanceof Float32Array && n >= 4 && fusedRows(res, xd, x.offset, xRows, xs, n, scale, isCausal ? L : 0, mask, md, ms, mRows)) return wrap(res, out.dtype);
  // float32 rows of 4 or more: the masked scores here, exp/max/sum on the wasm row kernels
  const f32 = res instanceof Float32Array && n >= 4 ? res : null;
  const e = rowBuffer(n);
  for (let r = 0, o = 0; r < xRows.length; r++, o += n) {
    const b = xRows[r]!;
    const causalEnd = isCausal ? Math.min((r % L) + 1, n) : n; // keys j >= causalEnd are masked
    const mb = mRows ? mRows[r]! : 0;
    // the masked scores, in the decomposition's order: scale, causal -inf, then the mask
    for (let j = 0; j < causalEnd; j++) e[j] = xd[b + j * xs]! * scale;
    for (let j = causalEnd; j < n; j++) e[j] = -Infinity;
    if (mask === 'bool') {
      for (let j = 0; j < n; j++) if (md[mb + j * ms] === 0) e[j] = -Infinity;
    } else if (mask === 'additive') {
      for (let j = 0; j < n; j++) e[j] = e[j]! + md[mb + j * ms]!;
    }
    if (f32) {
      for (let j = 0; j < n; j++) f32[o + j] = e[j]!;
      continue;
    }
    const inv = expShifted(e, n);
    for (let j = 0; j < n; j++) res[o + j] = e[j]! * inv;
  }
  if (f32 && !expRowsF32(f32, xRows.length, n, (_r, _m, s) => 1 / s, f32)) {
    // the wasm kernels declined (no WebAssembly, or past their memory cap): the same rows here
    for (let o = 0; o < f32.length; o += n) {
      e.set(f32.subarray(o, o + n));
      const inv = expShifted(e, n);
      for (let j = 0; j < n; j++) f32[o + j] = e[j]! * inv;
    }
  }
  return wrap(res, out.dtype);
};

/** dx = y (g - sum(g y, dim)) [* scale], row by row along `dim`. */
export const softmaxBackwardKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const { dim, scale } = attrs as { dim: number; scale: number };
  const [g, y] = [inputs[0]!, inputs[1]!];
  const res = allocOut(out.dtype, sizeOf(out.shape));
  if (res.length === 0) return wrap(res, out.dtype);
  const rank = out.shape.length;
  const n = rank === 0 ? 1 : out.shape[dim]!;
  const gd = dataOf(g.storage);
  const yd = dataOf(y.storage);
  // float32 rows along the last dim, both operands dense: the wasm kernel (the same bits)
  if (res instanceof Float32Array && gd instanceof Float32Array && yd instanceof Float32Array && dim === rank - 1 && res.length >= 2048 &&
    isContiguous(g.shape, g.strides) && isContiguous(y.shape, y.strides) && softmaxGradF32(gd.subarray(g.offset, g.offset + res.length), yd.subarray(y.offset, y.offset + res.length), res.length / n, n, scale, res)) {
    return wrap(res, out.dtype);
  }
  const [gs, ys] = rank === 0 ? [0, 0] : [g.strides[dim]!, y.strides[dim]!];
  const gRows = rank === 0 ? Int32Array.of(g.offset) : rowStarts(g.shape, g.strides, g.offset, dim);
  const yRows = rank === 0 ? Int32Array.of(y.offset) : rowStarts(y.shape, y.strides, y.offset, dim);
  const oRows = rank === 0 || dim === rank - 1 ? null : rowStarts(out.shape, contiguousStrides(out.shape), 0, dim);
  const os = rank === 0 ? 0 : contiguousStrides(out.shape)[dim]!;
  for (let r = 0; r < gRows.length; r++) {
    const gb = gRows[r]!;
    const yb = yRows[r]!;
    const ob = oRows ? oRows[r]! : r * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += gd[gb + j * gs]! * yd[yb + j * ys]!;
    if (scale === 1) for (let j = 0; j < n; j++) res[ob + j * os] = yd[yb + j * ys]! * (gd[gb + j * gs]! - s);
    else for (let j = 0; j < n; j++) res[ob + j * os] = yd[yb + j * ys]! * (gd[gb + j * gs]! - s) * scale;
  }
  return wrap(res, out.dtype);
};

