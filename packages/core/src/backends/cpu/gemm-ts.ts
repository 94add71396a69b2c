// The TypeScript GEMM: packed panels (KC deep) and a 4 x 2 register tile of JS doubles (float32
// and float64), or of int32 with wrapping integer math. Runs where WebAssembly does not pay or exists.

import type { TypedArray } from '../../dtype.js';

/** Depth of a packed panel; tiles of C stay in registers across it. */
const KC = 256;
/** Rows of packed A per block (its panel stays in L2). */
const MC = 128;
const MR = 4;
const NR = 2;

/** A strided matrix operand: element (i, j) is `data[off + i * si + j * sj]`. */
export interface Operand {
  readonly data: TypedArray;
  readonly off: number;
  readonly si: number;
  readonly sj: number;
}

/** Reusable packing buffers (grown on demand). */
export interface TsWorkspace {
  ap: Float64Array;
  bp: Float64Array;
  ai: Int32Array;
  bi: Int32Array;
}

/** An empty workspace. */
export function tsWorkspace(): TsWorkspace {
  return { ap: new Float64Array(0), bp: new Float64Array(0), ai: new Int32Array(0), bi: new Int32Array(0) };
}

// Packs rows [i0, i0+mc) x depth [p0, p0+kc) of A in slivers of MR rows (zero-padded past the edge).
function packA(a: Operand, i0: number, mc: number, p0: number, kc: number, dst: Float64Array | Int32Array): void {
  let o = 0;
  for (let s = 0; s < mc; s += MR) {
    const rows = Math.min(MR, mc - s);
    for (let k = 0; k < kc; k++) {
      const base = a.off + (i0 + s) * a.si + (p0 + k) * a.sj;
      for (let r = 0; r < MR; r++) dst[o++] = r < rows ? a.data[base + r * a.si]! : 0;
    }
  }
}

// Packs depth [p0, p0+kc) x cols [0, n) of B in slivers of NR columns (zero-padded).
function packB(b: Operand, p0: number, kc: number, n: number, dst: Float64Array | Int32Array): void {
  let o = 0;
  for (let s = 0; s < n; s += NR) {
    const cols = Math.min(NR, n - s);
    for (let k = 0; k < kc; k++) {
      const base = b.off + (p0 + k) * b.si + s * b.sj;
      dst[o++] = b.data[base]!;
      dst[o++] = cols > 1 ? b.data[base + b.sj]! : 0;
    }
  }
}

/**
 * One MR x NR tile: C[c..] (+)= Ap Bp over kc steps. Rows/cols past `mr`/`nr` are computed on the
 * zero padding and not stored. NOTE: float32 C accumulates in doubles over the panel, then rounds.
 */
function tileF(kc: number, ap: Float64Array, pa: number, bp: Float64Array, pb: number,
  C: TypedArray, c: number, ldc: number, accum: boolean, mr: number, nr: number): void {
  const full = mr === MR && nr === NR;
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0, c30 = 0, c31 = 0;
  if (accum && full) {
    c00 = C[c]!; c01 = C[c + 1]!; c10 = C[c + ldc]!; c11 = C[c + ldc + 1]!;
    c20 = C[c + 2 * ldc]!; c21 = C[c + 2 * ldc + 1]!; c30 = C[c + 3 * ldc]!; c31 = C[c + 3 * ldc + 1]!;
  } else if (accum) {
    const at = (r: number, q: number) => (r < mr && q < nr ? C[c + r * ldc + q]! : 0);
    c00 = at(0, 0); c01 = at(0, 1); c10 = at(1, 0); c11 = at(1, 1);
    c20 = at(2, 0); c21 = at(2, 1); c30 = at(3, 0); c31 = at(3, 1);
  }
  for (let k = 0; k < kc; k++) {
    const a0 = ap[pa]!, a1 = ap[pa + 1]!, a2 = ap[pa + 2]!, a3 = ap[pa + 3]!;
    const b0 = bp[pb]!, b1 = bp[pb + 1]!;
    c00 += a0 * b0; c01 += a0 * b1;
    c10 += a1 * b0; c11 += a1 * b1;
    c20 += a2 * b0; c21 += a2 * b1;
    c30 += a3 * b0; c31 += a3 * b1;
    pa += MR;
    pb += NR;
  }
  if (full) {
    C[c] = c00; C[c + 1] = c01; C[c + ldc] = c10; C[c + ldc + 1] = c11;
    C[c + 2 * ldc] = c20; C[c + 2 * ldc + 1] = c21; C[c + 3 * ldc] = c30; C[c + 3 * ldc + 1] = c31;
  } else {
    const vals = [c00, c01, c10, c11, c20, c21, c30, c31];
    for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) C[c + r * ldc + q] = vals[r * NR + q]!;
  }
}

