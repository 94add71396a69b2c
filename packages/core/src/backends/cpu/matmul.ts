// The CPU matmul kernel: batched with broadcast batch dims, reading strided and transposed views in
// place. Picks per call the WebAssembly SIMD GEMM (threaded when large) or the TypeScript GEMM.
// Measured on a 2-core Zen 5 (bench/RESULTS.md): wasm beats TS from ~1k multiply-adds; helper
// threads pay from ~4M (they add wake-up latency of 0.05-2 ms on a VM).

import type { Kernel, KernelInput } from '../../backend.js';
import { promoteTypes, type DType, type TypedArray } from '../../dtype.js';
import { broadcastStrides, sizeOf } from '../../shape.js';
import { offsetsOf } from '../../strided.js';
import { gemmTs, tsWorkspace } from './gemm-ts.js';
import { matmulWasm, productsWasm, type MatmulProblem, type ProductJob } from './matmul-wasm.js';
import { dataOf, wrap } from './storage.js';
import { numThreads } from './threads/pool.js';
import type { WasmKind } from './wasm/gemm-module.js';
import { wasmGemm, type WasmGemm } from './wasm/runtime.js';
import { allocOut } from './reuse.js';

/** Which implementation runs: chosen per call ('auto'), or forced (tests, benchmarks). */
export type MatmulPath = 'auto' | 'ts' | 'wasm';

/** Tunables of the matmul dispatch; the defaults come from bench/RESULTS.md. */
export interface MatmulOptions {
  path: MatmulPath;
  /** Below this many multiply-adds (M*N*K*batch) 'auto' uses the TypeScript GEMM: staging costs more. */
  wasmMinMacs: number;
  /** From this many multiply-adds on, the wasm GEMM splits the work over helper threads. */
  threadMinMacs: number;
  /** Most threads one call may use (the caller's included); the pool size is set by setNumThreads. */
  maxThreads: number;
}

const options: MatmulOptions = { path: 'auto', wasmMinMacs: 1024, threadMinMacs: 1 << 22, maxThreads: Infinity };

/** Changes the matmul dispatch (for tests and benchmarks); returns the previous options. */
export function setMatmulOptions(o: Partial<MatmulOptions>): MatmulOptions {
  const prev = { ...options };
  Object.assign(options, o);
  return prev;
}

// the half types never reach a kernel (dispatch computes them in float32)
const KIND: Record<DType, WasmKind> = { float32: 'f32', float64: 'f64', float16: 'f32', bfloat16: 'f32', int32: 'i32', bool: 'i32' };
const ws = tsWorkspace();

/** The batched product on the TypeScript GEMM, into `res` (zero-filled, contiguous). */
function matmulTs(p: MatmulProblem, res: TypedArray, int: boolean): void {
  const { a, b, batch, M, N, K } = p;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const aBatch = offsetsOf(batch, broadcastStrides(a.shape.slice(0, -2), a.strides.slice(0, -2), batch), a.offset);
  const bBatch = offsetsOf(batch, broadcastStrides(b.shape.slice(0, -2), b.strides.slice(0, -2), batch), b.offset);
  const [A, B] = [dataOf(a.storage), dataOf(b.storage)];
  for (let t = 0; t < aBatch.length; t++) {
    gemmTs(M, N, K,
      { data: A, off: aBatch[t]!, si: a.strides[ra - 2]!, sj: a.strides[ra - 1]! },
      { data: B, off: bBatch[t]!, si: b.strides[rb - 2]!, sj: b.strides[rb - 1]! },
      res, t * M * N, int, ws);
  }
}

/**
 * The same product with the batch folded into M where B is one matrix for every batch and A's
 * batch rows follow each other at A's row stride ([B, M, K] x [K, N] as [B M, K] x [K, N]): one
 * GEMM packs B once instead of once per batch, and the threads split one tall product.
 */
export function foldBatch(p: MatmulProblem): MatmulProblem {
  const { a, b, batch, M } = p;
  const nbA = a.shape.length - 2;
  if (batch.length === 0 || nbA !== batch.length) return p;
  for (let i = 0; i < b.shape.length - 2; i++) if (b.shape[i] !== 1 && b.strides[i] !== 0) return p;
  let rows = M;
  let stride = a.strides[nbA]!; // A's row stride: each batch dim must step over whole blocks of rows
  for (let i = nbA - 1; i >= 0; i--) {
    const d = a.shape[i]!;
    if (d !== batch[i]) return p;
    if (d !== 1 && a.strides[i] !== stride * rows) return p;
    rows *= d;
  }
  const rb = b.shape.length;
  const k = a.shape[nbA + 1]!;
  return {
    a: { ...a, shape: [rows, k], strides: [stride, a.strides[nbA + 1]!] },
    b: { ...b, shape: [k, b.shape[rb - 1]!], strides: [b.strides[rb - 2]!, b.strides[rb - 1]!] },
    batch: [], M: rows, N: p.N, K: p.K,
  };
}

/**
 * The wasm module and thread count the dispatch would give a float32 product of `macs`
 * multiply-adds (null: the TypeScript GEMM), for kernels that run products inside wasm memory.
 */
