// The helper thread's script, as source text: it instantiates the shared GEMM module on the shared
// memory, then waits (spin, then Atomics.wait) for a job and claims chunks of it from a counter.

/**
 * Layout of the control array (Int32Array over a SharedArrayBuffer). NEXT packs a 15-bit job
 * generation with the next unclaimed chunk (gen << 16 | k), so a late helper can never claim a
 * chunk of a job that has ended; a closed job has k = 0xffff. HELPED counts chunks run by helpers.
 */
export const NEXT = 0, COUNT = 1, COMPLETED = 2, ERROR = 3, SEQ = 4, HELPED = 5, READY = 8, JOB = 24, CHUNKS = 40;
/** Most chunks one job may have, and the length of the control array. */
export const MAX_CHUNKS = 256, CTRL_LENGTH = CHUNKS + 6 * MAX_CHUNKS;
/** Most helper threads (READY holds one flag per helper, index 1..). */
export const MAX_HELPERS = JOB - READY - 1;

/** What a helper receives on start. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly ctrl: SharedArrayBuffer;
  readonly index: number;
  /** Milliseconds to spin after a job before sleeping. */
  readonly spin: number;
  /** Bytes of one thread's workspace (thread t uses [t * wsBytes, (t + 1) * wsBytes)). */
  readonly wsBytes: number;
  /** The module's exports a job names by index (runtime.ts KERNELS). */
  readonly kernels: readonly string[];
}

/**
 * Claims and runs chunks of the open job until none is left (the caller and every helper run it).
 * The job words (kind, table, M, N, K, sam, sak, sbk, sbn) and chunk words (b0, b1, i0, i1, j0, j1)
 * stay fixed while a claimed chunk is unfinished. A chunk that throws sets ERROR before it counts
 * as completed, so the caller sees the flag once all chunks are completed.
 * NOTE: stringified into the worker, so it must not reference anything outside itself.
 */
export function takeChunks(c: Int32Array, fns: readonly ((...a: number[]) => void)[], ws: number): void {
  const [NEXT, COUNT, COMPLETED, ERROR, HELPED, JOB, CHUNKS] = [0, 1, 2, 3, 5, 24, 40];
  for (;;) {
    const w = Atomics.load(c, NEXT);
    const k = w & 0xffff;
    if (k >= Atomics.load(c, COUNT)) return;
    if (Atomics.compareExchange(c, NEXT, w, w + 1) !== w) continue;
    const q = CHUNKS + 6 * k;
    try {
      fns[c[JOB]!]!(c[JOB + 1]!, c[q]!, c[q + 1]!, c[JOB + 2]!, c[JOB + 3]!, c[JOB + 4]!, c[JOB + 5]!, c[JOB + 6]!,
        c[JOB + 7]!, c[JOB + 8]!, c[q + 2]!, c[q + 3]!, c[q + 4]!, c[q + 5]!, ws);
    } catch {
      Atomics.store(c, ERROR, 1);
    }
    if (ws !== 0) Atomics.add(c, HELPED, 1); // only the caller uses workspace 0
    Atomics.add(c, COMPLETED, 1);
    Atomics.notify(c, COMPLETED);
  }
}

// NOTE: stringified into the worker together with takeChunks.
function workerMain(init: WorkerInit): void {
  const [SEQ, READY] = [4, 8];
  const ex = new WebAssembly.Instance(init.module, { env: { mem: init.memory } }).exports as Record<string, (...a: number[]) => void>;
  const fns = init.kernels.map((k) => ex[k]!);
  const c = new Int32Array(init.ctrl);
  Atomics.store(c, READY + init.index, 1);
  Atomics.notify(c, READY + init.index);
  let seen = Atomics.load(c, SEQ);
  for (;;) {
    // NOTE: spin for init.spin ms after a job before sleeping: waking a sleeping thread costs from
    // tens of microseconds to milliseconds on a VM, which is large next to a 1 ms matmul
    let s = Atomics.load(c, SEQ);
    for (let until = performance.now() + init.spin; s === seen && performance.now() < until;) {
      for (let i = 0; i < 1000 && s === seen; i++) s = Atomics.load(c, SEQ);
    }
    if (s === seen) {
      Atomics.wait(c, SEQ, seen);
      continue;
    }
    seen = s;
    takeChunks(c, fns, init.index * init.wsBytes);
  }
}

const body = (): string => `${takeChunks.toString()}\n${workerMain.toString()}\n`;

/**
 * The script for a Node worker (`eval: true`), reading its start data from `workerData`.
 * NOTE: no `require`: a worker inherits `--input-type=module`, which makes eval'd code ESM.
 */
export function nodeWorkerSource(): string {
  return `${body()}workerMain(process.getBuiltinModule('node:worker_threads').workerData);\n`;
}

/** The script for a browser Web Worker, started by its first message. */
export function webWorkerSource(): string {
  return `${body()}self.onmessage = (e) => { self.onmessage = null; workerMain(e.data); };\n`;
}
