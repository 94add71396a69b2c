// The WebAssembly matmul path: stages A and B into wasm memory (one memcpy of each view's span, or
// a compact gather for sparse views), splits the work over threads, and copies C out.

import type { KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { broadcastStrides, contiguousStrides } from '../../shape.js';
import { gatherStrided, offsetsOf } from '../../strided.js';
import { dataOf } from './storage.js';
import { poolSize, readyHelpers, runJobs } from './threads/pool.js';
import { chunksOf } from './vector-wasm.js';
import { BLOCKING, TABLE_ENTRY_BYTES, type WasmKind } from './wasm/gemm-module.js';
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

/**
 * Whether a view is copied by one memcpy of its span rather than gathered element by element: a
 * memcpy moves ~28 GB/s and the strided gather a few ns an element, so copying up to 4x the
 * elements read still wins (the heads of a packed (B, L, 3E) projection read a third of theirs).
 */
const spanned = (s: { lo: number; hi: number; distinct: number }): boolean => s.hi - s.lo + 1 <= 4 * s.distinct + 64;

/** The union of the spans of two views of one storage, if it is dense enough to stage by one memcpy (the queries and keys of a packed projection); else null. */
function pairSpan(a: KernelInput, b: KernelInput): { lo: number; hi: number; distinct: number } | null {
  if (a.storage !== b.storage) return null;
  const [sa, sb] = [span(a), span(b)];
  const u = { lo: Math.min(sa.lo, sb.lo), hi: Math.max(sa.hi, sb.hi), distinct: sa.distinct + sb.distinct };
  return spanned(u) ? u : null;
}

/** Bytes `x` takes once staged: its span when dense enough to memcpy, else its distinct elements. */
function stagedElems(x: KernelInput): number {
  const s = span(x);
  return spanned(s) ? s.hi - s.lo + 1 : s.distinct;
}

/** Where view x's batch matrices start once the elements [lo, ...] of its storage sit at heap[at]. */
function placed(x: KernelInput, batch: readonly number[], lo: number, at: number): Staged {
  const r = x.shape.length;
  const ptrs = offsetsOf(batch, broadcastStrides(x.shape.slice(0, -2), x.strides.slice(0, -2), batch), at + x.offset - lo);
  return { ptrs, si: x.strides[r - 2]!, sj: x.strides[r - 1]! };
}

/** A and B staged by one memcpy of their joint span where {@link pairSpan} allows it; else null. */
function stagePair(a: KernelInput, b: KernelInput, batch: readonly number[], heap: TypedArray, at: number): [Staged, Staged] | null {
  const u = pairSpan(a, b);
  if (!u) return null;
  heap.set(dataOf(a.storage).subarray(u.lo, u.hi + 1) as never, at);
  return [placed(a, batch, u.lo, at), placed(b, batch, u.lo, at)];
}

function stage(x: KernelInput, batch: readonly number[], heap: TypedArray, at: number): Staged {
  const s = span(x);
  const { lo, hi } = s;
  const data = dataOf(x.storage);
  let strides = x.strides;
  let offset: number;
  if (spanned(s)) {
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

/** One batched product of {@link productsWasm}: C of batch t goes to `res[at[t]]` on, rows `ldc` elements apart. */
export interface ProductJob {
  readonly p: MatmulProblem;
  readonly at: Int32Array;
  readonly ldc: number;
}

/**
 * Computes the products of `jobs` into `res` on the wasm module, each batch's C written where its
 * job says (a contiguous [...batch, M, N] product, or heads into a (B, L, H D) layout), with up to
 * `maxThreads` threads; the jobs together must write every element of `res` (it is copied out
 * whole). A float32 `bias` row of length N (f32, one job writing `res` contiguously) is added to
 * every row before the copy (addmm's epilogue). Returns false (and does nothing) if it does not fit.
 */
export function productsWasm(g: WasmGemm, kind: WasmKind, jobs: readonly ProductJob[], res: TypedArray, maxThreads: number, bias?: Float32Array): boolean {
  const es = kind === 'f64' ? 8 : 4;
  const helpers = maxThreads > 1 ? readyHelpers(g).slice(0, maxThreads - 1) : [];
  const threads = helpers.length + 1;
  const most = (f: (j: ProductJob) => number) => Math.max(...jobs.map(f));
  const tableAt = WORKSPACE_BYTES * (threads === 1 ? 1 : poolSize() + 1); // a workspace per thread
  const cAt = align(tableAt + TABLE_ENTRY_BYTES * most((j) => j.at.length));
  const aAt = align(cAt + es * res.length);
  const pairElems = (j: ProductJob): number => {
    const u = pairSpan(j.p.a, j.p.b);
    return u ? u.hi - u.lo + 1 : 0;
  };
  const bAt = align(aAt + es * most((j) => Math.max(stagedElems(j.p.a), pairElems(j))));
  const biasAt = align(bAt + es * most((j) => stagedElems(j.p.b)));
  const N = jobs[0]!.p.N;
  if (!ensureBytes(g, biasAt + (bias ? 4 * N : 0))) return false;
  const heap = new HEAP[kind](g.memory.buffer);
  for (const { p, at, ldc } of jobs) {
    const nb = at.length;
    const [A, B] = stagePair(p.a, p.b, p.batch, heap, aAt / es) ?? [stage(p.a, p.batch, heap, aAt / es), stage(p.b, p.batch, heap, bAt / es)];
    const words = TABLE_ENTRY_BYTES / 4;
    const table = new Int32Array(g.memory.buffer, tableAt, words * nb);
    for (let t = 0; t < nb; t++) table.set([A.ptrs[t]! * es, B.ptrs[t]! * es, cAt + at[t]! * es, ldc * es], words * t);
    const chunks = threads === 1 ? [[0, nb, 0, p.M, 0, p.N]] : splitWork(threads * chunksPerThread, nb, p.M, p.N, BLOCKING[kind]);
    runJobs(g, [KIND_INDEX[kind], tableAt, p.M, p.N, p.K, A.si, A.sj, B.si, B.sj], chunks, helpers);
  }
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
 * Computes the product into `res` (contiguous [...batch, M, N]) on the wasm module, with up to
 * `maxThreads` threads and an optional float32 `bias` row (see {@link productsWasm}). Returns false
 * (and does nothing) if it does not fit in memory.
 */
export function matmulWasm(g: WasmGemm, kind: WasmKind, p: MatmulProblem, res: TypedArray, maxThreads: number, bias?: Float32Array): boolean {
  const size = p.M * p.N;
  const at = Int32Array.from({ length: res.length / size }, (_, t) => t * size);
  return productsWasm(g, kind, [{ p, at, ldc: p.N }], res, maxThreads, bias);
}

/**
 * The float32 product of operands already in wasm memory: C (at byte `cAt`, [M, N] contiguous) =
 * A B, A at `aAt` with strides (sam, sak), B at `bAt` with (sbk, sbn), in elements; the one-entry
 * batch table goes at `tableAt` (TABLE_ENTRY_BYTES). Runs on this thread and the `helpers` (readyHelpers'
 * indices, taken before the layout: starting the pool moves freeFrom()).
 */
export function gemmResidentF32(g: WasmGemm, tableAt: number, aAt: number, bAt: number, cAt: number, dims: { M: number; N: number; K: number; sam: number; sak: number; sbk: number; sbn: number }, helpers: readonly number[]): void {
  const { M, N, K, sam, sak, sbk, sbn } = dims;
  const chunks = helpers.length === 0 ? [[0, 1, 0, M, 0, N]] : splitWork((helpers.length + 1) * chunksPerThread, 1, M, N, BLOCKING.f32);
  new Int32Array(g.memory.buffer, tableAt, TABLE_ENTRY_BYTES / 4).set([aAt, bAt, cAt, 4 * N]);
  runJobs(g, [KIND_INDEX.f32, tableAt, M, N, K, sam, sak, sbk, sbn], chunks, helpers);
}
