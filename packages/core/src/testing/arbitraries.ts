// fast-check arbitraries for property tests: shapes (0-4 dims, size-1 dims), broadcasting shape
// pairs, float64 data in an op's domain, and non-contiguous views with the same values.
// Imported through `@tsgrad/core/testing/arbitraries` (fast-check is an optional peer dependency).

import fc from 'fast-check';
import { sizeOf, type Shape } from '../shape.js';
import { fromArray } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';

/** Input domain of an op: values in [min, max], at least `gap` away from each `avoid` point. */
export interface Domain {
  min: number;
  max: number;
  avoid?: readonly number[];
  gap?: number;
}

/** Shapes with `minRank`..`maxRank` dims of size 1..`maxSize` (size-1 dims are common). */
export function shapeArb(opts: { minRank?: number; maxRank?: number; maxSize?: number } = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4, maxSize = 3 } = opts;
  return fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: maxSize })), { minLength: minRank, maxLength: maxRank });
}

/**
 * Shapes that broadcast to a common shape: an output shape, then each input drops some leading
 * dims and sets some dims to 1.
 */
export function broadcastShapesArb(count: number, opts: { maxRank?: number; maxSize?: number } = {}): fc.Arbitrary<number[][]> {
  return shapeArb({ minRank: 0, maxRank: opts.maxRank ?? 4, maxSize: opts.maxSize ?? 3 }).chain((out) =>
    fc.tuple(
      ...Array.from({ length: count }, () =>
        fc.tuple(fc.integer({ min: 0, max: out.length }), fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length })).map(([drop, ones]) =>
          out.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d)),
        ),
      ),
    ),
  );
}

/** `n` float64 values in the domain (kept `gap` away from the avoided points). */
export function valuesArb(n: number, d: Domain): fc.Arbitrary<Float64Array> {
  const gap = d.gap ?? 0.05;
  return fc
    .array(fc.double({ min: d.min, max: d.max, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n })
    .map((xs) => Float64Array.from(xs, (v) => {
      for (const a of d.avoid ?? []) if (Math.abs(v - a) < gap) return a + (v >= a ? gap : -gap);
      return v;
    }));
}

/** How a generated tensor is laid out: plain, or one of several non-contiguous views of the same values. */
export type Layout = 'contiguous' | 'transposed' | 'strided' | 'offset';

/**
 * A float64 leaf tensor (requiresGrad) of `shape` with the given values, laid out as asked:
 * 'transposed' builds it as the transpose of a contiguous tensor, 'strided' as every other
 * element of a larger one, 'offset' as a slice that starts inside a larger storage.
 */
export function makeTensor(shape: Shape, values: Float64Array, layout: Layout = 'contiguous'): Tensor {
  const n = sizeOf(shape);
  if (layout === 'transposed' && shape.length >= 2) {
    const r = shape.length;
    const swapped = [...shape.slice(0, r - 2), shape[r - 1]!, shape[r - 2]!];
    const t = fromArray(new Float64Array(n), swapped, { dtype: 'float64' });
    const view = t.transpose(-1, -2);
    // write the values in the view's row-major order
    view.detach().copy_(fromArray(values, shape, { dtype: 'float64' }));
    return view.detach().requiresGrad_();
  }
  if (layout === 'strided' && shape.length >= 1) {
    const r = shape.length;
    const big = [...shape.slice(0, r - 1), shape[r - 1]! * 2];
    const t = fromArray(new Float64Array(sizeOf(big)), big, { dtype: 'float64' });
    const view = t.slice(-1, 0, undefined, 2);
    view.copy_(fromArray(values, shape, { dtype: 'float64' }));
    return view.detach().requiresGrad_();
  }
  if (layout === 'offset') {
    const buf = new Float64Array(n + 3);
    buf.set(values, 3);
    const t = fromArray(buf, [n + 3], { dtype: 'float64' });
    return t.slice(0, 3).reshape(shape).detach().requiresGrad_();
  }
  return fromArray(values.slice(), shape, { dtype: 'float64', requiresGrad: true });
}

/** A float64 leaf tensor of `shape` with values in the domain and a random layout. */
export function tensorArb(shape: Shape, d: Domain, layouts: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'offset']): fc.Arbitrary<Tensor> {
  return fc.tuple(valuesArb(sizeOf(shape), d), fc.constantFrom(...layouts)).map(([v, l]) => makeTensor(shape, v, l));
}
