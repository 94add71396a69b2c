// fast-check arbitraries for property tests: shapes (0-4 dims, size-1 dims), broadcasting shape
// pairs, float64 data in an op's domain, and non-contiguous views with the same values.
// Imported through `@tsgrad/core/testing/arbitraries` (fast-check is an optional peer dependency).

import fc from 'fast-check';
import { sizeOf, type Shape } from '../shape.js';
import { fromArray } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';

/** Input domain of an op: values in [min, max], at least `gap` away from each `avoid` point. */
export interface Domain {
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Points to stay away from (poles, kinks: 0 for log and relu). */
  avoid?: readonly number[];
  /** Distance kept from each avoided point (default 0.05). */
  gap?: number;
}

/**
 * Shapes with `minRank`..`maxRank` dims of size 1..`maxSize` (size-1 dims are common).
 * @param opts - `minRank` (default 0), `maxRank` (default 4), `maxSize` (default 3).
 * @returns A fast-check arbitrary of shapes.
 * @example
 * import fc from 'fast-check';
 * fc.sample(shapeArb({ minRank: 2, maxRank: 2 }), { numRuns: 5, seed: 1 }).every((s) => s.length === 2); // true
 */
export function shapeArb(opts: { minRank?: number; maxRank?: number; maxSize?: number } = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 4, maxSize = 3 } = opts;
  return fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: maxSize })), { minLength: minRank, maxLength: maxRank });
}

/**
 * Shapes that broadcast to a common shape: an output shape, then each input drops some leading
 * dims and sets some dims to 1.
 * @param count - Number of shapes per sample.
 * @param opts - `maxRank` (default 4), `maxSize` (default 3).
 * @returns A fast-check arbitrary of `count` mutually broadcastable shapes.
 * @example
 * import fc from 'fast-check';
 * const [[a, b]] = fc.sample(broadcastShapesArb(2), { numRuns: 1, seed: 3 });
 * broadcastShapes('add', { a: a!, b: b! }).length >= Math.max(a!.length, b!.length); // true
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

/**
 * `n` float64 values in the domain (kept `gap` away from the avoided points).
 * @param n - Number of values.
 * @param d - The domain.
 * @returns A fast-check arbitrary of Float64Arrays.
 * @example
 * import fc from 'fast-check';
 * const [v] = fc.sample(valuesArb(4, { min: -1, max: 1, avoid: [0] }), { numRuns: 1, seed: 2 });
 * [...v!].every((x) => Math.abs(x) >= 0.05 && Math.abs(x) <= 1.05); // true
 */
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
 * @param shape - The shape.
 * @param values - Its values in row-major order.
 * @param layout - How the storage is laid out.
 * @returns A float64 leaf tensor that requires grad.
 * @example
 * const x = makeTensor([2, 2], Float64Array.from([1, 2, 3, 4]), 'transposed');
 * x.tolist(); // [[1, 2], [3, 4]]
 * x.isContiguous(); // false
 */
export function makeTensor(shape: Shape, values: Float64Array, layout: Layout = 'contiguous'): Tensor {
  const n = sizeOf(shape);
  if (layout === 'transposed' && shape.length >= 2) {
    const r = shape.length;
    const swapped = [...shape.slice(0, r - 2), shape[r - 1]!, shape[r - 2]!];
    const t = fromArray(new Float64Array(n), swapped, { dtype: 'float64', device: 'cpu' });
    const view = t.transpose(-1, -2);
    // write the values in the view's row-major order
    view.detach().copy_(fromArray(values, shape, { dtype: 'float64', device: 'cpu' }));
    return view.detach().requiresGrad_();
  }
  if (layout === 'strided' && shape.length >= 1) {
    const r = shape.length;
    const big = [...shape.slice(0, r - 1), shape[r - 1]! * 2];
    const t = fromArray(new Float64Array(sizeOf(big)), big, { dtype: 'float64', device: 'cpu' });
    const view = t.slice(-1, 0, undefined, 2);
    view.copy_(fromArray(values, shape, { dtype: 'float64', device: 'cpu' }));
    return view.detach().requiresGrad_();
  }
  if (layout === 'offset') {
    const buf = new Float64Array(n + 3);
    buf.set(values, 3);
    const t = fromArray(buf, [n + 3], { dtype: 'float64', device: 'cpu' });
    return t.slice(0, 3).reshape(shape).detach().requiresGrad_();
  }
  return fromArray(values.slice(), shape, { dtype: 'float64', requiresGrad: true });
}

/**
 * A float64 leaf tensor of `shape` with values in the domain and a random layout.
 * @param shape - The shape.
 * @param d - The value domain.
 * @param layouts - Layouts to pick from (all by default).
 * @returns A fast-check arbitrary of tensors.
 * @example
 * import fc from 'fast-check';
 * fc.assert(fc.property(tensorArb([2, 3], { min: 0.1, max: 2 }), (x) => {
 *   gradcheck((a) => a.log().sum(), [x]);
 * }), { numRuns: 5, seed: 0 });
 */
export function tensorArb(shape: Shape, d: Domain, layouts: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'offset']): fc.Arbitrary<Tensor> {
  return fc.tuple(valuesArb(sizeOf(shape), d), fc.constantFrom(...layouts)).map(([v, l]) => makeTensor(shape, v, l));
}
