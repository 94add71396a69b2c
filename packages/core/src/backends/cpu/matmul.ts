// Matmul: C = A B per batch, blocked over a packed contiguous panel of B, four rows of A at a
// time so each loaded element of B feeds four multiply-adds. Reads strided/transposed A and B.

import type { Kernel } from '../../backend.js';
import { allocArray, type TypedArray } from '../../dtype.js';
import { broadcastStrides, sizeOf } from '../../shape.js';
import { offsetsOf } from '../../strided.js';
import { dataOf, wrap } from './storage.js';

const KC = 256;
const NC = 512;

/** One matrix product C[M, N] (+)= A[M, K] B[K, N]; A and B are strided views, C is contiguous. */
export function gemm(
  M: number, N: number, K: number,
  A: TypedArray, aOff: number, sam: number, sak: number,
  B: TypedArray, bOff: number, sbk: number, sbn: number,
  C: TypedArray, cOff: number, panel: Float64Array | Float32Array,
): void {
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      // pack B[k0:k0+kc, j0:j0+nc] row-major, so the inner loop reads it with stride 1
      for (let k = 0; k < kc; k++) {
        const src = bOff + (k0 + k) * sbk + j0 * sbn;
        const dst = k * nc;
        if (sbn === 1) for (let j = 0; j < nc; j++) panel[dst + j] = B[src + j]!;
        else for (let j = 0; j < nc; j++) panel[dst + j] = B[src + j * sbn]!;
      }
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = cOff + i * N + j0, c1 = c0 + N, c2 = c1 + N, c3 = c2 + N;
        const ar = aOff + i * sam + k0 * sak;
        for (let k = 0; k < kc; k++) {
          const ak = ar + k * sak;
          const a0 = A[ak]!, a1 = A[ak + sam]!, a2 = A[ak + 2 * sam]!, a3 = A[ak + 3 * sam]!;
          const pb = k * nc;
          for (let j = 0; j < nc; j++) {
            const b = panel[pb + j]!;
            C[c0 + j] = C[c0 + j]! + a0 * b;
            C[c1 + j] = C[c1 + j]! + a1 * b;
            C[c2 + j] = C[c2 + j]! + a2 * b;
            C[c3 + j] = C[c3 + j]! + a3 * b;
          }
        }
      }
      for (; i < M; i++) {
        const c0 = cOff + i * N + j0;
        const ar = aOff + i * sam + k0 * sak;
        for (let k = 0; k < kc; k++) {
          const a0 = A[ar + k * sak]!;
          const pb = k * nc;
          for (let j = 0; j < nc; j++) C[c0 + j] = C[c0 + j]! + a0 * panel[pb + j]!;
        }
      }
    }
  }
}

/** The batched, broadcasting matmul kernel. */
export const matmulKernel: Kernel = (inputs, out) => {
  const [a, b] = [inputs[0]!, inputs[1]!];
  const res = allocArray(out.dtype, sizeOf(out.shape));
  const r = out.shape.length;
  const [M, N] = [out.shape[r - 2]!, out.shape[r - 1]!];
  const K = a.shape[a.shape.length - 1]!;
  if (res.length === 0 || K === 0) return wrap(res, out.dtype);
  const batch = out.shape.slice(0, -2);
  const aBatch = offsetsOf(batch, broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batch), a.offset);
  const bBatch = offsetsOf(batch, broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batch), b.offset);
  const [sam, sak] = a.strides.slice(-2) as [number, number];
  const [sbk, sbn] = b.strides.slice(-2) as [number, number];
  const A = dataOf(a.storage);
  const B = dataOf(b.storage);
  const panel = out.dtype === 'float32' ? new Float32Array(KC * Math.min(NC, N)) : new Float64Array(KC * Math.min(NC, N));
  for (let t = 0; t < aBatch.length; t++) {
    gemm(M, N, K, A, aBatch[t]!, sam, sak, B, bBatch[t]!, sbk, sbn, res, t * M * N, panel);
  }
  return wrap(res, out.dtype);
};
