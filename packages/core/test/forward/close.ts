// Shared assertions for the forward tests: nested-array closeness (NaN and infinities must match exactly).
import { expect } from 'vitest';
import { Tensor, type NestedArray } from '@tsgrad/core';

function walk(actual: NestedArray, expected: NestedArray, tol: number, path: string): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} should be an array`).toBe(true);
    const a = actual as readonly NestedArray[];
    expect(a.length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => walk(a[i]!, e, tol, `${path}[${i}]`));
    return;
  }
  const a = Number(actual);
  const e = Number(expected);
  if (Number.isNaN(e) || !Number.isFinite(e)) {
    expect(a, path).toBe(e);
    return;
  }
  expect(Math.abs(a - e), `${path}: got ${a}, expected ${e}`).toBeLessThanOrEqual(tol + tol * Math.abs(e));
}

/** Asserts `actual` (a tensor or nested array) matches `expected` within `tol` (absolute + relative). */
export function expectClose(actual: Tensor | NestedArray, expected: NestedArray, tol = 1e-6): void {
  walk(actual instanceof Tensor ? actual.tolist() : actual, expected, tol, 'value');
}

/** Plain matrix product of nested arrays: an independent reference for matmul tests. */
export function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}
