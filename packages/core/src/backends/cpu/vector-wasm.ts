// The float32 vector kernels of the wasm module (wasm/vector-module.ts) from TypeScript: stage the
// operands into wasm memory, split rows or elements over the helper threads, copy results out.
// Each returns false (doing nothing) where WebAssembly SIMD is unavailable or the data does not
// fit, and the caller then runs its TypeScript loop.

import { readyHelpers, runJobs, poolSize, type Chunk } from './threads/pool.js';
import { align, ensureBytes, kernelIndex, wasmGemm, WORKSPACE_BYTES, type WasmGemm } from './wasm/runtime.js';

/** Work (elements) below which the kernels stay on the calling thread. */
const THREADED_MIN = 1 << 16;

/**
 * `n` units of work cut into about two chunks per thread, each a multiple of `unit` (but the last);
 * the threads are the ready helpers, or those of `allowed` (a matmul's), from THREADED_MIN work.
 */
export function chunksOf(g: WasmGemm, n: number, unit: number, work: number, allowed?: readonly number[]): { chunks: Chunk[]; helpers: readonly number[] } {
  const helpers = work < THREADED_MIN ? [] : allowed ?? readyHelpers(g);
  const parts = Math.max(1, Math.min(2 * (helpers.length + 1), Math.ceil(n / unit)));
  const cut = (q: number) => Math.min(n, Math.round((Math.ceil(n / unit) * q) / parts) * unit);
  return { chunks: Array.from({ length: parts }, (_, q) => [cut(q), cut(q + 1), 0, 0, 0, 0]), helpers };
}

/** Byte address past every thread's workspace, where a call may lay out its operands. */
export const freeFrom = (): number => align(WORKSPACE_BYTES * (poolSize() + 1));

/**
 * Per row of the contiguous [rows, cols] `x` (cols >= 4): the max m (NaN if the row has one, 0 for
 * an all -inf row) and s = sum exp(x - m), as stats[2r] = m, stats[2r + 1] = s. With `scale`, also
 * writes res = exp(x - m) * scale(r, m, s) (row r, all of it).
 */
export function expRowsF32(x: Float32Array, rows: number, cols: number, scale?: (r: number, m: number, s: number) => number, res?: Float32Array): Float64Array | null {
  const g = wasmGemm();
  if (!g || cols < 4) return null;
  const bytes = 4 * rows * cols;
  const xAt = freeFrom();
  const oAt = scale ? align(xAt + bytes) : 0;
  const sAt = align((scale ? oAt : xAt) + bytes);
  const fAt = align(sAt + 16 * rows);
  if (!ensureBytes(g, fAt + 4 * rows)) return null;
  new Float32Array(g.memory.buffer, xAt, rows * cols).set(x);
  const { chunks, helpers } = chunksOf(g, rows, 1, rows * cols);
  runJobs(g, [kernelIndex('rowexp_f32'), xAt, oAt, cols, sAt, 0, 0, 0, 0], chunks, helpers);
  const stats = new Float64Array(g.memory.buffer, sAt, 2 * rows).slice();
  if (scale && res) {
    const f = new Float32Array(g.memory.buffer, fAt, rows);
    for (let r = 0; r < rows; r++) f[r] = scale(r, stats[2 * r]!, stats[2 * r + 1]!);
    runJobs(g, [kernelIndex('rowscale_f32'), oAt, fAt, cols, 0, 0, 0, 0, 0], chunks, helpers);
    res.set(new Float32Array(g.memory.buffer, oAt, rows * cols));
  }
  return stats;
}

/** A key mask for maskedSoftmaxF32: additive float32 or bool (bytes), output row r's mask at data[rowStarts[r] + j]. */
export interface RowMask {
  readonly kind: 'additive' | 'bool';
  readonly data: Float32Array | Uint8Array;
  readonly rowStarts: Int32Array;
}

/**
 * softmax(x scale [causal -inf] [mask]) of `rows` contiguous float32 rows of n >= 4 scores into
 * `res`, one wasm pass per row (maskedsoftmax_f32): the same bits as the masked scores in
 * TypeScript followed by expRowsF32. causalL > 0 masks keys j > r % causalL. Returns false
 * (nothing done) without wasm SIMD or room.
 */
