// Helper threads for the WebAssembly GEMM: Node worker_threads (unref'd, so they never keep the
// process alive) or Web Workers where the page is cross-origin isolated. Dispatch is synchronous:
// the caller claims chunks like the helpers, then waits (spin, then Atomics.wait) for the last ones.

import type { WasmGemm } from '../wasm/runtime.js';
import { KERNELS, WORKSPACE_BYTES } from '../wasm/runtime.js';
import { CHUNKS, COMPLETED, COUNT, CTRL_LENGTH, ERROR, HELPED, JOB, MAX_CHUNKS, MAX_HELPERS, NEXT, READY, SEQ, nodeWorkerSource, takeChunks, webWorkerSource, type WorkerInit } from './worker-source.js';

/** A kernel call: its index in KERNELS, then eight words (a GEMM's: table, M, N, K, sam, sak, sbk, sbn). */
export type Job = readonly number[];
/** One chunk of it: b0, b1, i0, i1, j0, j1. */
export type Chunk = readonly number[];

interface Pool {
  readonly ctrl: Int32Array;
  readonly size: number;
  gen: number;
}

/** Milliseconds a helper spins after a job before sleeping (it burns a core meanwhile). */
const SPIN_MS = 1;
/** Polls of the completion count by the caller before it sleeps (then in 1 ms naps). */
const MAIN_SPIN = 20000;

let requested: number | undefined;
let pool: Pool | null | undefined;

type NodeProcess = { getBuiltinModule?: (id: string) => unknown; env?: Record<string, string | undefined>; versions?: { node?: string } };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

let cores: number | undefined;
let envThreads: number | undefined;

/** Logical cores available to this process (1 where unknown), read once. */
export function coreCount(): number {
  if (cores === undefined) {
    const os = nodeProcess?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    const n = os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    cores = Math.max(1, n ?? 1);
  }
  return cores;
}

/**
 * Sets how many threads (the caller's included) a large matmul may use; 1 disables helpers.
 * The pool starts with the first large wasm matmul, with at most one helper per other core (one
 * on a single core); later calls can only lower the count. Default: TSGRAD_NUM_THREADS (read at
 * the first kernel call), else the core count.
 */
export function setNumThreads(n: number): void {
  requested = Math.max(1, Math.floor(n));
}

/** The thread count asked for (see setNumThreads; TSGRAD_NUM_THREADS is read once). */
export function numThreads(): number {
  // NOTE: cached: every matmul and vector kernel asks, and reading process.env and the core count
  // each time cost about 1% of a fine-tuning step
  envThreads ??= Math.floor(Number(nodeProcess?.env?.['TSGRAD_NUM_THREADS'])) || 0;
  return requested ?? (envThreads >= 1 ? envThreads : coreCount());
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    return Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0) === 'not-equal';
  } catch {
    return false;
  }
}

function startPool(g: WasmGemm, helpers: number): Pool | null {
  if (!g.shared || helpers < 1 || !canBlock()) return null;
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_LENGTH));
  const init = (index: number): WorkerInit => ({ module: g.module, memory: g.memory, ctrl: ctrl.buffer as SharedArrayBuffer, index, spin: SPIN_MS, wsBytes: WORKSPACE_BYTES, kernels: KERNELS });
  const wt = nodeProcess?.getBuiltinModule?.('node:worker_threads') as
    { Worker: new (src: string, o: object) => { unref(): void; on(e: string, f: () => void): void } } | undefined;
  try {
    for (let w = 1; w <= helpers; w++) {
      if (wt) {
        const worker = new wt.Worker(nodeWorkerSource(), { eval: true, workerData: init(w) });
        worker.on('error', () => Atomics.store(ctrl, READY + w, 0));
        worker.unref();
      } else if (typeof Worker !== 'undefined' && typeof Blob !== 'undefined') {
        const url = URL.createObjectURL(new Blob([webWorkerSource()], { type: 'text/javascript' }));
        new Worker(url).postMessage(init(w));
      } else return null;
    }
  } catch {
    return null;
  }
  return { ctrl, size: helpers, gen: 0 };
}

/** The helpers that have started (index 1..), starting the pool on first use; [] when threads are off. */
export function readyHelpers(g: WasmGemm): number[] {
  // NOTE: at most one helper per other core (one on a single core, for testing): threads that
  // outnumber cores make each other wait for a time slice, which is far longer than a chunk
  if (pool === undefined) pool = numThreads() > 1 ? startPool(g, Math.min(MAX_HELPERS, numThreads() - 1, Math.max(1, coreCount() - 1))) : null;
  if (!pool) return [];
  const limit = numThreads() - 1;
  const out: number[] = [];
  for (let w = 1; w <= pool.size && out.length < limit; w++) if (Atomics.load(pool.ctrl, READY + w) === 1) out.push(w);
  return out;
}

/** Helper threads started (each may join any threaded job, so each needs its workspace). */
export function poolSize(): number {
  return pool ? pool.size : 0;
}

/** How many chunks helper threads have run so far (a statistic for tests). */
export function helperChunkCount(): number {
  return pool ? Atomics.load(pool.ctrl, HELPED) : 0;
}

/** Blocks up to `ms` until all helpers have started (tests and benchmarks call this for stable timings). */
export function waitForHelpers(g: WasmGemm, ms = 5000): number {
  readyHelpers(g);
  if (!pool) return 0;
  const end = Date.now() + ms;
  for (let w = 1; w <= pool.size; w++) {
    while (Atomics.load(pool.ctrl, READY + w) !== 1 && Date.now() < end) Atomics.wait(pool.ctrl, READY + w, 0, 10);
  }
  return readyHelpers(g).length;
}

/**
 * Runs `job` split into `chunks`: this thread and the `helpers` claim chunks from a shared counter,
 * so a helper that wakes late simply claims fewer, and this returns once every chunk is completed.
 * If a chunk failed on a helper, the whole job is redone here: a broken helper costs time, never a
 * wrong result.
 */
export function runJobs(g: WasmGemm, job: Job, chunks: readonly Chunk[], helpers: readonly number[]): void {
  const fns = g.kernels;
  if (helpers.length === 0 || !pool) {
    for (const [b0, b1, i0, i1, j0, j1] of chunks) fns[job[0]!]!(job[1]!, b0!, b1!, job[2]!, job[3]!, job[4]!, job[5]!, job[6]!, job[7]!, job[8]!, i0!, i1!, j0!, j1!, 0);
    return;
  }
  if (chunks.length > MAX_CHUNKS) throw new RangeError(`at most ${MAX_CHUNKS} chunks`);
  const c = pool.ctrl;
  const gen = (pool.gen = (pool.gen + 1) & 0x7fff);
  Atomics.store(c, NEXT, (gen << 16) | 0xffff); // closed while the job words change
  c.set(job, JOB);
  chunks.forEach((ch, k) => c.set(ch, CHUNKS + 6 * k));
  Atomics.store(c, COUNT, chunks.length);
  Atomics.store(c, COMPLETED, 0);
  Atomics.store(c, ERROR, 0);
  Atomics.store(c, NEXT, gen << 16); // open
  Atomics.add(c, SEQ, 1);
  Atomics.notify(c, SEQ);
  takeChunks(c, fns, 0);
  // spin while the last chunks finish elsewhere; sleep only if that takes long
  for (let spin = 0, done = Atomics.load(c, COMPLETED); done < chunks.length; done = Atomics.load(c, COMPLETED)) {
    if (++spin > MAIN_SPIN) Atomics.wait(c, COMPLETED, done, 1);
  }
  if (Atomics.load(c, ERROR) !== 0) runJobs(g, job, chunks, []);
}