/** The int32 tile: the same walk with wrapping 32-bit multiply-adds (exact modulo 2^32, as PyTorch). */
function tileI(kc: number, ap: Int32Array, pa: number, bp: Int32Array, pb: number,
  C: TypedArray, c: number, ldc: number, accum: boolean, mr: number, nr: number): void {
  const acc = [0, 0, 0, 0, 0, 0, 0, 0];
  if (accum) for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) acc[r * NR + q] = C[c + r * ldc + q]!;
  let c00 = acc[0]!, c01 = acc[1]!, c10 = acc[2]!, c11 = acc[3]!, c20 = acc[4]!, c21 = acc[5]!, c30 = acc[6]!, c31 = acc[7]!;
  for (let k = 0; k < kc; k++) {
    const a0 = ap[pa]!, a1 = ap[pa + 1]!, a2 = ap[pa + 2]!, a3 = ap[pa + 3]!;
    const b0 = bp[pb]!, b1 = bp[pb + 1]!;
    c00 = (c00 + Math.imul(a0, b0)) | 0; c01 = (c01 + Math.imul(a0, b1)) | 0;
    c10 = (c10 + Math.imul(a1, b0)) | 0; c11 = (c11 + Math.imul(a1, b1)) | 0;
    c20 = (c20 + Math.imul(a2, b0)) | 0; c21 = (c21 + Math.imul(a2, b1)) | 0;
    c30 = (c30 + Math.imul(a3, b0)) | 0; c31 = (c31 + Math.imul(a3, b1)) | 0;
    pa += MR;
    pb += NR;
  }
  const vals = [c00, c01, c10, c11, c20, c21, c30, c31];
  for (let r = 0; r < mr; r++) for (let q = 0; q < nr; q++) C[c + r * ldc + q] = vals[r * NR + q]!;
}

/**
 * C[M, N] (+)= A[M, K] B[K, N] with C contiguous at `cOff` (row stride N). `int` selects wrapping
 * int32 arithmetic (A and B must then hold integers). Reads strided/transposed operands in place.
 */
export function gemmTs(M: number, N: number, K: number, a: Operand, b: Operand, C: TypedArray, cOff: number, int: boolean, ws: TsWorkspace): void {
  const nPad = Math.ceil(N / NR) * NR;
  if (int && ws.bi.length < nPad * KC) ws.bi = new Int32Array(nPad * KC);
  if (int && ws.ai.length < MC * KC) ws.ai = new Int32Array(MC * KC);
  if (!int && ws.bp.length < nPad * KC) ws.bp = new Float64Array(nPad * KC);
  if (!int && ws.ap.length < MC * KC) ws.ap = new Float64Array(MC * KC);
  for (let p0 = 0; p0 < K; p0 += KC) {
    const kc = Math.min(KC, K - p0);
    const accum = p0 > 0;
    packB(b, p0, kc, N, int ? ws.bi : ws.bp);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const mc = Math.min(MC, M - i0);
      packA(a, i0, mc, p0, kc, int ? ws.ai : ws.ap);
      for (let j = 0; j < N; j += NR) {
        const nr = Math.min(NR, N - j);
        for (let i = 0; i < mc; i += MR) {
          const c = cOff + (i0 + i) * N + j;
          const mr = Math.min(MR, mc - i);
          if (int) tileI(kc, ws.ai, i * kc, ws.bi, j * kc, C, c, N, accum, mr, nr);
          else tileF(kc, ws.ap, i * kc, ws.bp, j * kc, C, c, N, accum, mr, nr);
        }
      }
    }
  }
}
