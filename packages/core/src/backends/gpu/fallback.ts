// Per-op CPU fallback: inputs are captured when the op is issued, read back, run through the CPU
// backend's kernel and the result uploaded. Each op that falls back is named once with console.warn.

import type { Attrs, KernelInput, KernelOutput, OpKey } from '../../backend.js';
import { allocArray, type TypedArray } from '../../dtype.js';
import { cpuBackend } from '../cpu/index.js';
import type { Handle } from './device.js';
import { Buf, acquire, asGpu, bufferOf, currentDevice, unacquire, whenReady } from './storage.js';
import { recordCpu, statsCounters } from './stats.js';

/** A kernel input as captured when the op was issued: its buffer generation or host value. */
export interface Snap {
  readonly buf: Buf | null;
  readonly host: number | null;
  readonly view: KernelInput;
}

/** Captures the inputs' current buffers (host scalars uploaded first if `materialize`) and holds them. */
export function snapshot(inputs: readonly KernelInput[], materialize: boolean): Snap[] {
  return inputs.map((view) => {
    const s = asGpu(view.storage);
    const buf = s.host !== null && !materialize ? null : s.size === 0 ? null : bufferOf(s);
    if (buf) acquire(buf);
    return { buf, host: buf ? null : s.host, view };
  });
}

/** Releases what `snapshot` held. */
export function release(snaps: readonly Snap[]): void {
  for (const s of snaps) if (s.buf) unacquire(s.buf);
}

/** The values of a captured input as the CPU dtype's array. */
export async function readSnap(s: Snap): Promise<TypedArray> {
  const out = allocArray(s.view.dtype, s.view.storage.size);
  if (s.host !== null) out[0] = s.host;
  else if (s.buf) out.set(await currentDevice().read(await whenReady(s.buf), s.buf.size) as never);
  return out;
}

const failed = new Map<string, string>();
const warned = new Set<string>();

/** @internal Forgets fallbacks (a new backend instance tries every op again). */
export function resetFallbacks(): void {
  failed.clear();
  warned.clear();
}

/** Why `op` runs on the CPU for good, if it does. */
export function failedReason(op: string): string | undefined {
  return failed.get(op);
}

/** Records (and warns once) that `op` runs on the CPU; `sticky` makes every later call skip the GPU. */
export function fallBack(op: string, reason: string, sticky: boolean): void {
  if (sticky) failed.set(op, reason);
  recordCpu(op, reason);
  if (!warned.has(op)) {
    warned.add(op);
    console.warn(`tsgrad gpu: op '${op}' runs on the CPU (${reason}); its inputs are read back and its result uploaded`);
  }
}

/** Runs `op` on the CPU backend over captured inputs; resolves to the uploaded result. */
export async function runOnCpu(op: OpKey, snaps: readonly Snap[], out: KernelOutput, attrs: Attrs): Promise<Handle> {
  statsCounters.fallbacks++;
  const kernel = cpuBackend.kernel(op);
  if (!kernel) throw new Error(`op '${op.name}' has no CPU kernel to fall back to`);
  const inputs = await Promise.all(snaps.map(async (s) => ({ ...s.view, storage: cpuBackend.fromArray(await readSnap(s), s.view.dtype) })));
  const res = await cpuBackend.read(kernel(inputs, out, attrs));
  return currentDevice().upload(Float32Array.from(res as ArrayLike<number>));
}