export function maskedSoftmaxF32(x: Float32Array, rows: number, n: number, scale: number, causalL: number, mask: RowMask | null, res: Float32Array): boolean {
  const g = wasmGemm();
  if (!g || n < 4) return false;
  let lo = mask ? Infinity : 0;
  let hi = mask ? -Infinity : 0;
  for (const s of mask?.rowStarts ?? []) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s + n);
  }
  const es = mask?.kind === 'additive' ? 4 : 1;
  const pAt = freeFrom();
  const sAt = align(pAt + 32);
  const xAt = align(sAt + 8);
  const oAt = align(xAt + 4 * rows * n);
  const mAt = align(oAt + 4 * rows * n);
  const rAt = align(mAt + es * (hi - lo));
  if (!ensureBytes(g, rAt + 4 * rows)) return false;
  const buf = g.memory.buffer;
  new Int32Array(buf, pAt, 8).set([xAt, oAt, n, mAt, rAt, mask ? (mask.kind === 'additive' ? 1 : 2) : 0, causalL, sAt]);
  new Float64Array(buf, sAt, 1)[0] = scale;
  new Float32Array(buf, xAt, rows * n).set(x.subarray(0, rows * n));
  if (mask) {
    const dst = mask.kind === 'additive' ? new Float32Array(buf, mAt, hi - lo) : new Uint8Array(buf, mAt, hi - lo);
    dst.set(mask.data.subarray(lo, hi));
    const starts = new Int32Array(buf, rAt, rows);
    for (let r = 0; r < rows; r++) starts[r] = mask.rowStarts[r]! - lo;
  }
  const { chunks, helpers } = chunksOf(g, rows, 1, rows * n);
  runJobs(g, [kernelIndex('maskedsoftmax_f32'), pAt, 0, 0, 0, 0, 0, 0, 0], chunks, helpers);
  res.set(new Float32Array(buf, oAt, rows * n));
  return true;
}

/** dropout's mask and scale of float32 `x` by the keep bytes into `res` (see dropout_f32); needs length >= 4. */
export function dropoutF32(x: Float32Array, keep: Uint8Array, q: number, res: Float32Array): boolean {
  const g = wasmGemm();
  const n = x.length;
  if (!g || n < 4) return false;
  const qAt = freeFrom();
  const xAt = align(qAt + 16);
  const kAt = align(xAt + 4 * n);
  const oAt = align(kAt + n);
  if (!ensureBytes(g, oAt + 4 * n)) return false;
  const buf = g.memory.buffer;
  new Float32Array(buf, qAt, 1)[0] = q;
  new Float32Array(buf, xAt, n).set(x);
  new Uint8Array(buf, kAt, n).set(keep.subarray(0, n));
  const { chunks, helpers } = chunksOf(g, n, 4, n);
  runJobs(g, [kernelIndex('dropout_f32'), xAt, kAt, oAt, n, qAt, 0, 0, 0], chunks, helpers);
  res.set(new Float32Array(buf, oAt, n));
  return true;
}

/** Exact (erf) GELU of float32 `x` into `res`, or with `grad`, res = grad gelu'(x); needs length >= 4. */
export function geluF32(x: Float32Array, res: Float32Array, grad?: Float32Array): boolean {
  const g = wasmGemm();
  const n = x.length;
  if (!g || n < 4) return false;
  const xAt = freeFrom();
  const oAt = align(xAt + 4 * n);
  const gAt = align(oAt + 4 * n);
  if (!ensureBytes(g, gAt + (grad ? 4 * n : 0))) return false;
  new Float32Array(g.memory.buffer, xAt, n).set(x);
  if (grad) new Float32Array(g.memory.buffer, gAt, n).set(grad);
  const { chunks, helpers } = chunksOf(g, n, 4, n);
  runJobs(g, [kernelIndex(grad ? 'gelugrad_f32' : 'gelu_f32'), xAt, oAt, gAt, n, 0, 0, 0, 0], chunks, helpers);
  res.set(new Float32Array(g.memory.buffer, oAt, n));
  return true;
}

