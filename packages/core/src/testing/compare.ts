// Numeric comparison helpers for tests: allclose with NaN/inf handling and a readable failure.

import type { Tensor } from '../tensor.js';
import { TsgradError } from '../errors.js';

/** Tolerances: |a - b| <= atol + rtol * |b| elementwise. */
export interface Tolerance {
  rtol?: number;
  atol?: number;
  /** Treat NaN == NaN as equal (default true). */
  equalNan?: boolean;
}

type NumLike = Tensor | ArrayLike<number> | number;

function flat(x: NumLike): { values: ArrayLike<number>; shape?: readonly number[] } {
  if (typeof x === 'number') return { values: [x] };
  if ('dataSync' in x && typeof x.dataSync === 'function') return { values: x.dataSync(), shape: x.shape };
  return { values: x as ArrayLike<number> };
}

/** The first index where `a` and `b` differ beyond tolerance, or -1 (shapes must agree). */
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

/** Whether `a` and `b` are equal within tolerance (torch.allclose). */
export function allclose(a: NumLike, b: NumLike, tol: Tolerance = {}): boolean {
  return firstMismatch(a, b, tol) < 0;
}

/** Throws a readable error naming the first differing element unless `a` and `b` are close. */
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
