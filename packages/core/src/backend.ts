// The backend contract (storage + kernels per primitive) and the registry backends add themselves to.

import type { DType, TypedArray } from './dtype.js';
import { BackendError } from './errors.js';
import type { Shape } from './shape.js';

/** A backend's handle to a flat buffer of `size` elements of `dtype` on `device`. */
export interface Storage {
  /** The device (backend name) that owns the buffer. */
  readonly device: string;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** Bumped by every in-place write, so autograd can detect saved tensors that changed. */
  version: number;
}

/**
 * Op attributes (dims, flags, constants): plain data, never tensors.
 * @inline
 */
export type Attrs = Readonly<Record<string, unknown>>;

/**
 * How a primitive is classified; backends get one generic kernel per kind where they can.
 * @inline
 */
export type OpKind = 'elementwise' | 'reduce' | 'view' | 'other';

/**
 * What a backend sees of an op (the primitive's definition, read-only): everything a backend reads
 * to pick or generate a kernel.
 * @inline
 */
export interface OpKey {
  /** The primitive's name (`'exp'`, `'matmul'`), equal to its op function's name. */
  readonly name: string;
  /** How backends treat it: `'elementwise'`, `'reduce'`, `'view'` or `'other'`. */
  readonly kind: OpKind;
  /** Elementwise semantics on JS numbers; self-contained so GPU backends can transpile it. */
  readonly scalar?: (...xs: number[]) => number;
  /** For int32 outputs where `scalar` would lose bits (e.g. `Math.imul` for mul). */
  readonly intScalar?: (...xs: number[]) => number;
  /**
   * The op written with other ops (fused ops have one): where a backend has no kernel of its own,
   * `apply` runs this instead (a backend only asks whether it is there; tensors are typed in `PrimitiveDef`).
   * @param inputs - The op's tensor inputs.
   * @param attrs - The op's attributes.
   * @returns The op's result (a tensor), computed with other ops.
   */
  decompose?(inputs: readonly any[], attrs: Attrs): unknown;
}

/** A kernel argument: a strided view of a storage. Broadcast dims have stride 0. */
export interface KernelInput {
  /** The buffer viewed. */
  readonly storage: Storage;
  /** The view's shape. */
  readonly shape: Shape;
  /** Elements to step per index of each dim (0 where broadcast). */
  readonly strides: readonly number[];
  /** Index of element [0, ..., 0] in the storage. */
  readonly offset: number;
  /** Element type. */
  readonly dtype: DType;
}

/**
 * The output a kernel must produce: a fresh contiguous storage of this shape and dtype.
 * @inline
 */
export interface KernelOutput {
  /** The output shape. */
  readonly shape: Shape;
  /** The output dtype. */
  readonly dtype: DType;
}

/**
 * Computes one primitive. Inputs are views; the result is a new contiguous storage. A kernel marked
 * `fallback` only runs the op somewhere else (the GPU backend's CPU fallback): `apply` then prefers
 * the op's decomposition, where it has one, so fused ops run as their parts on the device.
 */
export type Kernel = ((inputs: readonly KernelInput[], out: KernelOutput, attrs: Attrs) => Storage) & {
  /** True for a kernel that runs the op off this backend (used only when there is no decomposition). */
  readonly fallback?: boolean;
  /**
   * Optional, for ops with an in-place form (`adamStep_`; elementwise ops for `x.mul_(y)` and
   * friends, whose one output goes over the first input): writes the outputs over the inputs'
   * storages instead of a new one; returns false when it cannot (the caller then copies back).
   * The caller has checked that the result's shape and dtype are the written input's.
   * @param inputs - The op's inputs, the written ones first.
   * @param attrs - The op's attributes.
   * @returns Whether it wrote the outputs.
   */
  readonly inPlace?: (inputs: readonly KernelInput[], attrs: Attrs) => boolean;
};

/**
 * A place tensors live and primitives run: storage management plus a kernel per primitive.
 * `kernel` returns undefined for ops it lacks, and dispatch then uses the op's decomposition.
 */
