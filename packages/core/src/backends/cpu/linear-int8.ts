// The CPU kernel of linearDynamicInt8: x [*, K] float32, an int8 weight [N, K] (held in int32),
// float32 scales [N] and bias [N]. The wasm path (wasm/int8-module.ts) quantises each row of x,
// accumulates int32 products of int16-widened int8 and dequantises with the bias, in one job
// split by rows over the helper threads. The weight is widened to int16 and packed in panels of
// 8 columns (zero-padded to N8 columns and K8 depth, multiples of 8) once per storage version and
// cached. Without wasm SIMD, a TypeScript loop computes the same numbers.

import type { Attrs, Kernel, KernelInput, Storage } from '../../backend.js';
import { sizeOf } from '../../shape.js';
import { geluExact } from './gelu.js';
import { contiguousData, wrap } from './storage.js';
import { runJobs } from './threads/pool.js';
import { chunksOf, freeFrom } from './vector-wasm.js';
import { align, ensureBytes, kernelIndex, wasmGemm } from './wasm/runtime.js';

/** Multiply-adds from which a call splits its rows over the helper threads. */
const THREAD_MIN_MACS = 1 << 20;

interface Packed {
  readonly version: number;
  readonly data: Int16Array; // panels of 8 columns: [N8 / 8][K8 / 2][8][2]
}
const packedCache = new WeakMap<Storage, Map<string, Packed>>();

/** The int8 weight view widened to int16 and packed in panels (zero-padded), cached per storage version and layout. */
function packedWeight(w: KernelInput, K8: number, N8: number): Int16Array {
  const key = `${w.offset}:${w.shape.join(',')}:${w.strides.join(',')}:${K8}`;
  let byLayout = packedCache.get(w.storage);
  const hit = byLayout?.get(key);
  if (hit && hit.version === w.storage.version) return hit.data;
  const [N, K] = [w.shape[0]!, w.shape[1]!];
  const src = contiguousData(w);
  const data = new Int16Array(N8 * K8);
  // column n, depth k -> panel n >> 3, k-pair k >> 1, column n & 7, half k & 1
  for (let n = 0; n < N; n++) {
    const base = (n >> 3) * 8 * K8 + (n & 7) * 2;
    for (let k = 0; k < K; k++) data[base + (k >> 1) * 16 + (k & 1)] = src[n * K + k]!;
  }
  if (!byLayout) packedCache.set(w.storage, (byLayout = new Map()));
  byLayout.set(key, { version: w.storage.version, data });
  return data;
}

/** Nearest integer, halves to even (torch.round, wasm f32x4.nearest). */
function roundEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The reference loop (and the path without wasm SIMD, and for float64): out[r, n] = acc * (sx[r] * sw[n]) + b[n]
 * with sx = max|x_r| / 127, qx = round(x / max|x_r| * 127) and int32 dot products, rounded to
 * float32 where the wasm kernel rounds (a Float64Array `out` computes in float64).
 */
export function linearInt8Ts(x: ArrayLike<number>, M: number, K: number, w: ArrayLike<number>, N: number, sw: ArrayLike<number>, bias: ArrayLike<number> | null, out: Float32Array | Float64Array): void {
  const q = new Int16Array(K);
  const f = out instanceof Float64Array ? (v: number) => v : Math.fround; // float64: the same steps unrounded
  for (let r = 0; r < M; r++) {
    let m = 0;
    for (let k = 0; k < K; k++) {
      const a = Math.abs(x[r * K + k]!);
      m = a > m || Number.isNaN(a) ? a : m;
    }
    const sx = f(m / 127);
    for (let k = 0; k < K; k++) {
      const v = roundEven(f(f(x[r * K + k]! / m) * 127));
      q[k] = Number.isNaN(v) ? 0 : v; // 0 / 0, inf / inf, NaN: 0 (the wasm kernel saturates them to 0)
    }
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc += q[k]! * w[n * K + k]!;
      const y = f(acc * f(sx * sw[n]!));
      out[r * N + n] = bias ? f(y + bias[n]!) : y;
    }
  }
}

