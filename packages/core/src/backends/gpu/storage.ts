// GPU storage: a tensor's storage points at one device buffer generation (`Buf`) at a time, or
// holds a 1-element value on the host. Buffers are freed once dropped and no issued kernel reads them.

import type { Storage } from '../../backend.js';
import type { DType } from '../../dtype.js';
import { BackendError } from '../../errors.js';
import type { Device, Handle } from './device.js';
import { trackStorage } from '../../memory.js';
import { statsCounters } from './stats.js';

let device: Device | null = null;

/** @internal The device of the running backend. */
export function currentDevice(): Device {
  if (!device) throw new BackendError('gpu', 'the gpu backend is not set up', {}, "call `await setBackend('gpu', { mode })` first");
  return device;
}

/** @internal Installs (or, with null, removes) the device. */
export function setCurrentDevice(d: Device | null): void {
  device = d;
}

const inflight = new Set<Promise<Handle>>();

/**
 * Waits until every issued op has reached the device (kernels still waiting on inputs, CPU
 * fallbacks, first-time kernel builds), then until the device has finished the submitted work.
 * Use it before timing, or before reading {@link gpuStats}.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * ones([8]).to('gpu').mul(2);
 * await synchronize(); // the multiply has run
 */
export async function synchronize(): Promise<void> {
  while (inflight.size > 0) await Promise.allSettled([...inflight]);
  await device?.sync();
}

/**
 * One device buffer of `size` float32 cells. Its handle may still be pending (webgpu kernels
 * resolve a microtask later); `readers` counts issued kernels and readbacks not yet submitted.
 */
export class Buf {
  handle: Handle | undefined;
  ready: Promise<Handle> | undefined;
  error: unknown = undefined;
  readers = 0;
  dropped = false;
  freed = false;
  /** The device the buffer lives on (it is released there even after a new setup). */
  readonly owner: Device;

  constructor(readonly size: number, value: Handle | Promise<Handle>) {
    this.owner = currentDevice();
    statsCounters.liveBuffers++;
    if (typeof (value as { then?: unknown } | null)?.then === 'function') {
      const p: Promise<Handle> = (this.ready = Promise.resolve(value).then(
        (h) => {
          this.handle = h;
          this.ready = undefined;
          maybeFree(this);
          return h;
        },
        (e) => {
          this.error = e;
          this.ready = undefined;
          maybeFree(this);
          throw e;
        },
      ));
      inflight.add(p);
      // NOTE: errors surface at readback; the catch keeps Node from flagging them as unhandled
      p.catch(() => {}).finally(() => inflight.delete(p));
    } else this.handle = value;
  }
}

/** The buffer's handle, now or when its kernel has been issued. */
export function whenReady(b: Buf): Handle | Promise<Handle> {
  if (b.handle !== undefined) return b.handle;
  if (b.ready) return b.ready;
  return Promise.reject(b.error ?? new BackendError('gpu', 'a buffer was used after it was freed'));
}

function maybeFree(b: Buf): void {
  if (!b.dropped || b.readers > 0 || b.freed || b.ready !== undefined) return;
  b.freed = true;
  // NOTE: the counters belong to the device that is set up now (setBackend starts them from
  // zero): a buffer of an earlier device, freed late by the finalizer, is not one of its own
  if (b.owner === device) statsCounters.liveBuffers--;
  if (b.handle !== undefined) b.owner.release(b.handle);
  b.handle = undefined;
}

/** Marks a read of `b` as pending (a kernel or readback that has not been issued yet). */
export function acquire(b: Buf): void {
  b.readers++;
}

/** Ends a pending read; frees the buffer if it was dropped and this was the last reader. */
export function unacquire(b: Buf): void {
  b.readers--;
  maybeFree(b);
}

/** Drops the owner's reference; the buffer is freed when no pending work reads it. */
export function drop(b: Buf): void {
  b.dropped = true;
  maybeFree(b);
}

const finalizer = new FinalizationRegistry<Buf>((b) => drop(b));

/** A tensor storage on device 'gpu' (int32 and bool values are stored as exact float32). */
export class GpuStorage implements Storage {
  readonly device = 'gpu';
  version = 0;
  private current: Buf | null;
  /** The value of a 1-element storage kept on the host (weak scalars such as `x.mul(2)`'s 2). */
  host: number | null;
  disposed = false;

  constructor(readonly dtype: DType, readonly size: number, buf: Buf | null, host: number | null = null) {
    this.current = buf;
    this.host = host;
    if (buf) finalizer.register(this, buf, this);
    trackStorage(this);
  }

  /** The current buffer generation (null for host and empty storages). */
  get buf(): Buf | null {
    if (this.disposed) throw new BackendError('gpu', 'this tensor was disposed', {}, 'keep it (keep(t) or return it from scope) while it is used');
    return this.current;
  }

  /** Points the storage at a new buffer (an in-place write); the old one is dropped. */
  replace(buf: Buf): void {
    const old = this.buf;
    finalizer.unregister(this);
    this.current = buf;
    this.host = null;
    finalizer.register(this, buf, this);
    if (old) drop(old);
  }

  /** Frees the buffer (when pending work is done); later use throws. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    finalizer.unregister(this);
    if (this.current) drop(this.current);
    this.current = null;
  }
}

/** A new storage around a kernel result or an upload. */
export function deviceStorage(dtype: DType, size: number, value: Handle | Promise<Handle>): GpuStorage {
  return new GpuStorage(dtype, size, new Buf(size, value));
}

/** The buffer behind `s`, uploading a host scalar first (the storage keeps the upload). */
export function bufferOf(s: Storage): Buf {
  const g = asGpu(s);
  if (g.buf) return g.buf;
  const data = new Float32Array(Math.max(g.size, 1));
  if (g.host !== null) data[0] = g.host;
  const b = new Buf(g.size, currentDevice().upload(data));
  g.replace(b);
  return b;
}

/** Checks that `s` is a live GPU storage. */
export function asGpu(s: Storage): GpuStorage {
  if (!(s instanceof GpuStorage)) throw new BackendError('gpu', `expected a storage on 'gpu', got one on '${s.device}'`);
  if (s.disposed) throw new BackendError('gpu', 'this tensor was disposed', {}, 'keep it (keep(t) or return it from scope) while it is used');
  return s;
}
