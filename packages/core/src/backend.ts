// The backend contract (storage + kernels per primitive) and the registry backends add themselves to.

import type { DType, TypedArray } from './dtype.js';
import { BackendError } from './errors.js';
import type { Shape } from './shape.js';

/** A backend's handle to a flat buffer of `size` elements of `dtype` on `device`. */
export interface Storage {
  readonly device: string;
  readonly dtype: DType;
  readonly size: number;
  /** Bumped by every in-place write, so autograd can detect saved tensors that changed. */
  version: number;
}

/** Op attributes (dims, flags, constants): plain data, never tensors. */
export type Attrs = Readonly<Record<string, unknown>>;

/** How a primitive is classified; backends get one generic kernel per kind where they can. */
export type OpKind = 'elementwise' | 'reduce' | 'view' | 'other';

/** What a backend sees of an op: enough to pick or generate a kernel. */
export interface OpKey {
  readonly name: string;
  readonly kind: OpKind;
  /** Elementwise semantics on JS numbers; self-contained so GPU backends can transpile it. */
  readonly scalar?: (...xs: number[]) => number;
}

/** A kernel argument: a strided view of a storage. Broadcast dims have stride 0. */
export interface KernelInput {
  readonly storage: Storage;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

/** The output a kernel must produce: a fresh contiguous storage of this shape and dtype. */
export interface KernelOutput {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Computes one primitive. Inputs are views; the result is a new contiguous storage. */
export type Kernel = (inputs: readonly KernelInput[], out: KernelOutput, attrs: Attrs) => Storage;

/**
 * A place tensors live and primitives run: storage management plus a kernel per primitive.
 * `kernel` returns undefined for ops it lacks, and dispatch then uses the op's decomposition.
 */
export interface Backend {
  readonly name: string;
  readonly dtypes: ReadonlySet<DType>;
  fromArray(data: TypedArray, dtype: DType): Storage;
  /** The storage's elements, contiguous, in a new or owned array. Async so GPU readback fits. */
  read(s: Storage): Promise<TypedArray>;
  /** Synchronous read, where the backend can. */
  readSync?(s: Storage): TypedArray;
  /** Releases device memory now (a no-op where the GC owns memory). */
  dispose(s: Storage): void;
  kernel(op: OpKey): Kernel | undefined;
  /** Writes `src` (same shape as `dst`, broadcast by strides) into the view `dst`, in place. */
  copyInto(dst: KernelInput, src: KernelInput): void;
}

const registry = new Map<string, Backend>();

/** Adds a backend under its name (called by each backend's module). */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

/** Looks up a backend by device name, with an error that lists what is available. */
export function getBackend(device: string): Backend {
  const b = registry.get(device);
  if (!b) {
    throw new BackendError('device', `no backend for device '${device}'`, {},
      `available: ${[...registry.keys()].join(', ')}${device === 'gpu' ? "; call `await setBackend('gpu', { mode })` first" : ''}`);
  }
  return b;
}

/** Whether a backend is registered for `device`. */
export function hasBackend(device: string): boolean {
  return registry.has(device);
}

/** The registered device names. */
export function listBackends(): string[] {
  return [...registry.keys()];
}
