// dropout on the CPU: the keep mask's draws on the wasm module, and the mask-and-scale in one pass,
// y = x keep / (1 - p), with 1 - p rounded to the output dtype first (as the composite's weak
// scalar is), so results match it bit for bit in float32 too.

import type { Attrs, Kernel } from '../../backend.js';
import { contiguousData, wrap } from './storage.js';
import type { KeepMaskFill } from '../../rng.js';
import { runJobs } from './threads/pool.js';
import { dropoutF32, freeFrom } from './vector-wasm.js';
import { align, ensureBytes, kernelIndex, wasmGemm } from './wasm/runtime.js';
import { allocOut } from './reuse.js';

/** y = (x * keep) / q, q = 1 - p in the output dtype; float32 on the wasm SIMD kernel where it runs (the same bits). */
export const dropoutKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const x = contiguousData(inputs[0]!);
  const keep = contiguousData(inputs[1]!);
  const p = attrs['p'] as number;
  const q = out.dtype === 'float32' ? Math.fround(1 - p) : 1 - p;
  const n = x.length;
  const y = allocOut(out.dtype, n, false); // every element is written
  const wasm = x instanceof Float32Array && keep instanceof Uint8Array && y instanceof Float32Array && dropoutF32(x, keep, q, y);
  if (!wasm) for (let i = 0; i < n; i++) y[i] = (x[i]! * keep[i]!) / q;
  return wrap(y, out.dtype);
};

/**
 * The generator's keep-mask loop on the wasm module (keepmask, one thread: the stream is
 * sequential), the same flags and final state as Generator.fillKeepMask's JavaScript loop.
 */
export const keepMaskWasm: KeepMaskFill = (state, out, cut) => {
  const g = wasmGemm();
  const n = out.length;
  if (!g) return false;
  const sAt = freeFrom();
  const oAt = align(sAt + 16);
  if (!ensureBytes(g, oAt + n)) return false;
  const buf = g.memory.buffer;
  new Uint32Array(buf, sAt, 4).set(state);
  const none = cut > 0xffffffff; // no draw reaches 2^32: draw (to advance the state), then keep nothing
  runJobs(g, [kernelIndex('keepmask'), sAt, oAt, none ? 0 : cut | 0, 0, 0, 0, 0, 0], [[0, n, 0, 0, 0, 0]], []);
  if (none) out.fill(0);
  else out.set(new Uint8Array(buf, oAt, n));
  state.set(new Uint32Array(buf, sAt, 4));
  return true;
};
