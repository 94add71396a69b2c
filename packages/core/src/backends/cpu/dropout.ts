// dropout's mask-and-scale in one pass: y = x keep / (1 - p), with 1 - p rounded to the output
// dtype first (as the composite's weak scalar is), so results match it bit for bit in float32 too.

import type { Attrs, Kernel } from '../../backend.js';
import { allocArray } from '../../dtype.js';
import { contiguousData, wrap } from './storage.js';
import { dropoutF32 } from './vector-wasm.js';

/** y = (x * keep) / q, q = 1 - p in the output dtype; float32 on the wasm SIMD kernel where it runs (the same bits). */
export const dropoutKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const x = contiguousData(inputs[0]!);
  const keep = contiguousData(inputs[1]!);
  const p = attrs['p'] as number;
  const q = out.dtype === 'float32' ? Math.fround(1 - p) : 1 - p;
  const n = x.length;
  const y = allocArray(out.dtype, n);
  const wasm = x instanceof Float32Array && keep instanceof Uint8Array && y instanceof Float32Array && dropoutF32(x, keep, q, y);
  if (!wasm) for (let i = 0; i < n; i++) y[i] = (x[i]! * keep[i]!) / q;
  return wrap(y, out.dtype);
};
