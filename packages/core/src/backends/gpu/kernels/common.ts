// Shared pieces of the hand-written kernels: the implementation signature and view helpers.

import type { Attrs, KernelOutput } from '../../../backend.js';
import { coalesce } from '../../../strided.js';
import { contiguousStrides } from '../../../shape.js';
import type { Handle } from '../device.js';
import type { Snap } from '../fallback.js';
import type { Buf } from '../storage.js';

/** A GPU op implementation: launches kernels on captured inputs and returns the output's handle. */
export type Impl = (snaps: readonly Snap[], out: KernelOutput, attrs: Attrs) => Handle | Promise<Handle>;

/** The buffer of a captured input that kernels read (snapshots of non-elementwise ops always have one). */
export function bufOf(s: Snap): Buf {
  if (!s.buf) throw new Error('internal: expected a device buffer');
  return s.buf;
}

/** Output-order dims `shape` with the views' strides, coalesced together with the contiguous output strides. */
export function coalesceWithOut(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; out: number[]; views: number[][] } {
  const [s, [out, ...views]] = coalesce(shape, [contiguousStrides(shape), ...strides]);
  return { shape: s, out: out!, views };
}

/** Signature text of a list of numbers for cache keys. */
export function sig(xs: readonly number[]): string {
  return xs.join(',');
}

/** Values and index math are float32 in gpu.js kernels: flat indices must stay below 2^24. */
export const MAX_ELEMENTS = 2 ** 24;
