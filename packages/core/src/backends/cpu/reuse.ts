// Reuse of large CPU arrays (opt-in, setCpuMemoryReuse): while it is on, CPU tensors belong to
// the innermost `scope` as GPU tensors do, and the arrays of those disposed (at the scope's end, or
// by `dispose`) go back to a pool that kernels take their outputs from. A fresh large array costs
// a page fault per 4 KB on first touch (about 2.5 us each on the machines measured: 20 ms for the
// pretraining step's 32 MB tensors) and feeds the garbage collector; a reused one costs a fill(0).
// Buffers come in size classes an eighth of a power of two apart, and a request takes the smallest
// free one up to twice its size, so padded batches of varying length share them; sizes nobody
// took in a while, and the least recently used when the pool is full, are dropped, so the pool
// holds about one step's working set.
//
// Safety: an array returns to the pool only when every storage wrapping its buffer is disposed
// (kernels may wrap an input's array as their output), and only if it was taken from here while
// reuse was on (never a user's array). A disposed CPU tensor throws when read, as a GPU one does.

import { ARRAY_OF, allocArray, type DType, type TypedArray } from '../../dtype.js';

/** Arrays from this size (bytes) are pooled; smaller ones come cheaply from the allocator's heap. */
const MIN_BYTES = 64 * 1024;
/** Allocations after which a size class nobody asked for is emptied (a few steps of a training loop). */
const STALE_AFTER = 2048;

let enabled = false;
let maxBytes = 256 * 1024 * 1024;
let pooledBytes = 0;
let tick = 0; // allocOut calls of pooled sizes
let hits = 0;
const free = new Map<number, { bufs: ArrayBuffer[]; last: number }>(); // by size class (bytes)
const poolable = new WeakSet<ArrayBuffer>(); // handed out by allocOut while reuse was on
const holders = new WeakMap<ArrayBufferLike, number>(); // live storages over each large buffer

/**
 * The buffer size serving `bytes`: rounded up to an eighth of its power of two (at most 12.5%
 * more), so that tensors whose shapes vary a little from step to step (padded batches) share buffers.
 */
function sizeClass(bytes: number): number {
  const step = 2 ** Math.floor(Math.log2(bytes)) / 8;
  return Math.ceil(bytes / step) * step;
}

/** Empties the classes nobody has asked for in STALE_AFTER allocations, or (need > 0) the least recently used until `need` bytes fit. */
function evict(need = 0): void {
  const order = [...free].sort((a, b) => a[1].last - b[1].last);
  for (const [cls, e] of order) {
    if (need > 0 ? pooledBytes + need <= maxBytes : e.last >= tick - STALE_AFTER) break;
    pooledBytes -= cls * e.bufs.length;
    free.delete(cls);
  }
}

/** Options of {@link setCpuMemoryReuse}. */
export interface CpuMemoryReuseOptions {
  /** Most bytes the pool keeps (default 256 MiB; the least recently used sizes go first). */
  maxBytes?: number;
}

/**
 * Turns reuse of large CPU arrays on or off (default off), returning the previous setting. While
 * on, CPU tensors created inside a `scope` (or `stepScope`) are disposed when it ends unless
 * returned or `keep`-ed, exactly as GPU tensors are, and their memory serves later kernels;
 * reading a disposed tensor throws. Training and inference loops written for the GPU backend
 * (every tensor that outlives its step returned or kept) gain speed on the CPU; code that lets
 * tensors escape a scope should leave it off. Turning it off empties the pool.
 * @param on - Reuse arrays.
 * @param opts - `maxBytes` of the pool.
 * @returns Whether reuse was on.
 * @example
 * const was = setCpuMemoryReuse(true);
 * const y = scope(() => ones([512, 512]).mul(2).add(1)); // the mul's result is disposed, y kept
 * y.sum().item(); // 786432
 * setCpuMemoryReuse(was);
 */
export function setCpuMemoryReuse(on: boolean, opts: CpuMemoryReuseOptions = {}): boolean {
  const was = enabled;
  enabled = on;
  if (opts.maxBytes !== undefined) maxBytes = Math.max(0, opts.maxBytes);
  if (!on) {
    free.clear();
    pooledBytes = 0;
  }
  return was;
}

/**
 * Whether CPU array reuse is on (see {@link setCpuMemoryReuse}).
 * @returns True while it is on.
 * @example cpuMemoryReuse(); // false (the default)
 */
export function cpuMemoryReuse(): boolean {
  return enabled;
}

/**
 * A zero-filled array for a kernel's output: from the pool where a buffer of its size class is
 * free. `filled: false` skips zeroing a reused buffer, for callers that write every element.
 */
export function allocOut(dtype: DType, n: number, filled = true): TypedArray {
  const Ctor = ARRAY_OF[dtype] as unknown as { new (b: ArrayBuffer, at: number, n: number): TypedArray; BYTES_PER_ELEMENT: number };
  const bytes = n * Ctor.BYTES_PER_ELEMENT;
  if (!enabled || bytes < MIN_BYTES) return allocArray(dtype, n);
  if (++tick % 1024 === 0) evict();
  const cls = sizeClass(bytes);
  const pooled = take(cls);
  if (pooled) hits++;
  const buf = pooled ?? new ArrayBuffer(cls); // a new one is zero-filled
  poolable.add(buf);
  const out = new Ctor(buf, 0, n);
  return pooled && filled ? out.fill(0) : out;
}

/** A pooled buffer of the smallest class from `cls` up to 2 cls (shapes change from step to step), if any. */
function take(cls: number): ArrayBuffer | undefined {
  let best = 0;
  for (const [c, e] of free) if (c >= cls && c <= 2 * cls && e.bufs.length > 0 && (best === 0 || c < best)) best = c;
  if (best === 0) return undefined;
  const e = free.get(best)!;
  e.last = tick;
  pooledBytes -= best;
  return e.bufs.pop();
}

/** Counts a new storage over `data` (over large buffers only; a small view of a large buffer counts). */
export function holdArray(data: TypedArray): void {
  if (data.buffer.byteLength >= MIN_BYTES) holders.set(data.buffer, (holders.get(data.buffer) ?? 0) + 1);
}

/** A storage over `data` was disposed: its buffer goes back to the pool once no storage holds it. */
export function releaseArray(data: TypedArray): void {
  if (data.buffer.byteLength < MIN_BYTES) return;
  const left = (holders.get(data.buffer) ?? 1) - 1;
  holders.set(data.buffer, left);
  const buf = data.buffer as ArrayBuffer;
  if (left > 0 || !enabled || !poolable.has(buf)) return;
  if (pooledBytes + buf.byteLength > maxBytes) evict(buf.byteLength);
  if (pooledBytes + buf.byteLength > maxBytes) return; // larger than the whole pool: left to the GC
  poolable.delete(buf); // handed out again only through allocOut, which marks it anew
  let entry = free.get(buf.byteLength);
  if (!entry) free.set(buf.byteLength, (entry = { bufs: [], last: tick }));
  entry.bufs.push(buf);
  pooledBytes += buf.byteLength;
}

/** @internal What the pool holds now (for tests and tuning): its bytes, the buffers of each size class, and how many requests it served of how many. */
export function poolStats(): { bytes: number; classes: Record<number, number>; hits: number; requests: number } {
  return { bytes: pooledBytes, classes: Object.fromEntries([...free].map(([cls, e]) => [cls, e.bufs.length])), hits, requests: tick };
}
