// CPU storage: a TypedArray owned by the GC, and helpers to read kernel inputs as flat arrays.

import type { KernelInput, Storage } from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';
import { BackendError } from '../../errors.js';
import { sizeOf } from '../../shape.js';
import { gatherStrided } from '../../strided.js';
import { trackStorage } from '../../memory.js';
import { allocOut, cpuMemoryReuse, holdArray, releaseArray } from './reuse.js';

/** A CPU buffer: the TypedArray itself. */
export class CpuStorage implements Storage {
  readonly device = 'cpu';
  version = 0;
  #data: TypedArray | null;
  constructor(data: TypedArray, readonly dtype: DType) {
    this.#data = data;
    holdArray(data);
    if (cpuMemoryReuse()) trackStorage(this); // the innermost scope owns it, as it owns GPU buffers
  }
  /** The elements; throws once the storage is disposed with memory reuse on. */
  get data(): TypedArray {
    if (this.#data === null) {
      throw new BackendError('cpu', 'this tensor was disposed (its scope ended, or dispose() was called) and its memory reused', {},
        'return it from the scope or keep() it, or turn memory reuse off (setCpuMemoryReuse(false))');
    }
    return this.#data;
  }
  get size(): number {
    return this.data.length;
  }
  /** Disposes the storage: with memory reuse on, its array may serve later kernels (a no-op otherwise). */
  release(): void {
    if (this.#data === null || !cpuMemoryReuse()) return;
    releaseArray(this.#data);
    this.#data = null;
  }
}

/** The TypedArray behind a CPU storage. */
export function dataOf(s: Storage): TypedArray {
  if (!(s instanceof CpuStorage)) throw new BackendError('cpu', `expected a CPU storage, got one on '${s.device}'`);
  return s.data;
}

/** The input's elements as a flat row-major array: the storage itself when it already is one. */
export function contiguousData(x: KernelInput): TypedArray {
  const data = dataOf(x.storage);
  const n = sizeOf(x.shape);
  let contiguous = x.offset === 0 && data.length === n;
  let expected = 1;
  for (let i = x.shape.length - 1; i >= 0 && contiguous; i--) {
    if (x.shape[i] !== 1 && x.strides[i] !== expected) contiguous = false;
    expected *= x.shape[i]!;
  }
  if (contiguous) return data;
  const out = allocOut(x.dtype, n);
  gatherStrided(data, x.shape, x.strides, x.offset, out);
  return out;
}

/** A new storage around `data`. */
export function wrap(data: TypedArray, dtype: DType): CpuStorage {
  return new CpuStorage(data, dtype);
}
