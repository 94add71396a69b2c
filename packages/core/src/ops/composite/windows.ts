// The sliding windows behind conv and pooling (im2col): each kernel offset's strided slice of the
// padded input, stacked, so a convolution is one GEMM over [C * kernel, output positions] and a
// pool is one reduction. Slices are views and stack one copy; their gradients (slice, stack) sum
// the windows' gradients back onto the input, on every backend.

import { ShapeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { stack } from '../cat.js';
import { slice } from '../movement/slice.js';
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
 * @internal The windows of a padded (N, C, *spatial) input: (N, C, prod(kernel), *out), kernel
 * offsets in row-major order (as PyTorch's weight layout and im2col).
 */
export function windows(x: Tensor, kernel: readonly number[], stride: readonly number[], dilation: readonly number[], out: readonly number[]): Tensor {
  const views: Tensor[] = [];
  const offsets = (j: number, prefix: Tensor): void => {
    if (j === kernel.length) {
      views.push(prefix);
      return;
    }
    for (let k = 0; k < kernel[j]!; k++) {
      const start = k * dilation[j]!;
      offsets(j + 1, slice(prefix, 2 + j, start, start + (out[j]! - 1) * stride[j]! + 1, stride[j]!));
    }
  };
  offsets(0, x);
  return stack(views, 2);
}