/** The wasm path; false (nothing done) without wasm SIMD or room in its memory. */
function linearInt8Wasm(x: Float32Array, M: number, K: number, wk: KernelInput, N: number, sw: Float32Array, bias: Float32Array | null, act: number, out: Float32Array): boolean {
  const g = wasmGemm();
  if (!g) return false;
  const K8 = Math.max(8, Math.ceil(K / 8) * 8);
  const N8 = Math.ceil(N / 8) * 8;
  const w = packedWeight(wk, K8, N8);
  const pAt = freeFrom();
  const xAt = pAt + 64; // the parameter block: 10 words
  const qAt = align(xAt + 4 * M * K8);
  const sxAt = align(qAt + 2 * Math.ceil(M / 4) * 4 * K8); // blocks of four rows (the last one part-filled)
  const wAt = align(sxAt + 4 * M);
  const swAt = align(wAt + 2 * N8 * K8);
  const bAt = align(swAt + 4 * N8);
  const oAt = align(bAt + 4 * N8);
  if (!ensureBytes(g, oAt + 4 * M * N8)) return false;
  const buf = g.memory.buffer;
  new Int32Array(buf, pAt, 10).set([xAt, qAt, sxAt, wAt, swAt, bias ? bAt : 0, oAt, K8, N8, act]);
  const xs = new Float32Array(buf, xAt, M * K8);
  if (K8 === K) xs.set(x);
  else {
    for (let r = 0; r < M; r++) {
      xs.set(x.subarray(r * K, (r + 1) * K), r * K8);
      xs.fill(0, r * K8 + K, (r + 1) * K8);
    }
  }
  new Int16Array(buf, wAt, N8 * K8).set(w);
  new Float32Array(buf, swAt, N8).fill(0).set(sw);
  if (bias) new Float32Array(buf, bAt, N8).fill(0).set(bias);
  const { chunks, helpers } = chunksOf(g, M, 4, M * N8 * K8 >= THREAD_MIN_MACS ? Infinity : 0);
  runJobs(g, [kernelIndex('linear_i8'), pAt, 0, 0, 0, 0, 0, 0, 0], chunks, helpers);
  const res = new Float32Array(buf, oAt, M * N8);
  if (N8 === N) out.set(res);
  else for (let r = 0; r < M; r++) out.set(res.subarray(r * N8, r * N8 + N), r * N);
  return true;
}

/** The fused activation's code in the wasm kernel's parameter block. */
const ACT = { none: 0, relu: 1, gelu: 2 } as const;

/** ReLU or exact GELU in place, as the relu and gelu kernels compute them. */
function activate(y: Float32Array | Float64Array, act: number): void {
  if (act === ACT.gelu) geluExact(y, y);
  else if (act === ACT.relu) for (let i = 0; i < y.length; i++) y[i] = y[i]! > 0 ? y[i]! : 0;
}

/** linearDynamicInt8's CPU kernel: inputs x, weightInt8, weightScale (and bias); float32 on wasm, float64 by the loop; attribute `activation`. */
export const linearInt8Kernel: Kernel = (inputs, out, attrs: Attrs) => {
  const act = ACT[(attrs['activation'] ?? 'none') as keyof typeof ACT];
  const [x, w, s, b] = inputs as [KernelInput, KernelInput, KernelInput, KernelInput | undefined];
  const K = x.shape[x.shape.length - 1]!;
  const N = w.shape[0]!;
  const f64 = out.dtype === 'float64';
  const res = f64 ? new Float64Array(sizeOf(out.shape)) : new Float32Array(sizeOf(out.shape));
  const M = res.length / Math.max(1, N);
  if (res.length === 0) return wrap(res, out.dtype);
  const bias = b ? contiguousData(b) as Float32Array | Float64Array : null;
  if (K === 0) {
    if (bias) for (let r = 0; r < M; r++) res.set(bias, r * N); // an empty sum: the bias alone
    activate(res, act);
    return wrap(res, out.dtype);
  }
  const xd = contiguousData(x) as Float32Array | Float64Array;
  const sw = contiguousData(s) as Float32Array | Float64Array;
  if (f64 || !linearInt8Wasm(xd as Float32Array, M, K, w, N, sw as Float32Array, bias as Float32Array | null, act, res as Float32Array)) {
    linearInt8Ts(xd, M, K, contiguousData(w), N, sw, bias, res);
    activate(res, act);
  }
  return wrap(res, out.dtype);
};