/**
 * layerNorm (or, with `rms`, rmsNorm) of `rows` float32 rows of `d` elements (a multiple of 4) into
 * `res`, computed in float64 and rounded once (see layernorm_f32); `w` and `b` may be null.
 * Returns false (nothing done) without wasm SIMD, for other d, or without room.
 */
export function normRowsF32(x: Float32Array, rows: number, d: number, w: Float32Array | null, b: Float32Array | null, eps: number, rms: boolean, res: Float32Array): boolean {
  const g = wasmGemm();
  if (!g || d === 0 || d % 4 !== 0) return false;
  const n = rows * d;
  const eAt = freeFrom();
  const xAt = align(eAt + 8);
  const oAt = align(xAt + 4 * n);
  const wAt = align(oAt + 4 * n);
  const bAt = align(wAt + 4 * d);
  if (!ensureBytes(g, bAt + 4 * d)) return false;
  const buf = g.memory.buffer;
  new Float64Array(buf, eAt, 1)[0] = eps;
  new Float32Array(buf, xAt, n).set(x.subarray(0, n));
  if (w) new Float32Array(buf, wAt, d).set(w.subarray(0, d));
  if (b) new Float32Array(buf, bAt, d).set(b.subarray(0, d));
  const { chunks, helpers } = chunksOf(g, rows, 1, 2 * n);
  runJobs(g, [kernelIndex('layernorm_f32'), xAt, oAt, d, w ? wAt : 0, b ? bAt : 0, eAt, rms ? 1 : 0, 0], chunks, helpers);
  res.set(new Float32Array(buf, oAt, n));
  return true;
}

/**
 * The backward of `normRowsF32` (layernormgrad_f32): dx of `rows` float32 rows of `d` elements (a
 * multiple of 4) into `dx`, and the sums over rows of g xhat and g added into `dw` and `db` (float64,
 * either may be null). Computed in float64 as the TypeScript loop does; the threads' partial sums
 * are added in row order. Returns false (nothing done) without wasm SIMD, for other d, or without room.
 */
export function normGradRowsF32(g: Float32Array, x: Float32Array, rows: number, d: number, w: Float32Array | null, eps: number, rms: boolean,
  dx: Float32Array, dw: Float64Array | null, db: Float64Array | null): boolean {
  const m = wasmGemm();
  if (!m || d === 0 || d % 4 !== 0) return false;
  const n = rows * d;
  const { chunks, helpers } = chunksOf(m, rows, 1, 4 * n);
  const eAt = freeFrom();
  const gAt = align(eAt + 8);
  const xAt = align(gAt + 4 * n);
  const oAt = align(xAt + 4 * n);
  const wAt = align(oAt + 4 * n);
  const aAt = align(wAt + 4 * d);
  if (!ensureBytes(m, aAt + 16 * d * chunks.length)) return false;
  const buf = m.memory.buffer;
  new Float64Array(buf, eAt, 1)[0] = eps;
  new Float32Array(buf, gAt, n).set(g.subarray(0, n));
  new Float32Array(buf, xAt, n).set(x.subarray(0, n));
  if (w) new Float32Array(buf, wAt, d).set(w.subarray(0, d));
  const acc = new Float64Array(buf, aAt, 2 * d * chunks.length).fill(0);
  runJobs(m, [kernelIndex('layernormgrad_f32'), gAt, xAt, d, w ? wAt : 0, oAt, eAt, rms ? 1 : 0, aAt], chunks.map(([c0, c1], i) => [c0!, c1!, i, 0, 0, 0]), helpers);
  dx.set(new Float32Array(buf, oAt, n));
  for (let c = 0; c < chunks.length; c++) {
    for (let j = 0; j < d; j++) {
      if (dw) dw[j]! += acc[2 * d * c + j]!;
      if (db) db[j]! += acc[2 * d * c + d + j]!;
    }
  }
  return true;
}

/** The f32 constants of one Adam step, in the order adam_f32 reads them. */
export interface AdamConstsF32 { decay: number; wd: number; b1: number; c1: number; b2: number; c2: number; sqrtBc2: number; eps: number; stepSize: number }

