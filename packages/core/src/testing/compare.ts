// Numeric comparison helpers for tests: allclose with NaN/inf handling and a readable failure.

import type { Tensor } from '../tensor.js';
import { TsgradError } from '../errors.js';

/** Tolerances: |a - b| <= atol + rtol * |b| elementwise. */
export interface Tolerance {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Treat NaN == NaN as equal (default true). */
  equalNan?: boolean;
}

/**
 * Values to compare: a CPU tensor, an array (or TypedArray) or a number.
 * @inline
 */
type NumLike = Tensor | ArrayLike<number> | number;

function flat(x: NumLike): { values: ArrayLike<number>; shape?: readonly number[] } {
  if (typeof x === 'number') return { values: [x] };
  if ('dataSync' in x && typeof x.dataSync === 'function') return { values: x.dataSync(), shape: x.shape };
  return { values: x as ArrayLike<number> };
}

/**
 * The first index where `a` and `b` differ beyond tolerance, or -1 (shapes must agree).
 * @param a - Actual values: a tensor (CPU), an array or a number.
 * @param b - Expected values, the same number of elements.
 * @param tol - `rtol`, `atol`, `equalNan`.
 * @returns The flat index of the first mismatch (0 when the lengths differ), or -1.
 * @example firstMismatch(tensor([1, 2, 3]), [1, 2.5, 3]); // 1
 */
export function firstMismatch(a: NumLike, b: NumLike, tol: Tolerance = {}): number {
  const { rtol = 1e-5, atol = 1e-8, equalNan = true } = tol;
  const x = flat(a);
  const y = flat(b);
  if (x.values.length !== y.values.length) return 0;
  for (let i = 0; i < x.values.length; i++) {
    const u = x.values[i]!;
    const v = y.values[i]!;
    if (u === v) continue;
    if (u !== u || v !== v) {
      if (equalNan && u !== u && v !== v) continue;
      return i;
    }
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return i;
  }
  return -1;
}

/**
 * Whether `a` and `b` are equal within tolerance (torch.allclose): |a - b| <= atol + rtol |b|.
 * @param a - Actual values: a tensor (CPU), an array or a number.
 * @param b - Expected values.
 * @param tol - `rtol`, `atol`, `equalNan`.
 * @returns True when every element is close.
 * @example allclose(tensor([1, 2]).div(3).mul(3), [1, 2]); // true
 */
export function allclose(a: NumLike, b: NumLike, tol: Tolerance = {}): boolean {
  return firstMismatch(a, b, tol) < 0;
}

/**
 * Throws a readable error naming the first differing element unless `a` and `b` are close.
 * @param a - Actual values: a tensor (CPU), an array or a number.
 * @param b - Expected values.
 * @param tol - `rtol`, `atol`, `equalNan`.
 * @param what - What the values are, for the message.
 * @example
 * assertClose(tensor([0.1, 0.2]).sum(), 0.3, { rtol: 1e-6 });
 * assertClose(tensor([1, 2]), [1, 3], {}, 'logits'); // throws TsgradError: assertClose: logits differ at flat index 1...
 */
export function assertClose(a: NumLike, b: NumLike, tol: Tolerance = {}, what = 'values'): void {
  const x = flat(a);
  const y = flat(b);
  if (x.shape && y.shape && (x.shape.length !== y.shape.length || x.shape.some((s, i) => s !== y.shape![i]))) {
    throw new TsgradError('assertClose', `${what}: shapes differ`, { actual: x.shape, expected: y.shape });
  }
  const i = firstMismatch(a, b, tol);
  if (i >= 0) {
    const n = Math.max(x.values.length, y.values.length);
    throw new TsgradError('assertClose', `${what} differ at flat index ${i} of ${n}: ${x.values[i]} vs expected ${y.values[i]} (rtol ${tol.rtol ?? 1e-5}, atol ${tol.atol ?? 1e-8})`);
  }
}