export interface Backend {
  /** The device name tensors report (`'cpu'`, `'gpu'`). */
  readonly name: string;
  /** The dtypes its storage can hold. */
  readonly dtypes: ReadonlySet<DType>;
  /**
   * Uploads an array as a new storage.
   * @param data - Elements in row-major order (the backend may keep the array).
   * @param dtype - Their dtype.
   * @returns The storage.
   */
  fromArray(data: TypedArray, dtype: DType): Storage;
  /**
   * The storage's elements, contiguous, in a new or owned array. Async so GPU readback fits.
   * @param s - A storage of this backend.
   * @returns Its elements.
   */
  read(s: Storage): Promise<TypedArray>;
  /**
   * Synchronous read, where the backend can.
   * @param s - A storage of this backend.
   * @returns Its elements.
   */
  readSync?(s: Storage): TypedArray;
  /**
   * Releases device memory now (a no-op where the GC owns memory).
   * @param s - The storage to free.
   */
  dispose(s: Storage): void;
  /**
   * The kernel for a primitive, or undefined when the backend has none; `apply` alone decides
   * between a kernel and the op's decomposition (see {@link apply}'s rule).
   * @param op - The primitive's definition (name, kind, scalar, intScalar, decompose).
   * @returns The kernel, if the backend has one.
   */
  kernel(op: OpKey): Kernel | undefined;
  /**
   * Writes `src` (same shape as `dst`, broadcast by strides) into the view `dst`, in place.
   * @param dst - The view written to.
   * @param src - The values, broadcast to `dst`'s shape.
   */
  copyInto(dst: KernelInput, src: KernelInput): void;
}

const registry = new Map<string, Backend>();

/**
 * Adds a backend under its name (called by each backend's module); a second one of the same name
 * replaces the first.
 * @param b - The backend.
 * @example
 * registerBackend({ ...cpuBackend, name: 'cpu2' });
 * listBackends().includes('cpu2'); // true
 */
export function registerBackend(b: Backend): void {
  registry.set(b.name, b);
}

/**
 * Looks up a backend by device name, with an error that lists what is available.
 * @param device - The device name.
 * @returns The backend.
 * @example getBackend('cpu').name; // 'cpu'
 */
export function getBackend(device: string): Backend {
  const b = registry.get(device);
  if (!b) {
    throw new BackendError('device', `no backend for device '${device}'`, {},
      `available: ${[...registry.keys()].join(', ')}${device === 'gpu' ? "; call `await setBackend('gpu', { mode })` first" : ''}`);
  }
  return b;
}

/**
 * Whether a backend is registered for `device`.
 * @param device - The device name.
 * @returns True once the backend is registered (`'gpu'` after `setBackend('gpu', ...)`).
 * @example hasBackend('cpu'); // true
 */
export function hasBackend(device: string): boolean {
  return registry.has(device);
}

/**
 * The registered device names.
 * @returns The names, in registration order.
 * @example listBackends()[0]; // 'cpu'
 */
export function listBackends(): string[] {
  return [...registry.keys()];
}

let defaultDevice = 'cpu';

/**
 * Sets the device that creation functions (`tensor`, `zeros`, `randn`, `arange`, ...) use when
 * their options name none (PyTorch's `torch.set_default_device`); `null` restores `'cpu'`. The
 * `*Like` functions keep their input's device, and ops put results on their inputs' device, as
 * in PyTorch. The device's backend must be registered (`await setBackend('gpu', ...)` first).
 * @param device - A registered device name, or null for `'cpu'`.
 * @example
 * setDefaultDevice('cpu');
 * zeros(2).device; // 'cpu'
 * getDefaultDevice(); // 'cpu'
 */
export function setDefaultDevice(device: string | null): void {
  const d = device ?? 'cpu';
  getBackend(d); // throws, listing the registered devices, when there is no such backend
  defaultDevice = d;
}

/**
 * The device creation functions use when none is named ({@link setDefaultDevice}; PyTorch's
 * `torch.get_default_device`).
 * @returns The device name (initially `'cpu'`).
 * @example getDefaultDevice(); // 'cpu'
 */
export function getDefaultDevice(): string {
  return defaultDevice;
}