/**
 * One Adam(W) update of the first `n` elements (a multiple of 4) of p, m, v (from their offsets)
 * with gradient g (from 0); `l2` adds wd p to the gradient instead of decaying p. The new p, m, v
 * go to `out` (one array, at its three offsets), or back in place without it. The same bits as the
 * TypeScript loop. Returns false (nothing done) without wasm SIMD or room.
 */
export function adamF32(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, [po, mo, vo]: readonly [number, number, number], n: number, k: AdamConstsF32, l2: boolean,
  out?: { readonly data: Float32Array; readonly at: readonly [number, number, number] }): boolean {
  const w = wasmGemm();
  if (!w || n < 4 || n % 4 !== 0) return false;
  const kAt = freeFrom();
  const at = [0, 1, 2, 3].map((q) => align(kAt + 64 + q * align(4 * n)));
  if (!ensureBytes(w, at[3]! + 4 * n)) return false;
  new Float32Array(w.memory.buffer, kAt, 9).set([k.decay, k.wd, k.b1, k.c1, k.b2, k.c2, k.sqrtBc2, k.eps, k.stepSize]);
  const views = at.map((a) => new Float32Array(w.memory.buffer, a, n));
  views[0]!.set(p.subarray(po, po + n));
  views[1]!.set(g.subarray(0, n));
  views[2]!.set(m.subarray(mo, mo + n));
  views[3]!.set(v.subarray(vo, vo + n));
  const { chunks, helpers } = chunksOf(w, n, 4, n);
  runJobs(w, [kernelIndex(l2 ? 'adaml2_f32' : 'adam_f32'), at[0]!, at[1]!, at[2]!, at[3]!, kAt, 0, 0, 0], chunks, helpers);
  if (out) {
    out.data.set(views[0]!, out.at[0]);
    out.data.set(views[2]!, out.at[1]);
    out.data.set(views[3]!, out.at[2]);
  } else {
    p.set(views[0]!, po);
    m.set(views[2]!, mo);
    v.set(views[3]!, vo);
  }
  return true;
}

/** The sum over the rows of the dense float32 [rows, cols] matrix at `x[offset]` into `res` (sumrows_f32: the loop's bits); false without wasm SIMD or room. */
export function sumRowsF32Wasm(x: Float32Array, offset: number, rows: number, cols: number, res: Float32Array): boolean {
  const g = wasmGemm();
  if (!g) return false;
  const xAt = freeFrom();
  const oAt = align(xAt + 4 * rows * cols);
  if (!ensureBytes(g, oAt + 4 * cols)) return false;
  const buf = g.memory.buffer;
  new Float32Array(buf, xAt, rows * cols).set(x.subarray(offset, offset + rows * cols));
  runJobs(g, [kernelIndex('sumrows_f32'), xAt, oAt, rows, cols, 0, 0, 0, 0], [[0, 1, 0, 0, 0, 0]], []);
  res.set(new Float32Array(buf, oAt, cols));
  return true;
}

/** softmax's backward of dense float32 rows (`g`, `y`: rows x n, n >= 4) into `res` (softmaxgrad_f32: the loop's bits); false without wasm SIMD or room. */
export function softmaxGradF32(g: Float32Array, y: Float32Array, rows: number, n: number, scale: number, res: Float32Array): boolean {
  const w = wasmGemm();
  if (!w || n < 4) return false;
  const len = rows * n;
  const sAt = freeFrom();
  const gAt = align(sAt + 8);
  const yAt = align(gAt + 4 * len);
  const oAt = align(yAt + 4 * len);
  if (!ensureBytes(w, oAt + 4 * len)) return false;
  const buf = w.memory.buffer;
  new Float64Array(buf, sAt, 1)[0] = scale;
  new Float32Array(buf, gAt, len).set(g);
  new Float32Array(buf, yAt, len).set(y);
  const { chunks, helpers } = chunksOf(w, rows, 1, len);
  runJobs(w, [kernelIndex('softmaxgrad_f32'), gAt, yAt, oAt, n, sAt, 0, 0, 0], chunks, helpers);
  res.set(new Float32Array(buf, oAt, len));
  return true;
}