export function wasmPlan(macs: number): { g: WasmGemm; threads: number } | null {
  const g = options.path === 'ts' || (options.path === 'auto' && macs < options.wasmMinMacs) ? null : wasmGemm();
  return g ? { g, threads: macs >= options.threadMinMacs ? Math.min(options.maxThreads, numThreads()) : 1 } : null;
}

/**
 * Batched float products written into `res` where each job says (per batch element an offset and
 * a row stride: attention's heads straight into a (B, L, H D) layout), on the wasm GEMM, as the
 * dispatch would run each of them there; the jobs must write every element of `res`. Returns
 * false (nothing written) where the dispatch would take another path: the caller then runs the
 * products one by one and copies (the same bits either way).
 */
export function productsInto(jobs: readonly { a: KernelInput; b: KernelInput; batch: readonly number[]; at: Int32Array; ldc: number }[], res: TypedArray, dtype: DType): boolean {
  if (dtype !== 'float32' && dtype !== 'float64') return false;
  const full: ProductJob[] = jobs.map(({ a, b, batch, at, ldc }) => {
    const [M, K] = a.shape.slice(-2) as [number, number];
    return { p: { a, b, batch, M, N: b.shape[b.shape.length - 1]!, K }, at, ldc };
  });
  const macs = full.map(({ p, at }) => p.M * p.N * p.K * at.length);
  if (macs.some((m) => m === 0)) return false;
  const plan = wasmPlan(Math.min(...macs)); // each product takes the path matmul would give it
  return plan !== null && productsWasm(plan.g, KIND[dtype], full, res, plan.threads);
}

/**
 * The product A B into a new contiguous array of `dtype` ([...batch, M, N] from `shape`). With
 * `bias` (float32, length N), the wasm path adds it to every row as it copies the product out;
 * `biased` says whether it did (the other paths leave the bias to the caller).
 */
function product(a: KernelInput, b: KernelInput, shape: readonly number[], dtype: DType, bias?: Float32Array): { res: TypedArray; biased: boolean } {
  const res = allocOut(dtype, sizeOf(shape), false); // every path writes every element (K = 0 is zero-filled below)
  const r = shape.length;
  const [M, N] = [shape[r - 2]!, shape[r - 1]!];
  const K = a.shape[a.shape.length - 1]!;
  if (res.length === 0 || K === 0) return { res: res.fill(0), biased: false };
  const p = foldBatch({ a, b, batch: shape.slice(0, -2), M, N, K });
  const macs = res.length * K;
  const plan = wasmPlan(macs);
  const withBias = bias !== undefined && dtype === 'float32';
  if (plan && matmulWasm(plan.g, KIND[dtype], p, res, plan.threads, withBias ? bias : undefined)) return { res, biased: withBias };
  if (dtype === 'bool') {
    const tmp = new Int32Array(res.length);
    matmulTs(p, tmp, true);
    for (let i = 0; i < res.length; i++) res[i] = tmp[i] !== 0 ? 1 : 0;
  } else matmulTs(p, res, dtype === 'int32');
  return { res, biased: false };
}

/**
 * C = A B over broadcast batch dims: [..., M, K] x [..., K, N] -> [..., M, N]. Inputs may be any
 * strided views (transposes from the backward pass included) and of mixed dtypes.
 * NOTE: int32 wraps modulo 2^32 as PyTorch's does; bool is computed in int32, then tested != 0.
 */
export const matmulKernel: Kernel = (inputs, out) => {
  const [a, b] = [inputs[0]!, inputs[1]!] as [KernelInput, KernelInput];
  return wrap(product(a, b, out.shape, out.dtype).res, out.dtype);
};

/**
 * addmm, out = C + A B with A [M, K], B [K, N] and C broadcast to [M, N]: the product is computed
 * in the dtype of A and B (as the composite's matmul), then C is added row by row as it is
 * written out, rounding once to the output dtype, as the composite's add does: the same bits.
 */
export const addmmKernel: Kernel = (inputs, out) => {
  const [c, a, b] = [inputs[0]!, inputs[1]!, inputs[2]!] as [KernelInput, KernelInput, KernelInput];
  const [M, N] = [out.shape[0]!, out.shape[1]!];
  const pd = promoteTypes(a.dtype, b.dtype);
  const [sm, sn] = broadcastStrides(c.shape, c.strides, [M, N]);
  const C = dataOf(c.storage);
  // a float32 bias row (Linear's) is added by the wasm GEMM's epilogue where it runs
  const row = out.dtype === 'float32' && c.dtype === 'float32' && sm === 0 && sn === 1 ? (C as Float32Array).subarray(c.offset, c.offset + N) : undefined;
  const { res: prod, biased } = product(a, b, out.shape, pd, row);
  if (biased) return wrap(prod, out.dtype);
  const res = pd === out.dtype ? prod : allocOut(out.dtype, prod.length);
  for (let i = 0, row = c.offset; i < M; i++, row += sm!) {
    const o = i * N;
    if (sn === 0) {
      const v = C[row]!;
      for (let j = 0; j < N; j++) res[o + j] = prod[o + j]! + v;
    } else for (let j = 0, q = row; j < N; j++, q += sn!) res[o + j] = prod[o + j]! + C[q]!;
  }
  return wrap(res, out.dtype);
};
