// CPU storage: a TypedArray owned by the GC, and helpers to read kernel inputs as flat arrays.

import type { KernelInput, Storage } from '../../backend.js';
import { allocArray, type DType, type TypedArray } from '../../dtype.js';
import { BackendError } from '../../errors.js';
import { sizeOf } from '../../shape.js';
import { gatherStrided } from '../../strided.js';

/** A CPU buffer: the TypedArray itself. */
export class CpuStorage implements Storage {
  readonly device = 'cpu';
  version = 0;
  constructor(readonly data: TypedArray, readonly dtype: DType) {}
  get size(): number {
    return this.data.length;
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
  const out = allocArray(x.dtype, n);
  gatherStrided(data, x.shape, x.strides, x.offset, out);
  return out;
}

/** A new storage around `data`. */
export function wrap(data: TypedArray, dtype: DType): CpuStorage {
  return new CpuStorage(data, dtype);
}
