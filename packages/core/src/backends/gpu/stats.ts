// Counters of the GPU backend (live buffers, kernel compiles, launches, CPU fallbacks) and the
// record of where each op ran. Free of gpu.js so core can export it without loading the backend.

/** A snapshot of the GPU backend's counters. */
export interface GpuStats {
  /** Device buffers currently held by tensors (freed ones are not counted). */
  readonly liveBuffers: number;
  /** gpu.js kernels compiled since the backend was set up (one per op and shape signature). */
  readonly compiles: number;
  /** Kernel launches since setup. */
  readonly launches: number;
  /** Ops computed on the CPU because no gpu.js kernel could run them. */
  readonly fallbacks: number;
}

/** Where one op ran the last time it was dispatched on the device. */
export type OpPlacement = {
  /** A gpu.js kernel ran it. */
  readonly where: 'gpu';
} | {
  /** It fell back to the CPU. */
  readonly where: 'cpu';
  /** Why (the limit it hit). */
  readonly reason: string;
};

const counters = { liveBuffers: 0, compiles: 0, launches: 0, fallbacks: 0 };
const placements = new Map<string, OpPlacement>();

/** @internal Mutable counters, bumped by the backend modules. */
export const statsCounters = counters;

/**
 * The GPU backend's counters (all zero before `setBackend('gpu')`).
 * @returns A snapshot (later work does not change it).
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * const y = ones([8]).to('gpu').mul(2);
 * await y.data();
 * gpuStats().launches > 0; // true
 */
export function gpuStats(): GpuStats {
  return { ...counters };
}

/** @internal Records that `op` ran on the device, unless it already fell back. */
export function recordGpu(op: string): void {
  if (!placements.has(op)) placements.set(op, { where: 'gpu' });
}

/** @internal Records that `op` fell back to the CPU, and why. */
export function recordCpu(op: string, reason: string): void {
  placements.set(op, { where: 'cpu', reason });
}

/**
 * Where each op dispatched on the device so far ran: on the GPU, or on the CPU and why.
 * @returns A copy of the record, keyed by primitive name.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * await ones([8]).to('gpu').exp().data();
 * opPlacements().get('exp'); // { where: 'gpu' }
 */
export function opPlacements(): ReadonlyMap<string, OpPlacement> {
  return new Map(placements);
}

/** @internal Clears counters and placements (a new backend instance starts from zero). */
export function resetStats(): void {
  counters.liveBuffers = 0;
  counters.compiles = 0;
  counters.launches = 0;
  counters.fallbacks = 0;
  placements.clear();
}
