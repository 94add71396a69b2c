// Kernel cache and launches: one gpu.js kernel per (op, shape signature), compiled on first use;
// a launch issues the kernel as soon as its inputs' buffers exist, without waiting for results.

import type { Handle, KernelFn, KernelSpec } from './device.js';
import { WGSL, helpersFor } from './codegen.js';
import { Buf, acquire, currentDevice, drop, unacquire, whenReady } from './storage.js';
import { statsCounters } from './stats.js';

/** A compiled kernel and the spec it was built from. */
export interface Compiled {
  readonly fn: KernelFn;
  readonly spec: KernelSpec;
}

/** What a kernel builder returns; helper functions it calls are added automatically. */
export type KernelBuild = Omit<KernelSpec, 'functions' | 'wgsl'> & { readonly functions?: readonly string[] };

const cache = new Map<string, Compiled>();

/** @internal Forgets every compiled kernel (the device they belong to is gone). */
export function clearKernelCache(): void {
  cache.clear();
}

/** The kernel cached under `key`, built (and counted as a compile) on first use. */
export function kernelFor(key: string, build: () => KernelBuild): Compiled {
  const hit = cache.get(key);
  if (hit) return hit;
  const b = build();
  const own = b.functions ?? [];
  const functions = [...own, ...helpersFor([b.source, ...own])];
  const device = currentDevice();
  const wgsl = device.mode === 'webgpu'
    ? Object.fromEntries(Object.entries(WGSL).filter(([name]) => functions.some((f) => f.startsWith(`function ${name}(`))))
    : undefined;
  const spec: KernelSpec = { ...b, functions, ...(wgsl ? { wgsl } : {}) };
  const compiled = { fn: device.createKernel(spec), spec };
  statsCounters.compiles++;
  cache.set(key, compiled);
  return compiled;
}

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * Issues kernel `k` on `arrays` (device buffers) and `uniforms` (numbers). Returns the result
 * handle, or a Promise of it where the device is asynchronous or an input is still pending; a
 * failure (e.g. the kernel does not compile) rejects it.
 */
export function launch(k: Compiled, arrays: readonly Buf[], uniforms: readonly number[]): Handle | Promise<Handle> {
  const device = currentDevice();
  statsCounters.launches++;
  for (const a of arrays) acquire(a);
  const done = () => {
    for (const a of arrays) unacquire(a);
  };
  const call = (handles: readonly Handle[]): Handle | Promise<Handle> => {
    const r = k.fn(...handles, ...uniforms);
    return isPromise(r) ? r.then((h) => device.result(h, k.spec)) : device.result(r, k.spec);
  };
  let r: Handle | Promise<Handle>;
  try {
    r = arrays.every((a) => a.handle !== undefined)
      ? call(arrays.map((a) => a.handle))
      : Promise.all(arrays.map(whenReady)).then(call);
  } catch (e) {
    r = Promise.reject(e);
  }
  if (!isPromise(r)) {
    done();
    return r;
  }
  return r.finally(done);
}

/** `launch` whose result is an intermediate buffer (drop it after issuing the kernels that read it). */
export function launchBuf(k: Compiled, arrays: readonly Buf[], uniforms: readonly number[], size: number): Buf {
  return new Buf(size, launch(k, arrays, uniforms));
}

/** Drops intermediates once their readers are issued. */
export function dropAll(bufs: readonly Buf[]): void {
  for (const b of bufs) drop(b);
}
