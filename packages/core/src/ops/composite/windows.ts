// The sliding windows behind conv and pooling (im2col): a strided view of the padded input holding
// every window (unfold along each spatial dim), so a convolution is one GEMM over
// [C * kernel, output positions] after one copy, and a pool is one reduction. unfold's gradient
// sums the windows' gradients back onto the input, on every backend.

import { ShapeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { narrow, slice } from '../movement/slice.js';
import { unfold } from '../movement/unfold.js';
import { requireFloat } from '../helpers.js';

/** A size given once for every spatial dim, or once per dim. */
export type SizeN = number | readonly number[];

/** @internal `v` as one positive (or, with `min` 0, non-negative) integer per spatial dim. */
export function perDim(op: string, name: string, v: SizeN, nd: number, min = 1): number[] {
  const out = typeof v === 'number' ? Array<number>(nd).fill(v) : [...v];
  if (out.length !== nd || !out.every((s) => Number.isInteger(s) && s >= min)) {
    throw new ValueError(op, `${name} must be ${min > 0 ? 'a positive' : 'a non-negative'} integer or ${nd} of them, got ${JSON.stringify(v)}`);
  }
  return out;
}

/** @internal The input as (N, C, *spatial), and whether it had the batch dim. */
export function batched(op: string, x: Tensor, nd: number): { x: Tensor; batched: boolean } {
  requireFloat(op, 'input', x);
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    const s = nd === 1 ? 'L' : 'H, W';
    throw new ShapeError(op, `expected a ${nd + 1}-d (C, ${s}) or ${nd + 2}-d (N, C, ${s}) input, got ${x.ndim}-d`, { input: x.shape });
  }
  return x.ndim === nd + 2 ? { x, batched: true } : { x: x.unsqueeze(0), batched: false };
}

/**
 * @internal Output length of a window of size k, dilation d, stride s over n + 2p positions
 * (PyTorch's rule; in ceil mode a last window must start inside the input or its left padding).
 */
export function outLength(n: number, k: number, s: number, p: number, d: number, ceilMode = false): number {
  const span = n + 2 * p - d * (k - 1) - 1;
  let o = (ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceilMode && o > 0 && (o - 1) * s >= n + p) o--;
  return o;
}

/** @internal Throws unless every output length is positive. */
export function checkOutput(op: string, x: Tensor, out: readonly number[]): void {
  if (out.some((o) => o <= 0)) {
    throw new ShapeError(op, `calculated output size [${out.join(', ')}] is too small`, { input: x.shape },
      'the (padded) input must be at least as large as the dilated kernel');
  }
}

/**
 * @internal The windows of a padded (N, C, *spatial) input: (N, C, *kernel, *out), a strided view
 * (no copy). Each spatial dim is unfolded into windows of the dilated kernel's span, the first
 * `out` windows kept, and every `dilation`-th tap of each window taken; kernel dims then move in
 * front of the output dims (PyTorch's weight layout and im2col order).
 */
export function windows(x: Tensor, kernel: readonly number[], stride: readonly number[], dilation: readonly number[], out: readonly number[]): Tensor {
  const nd = kernel.length;
  let v = x;
  for (let j = 0; j < nd; j++) {
    const span = dilation[j]! * (kernel[j]! - 1) + 1;
    v = unfold(v, 2 + j, span, stride[j]!);
    if (v.shape[2 + j] !== out[j]) v = narrow(v, 2 + j, 0, out[j]!);
    if (dilation[j]! > 1) v = slice(v, 2 + nd + j, 0, span, dilation[j]!);
  }
  const order = [0, 1, ...Array.from({ length: nd }, (_, j) => 2 + nd + j), ...Array.from({ length: nd }, (_, j) => 2 + j)];
  return v.permute(order);
}
