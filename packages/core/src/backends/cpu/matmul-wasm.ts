// The WebAssembly matmul path: stages A and B into wasm memory (one memcpy of each view's span, or
// a compact gather for sparse views), splits the work over threads, and copies C out.

import type { KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { broadcastStrides, contiguousStrides } from '../../shape.js';
import { gatherStrided, offsetsOf } from '../../strided.js';
import { dataOf } from './storage.js';
import { poolSize, readyHelpers, runJobs } from './threads/pool.js';
import { chunksOf } from './vector-wasm.js';
import { BLOCKING, type WasmKind } from './wasm/gemm-module.js';
import { align, ensureBytes, kernelIndex, WORKSPACE_BYTES, type WasmGemm } from './wasm/runtime.js';

/** The problem after broadcasting: `batch` products of [M, K] x [K, N]. */
export interface MatmulProblem {
  readonly a: KernelInput;
  readonly b: KernelInput;
  readonly batch: readonly number[];
  readonly M: number;
  readonly N: number;
  readonly K: number;
}

const KIND_INDEX: Record<WasmKind, number> = { f32: 0, f64: 1, i32: 2 };
const HEAP = { f32: Float32Array, f64: Float64Array, i32: Int32Array } as const;

/** Where a staged operand lives: element index of each batch matrix, and its row/col strides. */
interface Staged {
  readonly ptrs: Int32Array;
  readonly si: number;
  readonly sj: number;
}

/** Elements a view spans in its storage, and how many distinct elements it reads. */
function span(x: KernelInput): { lo: number; hi: number; distinct: number } {
  let lo = x.offset, hi = x.offset, distinct = 1;
  x.shape.forEach((d, i) => {
    const s = x.strides[i]!;
    if (s < 0) lo += (d - 1) * s;
    else hi += (d - 1) * s;
    if (s !== 0) distinct *= d;
  });
  return { lo, hi, distinct };
}

/** Bytes `x` takes once staged: its span when dense enough to memcpy, else its distinct elements. */
function stagedElems(x: KernelInput): number {
  const { lo, hi, distinct } = span(x);
  return hi - lo + 1 <= 2 * distinct + 64 ? hi - lo + 1 : distinct;
}

function stage(x: KernelInput, batch: readonly number[], heap: TypedArray, at: number): Staged {
  const { lo, hi, distinct } = span(x);
  const data = dataOf(x.storage);
  let strides = x.strides;
  let offset: number;
  if (hi - lo + 1 <= 2 * distinct + 64) {
    // NOTE: TypedArray.set converts between element types (int32 or bool inputs of a float matmul)
    heap.set(data.subarray(lo, hi + 1) as never, at);
    offset = at + x.offset - lo;
  } else {
    const shape = x.shape.map((d, i) => (x.strides[i] === 0 ? 1 : d)); // broadcast dims read once
    gatherStrided(data, shape, x.strides, x.offset, heap, at);
    strides = contiguousStrides(shape).map((s, i) => (x.strides[i] === 0 ? 0 : s));
    offset = at;
  }
  const r = x.shape.length;
  const ptrs = offsetsOf(batch, broadcastStrides(x.shape.slice(0, -2), strides.slice(0, -2), batch), offset);
  return { ptrs, si: strides[r - 2]!, sj: strides[r - 1]! };
}

/** Chunks per thread: threads take them from a shared counter, so one preempted thread stalls less. */
let chunksPerThread = 2;

/** Sets the chunks per thread (for tuning). */
export function setChunksPerThread(n: number): void {
  chunksPerThread = Math.max(1, Math.floor(n));
}

/**
 * Splits the work into about `parts` chunks of [b0, b1, i0, i1, j0, j1]: whole batches where
 * there are enough of them, else rows (in MR units) or columns (NR units), whichever is larger.
 */
export function splitWork(parts: number, nb: number, M: number, N: number, bl: { MR: number; NR: number }): number[][] {
  const cuts = (n: number, unit: number, t: number): number[] => {
    const units = Math.ceil(n / unit);
    const k = Math.min(t, units);
    return Array.from({ length: k + 1 }, (_, q) => Math.min(n, Math.round((units * q) / k) * unit));
  };
  if (nb >= parts) {
    const cut = cuts(nb, 1, parts);
    return cut.slice(1).map((e, q) => [cut[q]!, e, 0, M, 0, N]);
  }
  const byRows = M >= N;
  const cut = cuts(byRows ? M : N, byRows ? bl.MR : bl.NR, parts); // each chunk spans all batches
  return cut.slice(1).map((e, q) => (byRows ? [0, nb, cut[q]!, e, 0, N] : [0, nb, 0, M, cut[q]!, e]));
}

/**
 * Computes the product into `res` (contiguous [...batch, M, N], already zero) on the wasm module,
 * with up to `maxThreads` threads; a float32 `bias` row of length N (f32 only) is added to every
 * row of the product before it is copied out (addmm's epilogue). Returns false (and does nothing)
 * if it does not fit in memory.
 */
export function matmulWasm(g: WasmGemm, kind: WasmKind, p: MatmulProblem, res: TypedArray, maxThreads: number, bias?: Float32Array): boolean {
  const { M, N, K } = p;
  const nb = res.length / (M * N);
  const es = kind === 'f64' ? 8 : 4;
  const helpers = maxThreads > 1 ? readyHelpers(g).slice(0, maxThreads - 1) : [];
  const threads = helpers.length + 1;
  const chunks = threads === 1 ? [[0, nb, 0, M, 0, N]] : splitWork(threads * chunksPerThread, nb, M, N, BLOCKING[kind]);
  const tableAt = WORKSPACE_BYTES * (threads === 1 ? 1 : poolSize() + 1); // a workspace per thread
  const aAt = align(tableAt + 12 * nb);
  const bAt = align(aAt + es * stagedElems(p.a));
  const cAt = align(bAt + es * stagedElems(p.b));
  const biasAt = align(cAt + es * res.length);
  if (!ensureBytes(g, biasAt + (bias ? 4 * N : 0))) return false;
  const heap = new HEAP[kind](g.memory.buffer);
  const A = stage(p.a, p.batch, heap, aAt / es);
  const B = stage(p.b, p.batch, heap, bAt / es);
  const table = new Int32Array(g.memory.buffer, tableAt, 3 * nb);
  for (let t = 0; t < nb; t++) {
    table[3 * t] = A.ptrs[t]! * es;
    table[3 * t + 1] = B.ptrs[t]! * es;
    table[3 * t + 2] = cAt + t * M * N * es;
  }
  runJobs(g, [KIND_INDEX[kind], tableAt, M, N, K, A.si, A.sj, B.si, B.sj], chunks, helpers);
  if (bias) {
    // C += bias row, in place: binary_f32's add with b one row for every row (row stride 0)
    new Float32Array(g.memory.buffer, biasAt, N).set(bias);
    const split = chunksOf(g, res.length / N, 1, res.length, helpers);
    runJobs(g, [kernelIndex('binary_f32'), cAt, biasAt, cAt, N, 0, 0, 0, 0], split.chunks, split.helpers);
  }
  const out = heap.subarray(cAt / es, cAt / es + res.length);
  if (res instanceof Uint8Array) for (let i = 0; i < res.length; i++) res[i] = out[i] !== 0 ? 1 : 0;
  else res.set(out as never);
  return true;
}

/**
 * The float32 product of operands already in wasm memory: C (at byte `cAt`, [M, N] contiguous) =
 * A B, A at `aAt` with strides (sam, sak), B at `bAt` with (sbk, sbn), in elements; the one-entry
 * batch table goes at `tableAt` (12 bytes). Runs on this thread and the `helpers` (readyHelpers'
 * indices, taken before the layout: starting the pool moves freeFrom()).
 */
export function gemmResidentF32(g: WasmGemm, tableAt: number, aAt: number, bAt: number, cAt: number, dims: { M: number; N: number; K: number; sam: number; sak: number; sbk: number; sbn: number }, helpers: readonly number[]): void {
  const { M, N, K, sam, sak, sbk, sbn } = dims;
  const chunks = helpers.length === 0 ? [[0, 1, 0, M, 0, N]] : splitWork((helpers.length + 1) * chunksPerThread, 1, M, N, BLOCKING.f32);
  new Int32Array(g.memory.buffer, tableAt, 3).set([aAt, bAt, cAt]);
  runJobs(g, [KIND_INDEX.f32, tableAt, M, N, K, sam, sak, sbk, sbn], chunks, helpers);
}
