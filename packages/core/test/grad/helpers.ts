// Shared pieces of the gradient suites: the spec type, common arbitraries and run settings.

import fc from 'fast-check';
import { fromArray, type Tensor } from '@tsgrad/core';
import { makeTensor, shapeArb, valuesArb, type Domain, type Layout } from '@tsgrad/core/testing/arbitraries';

/** One gradient-checked case: the function, its inputs, and tolerances if not the defaults. */
export interface GradCase {
  f: (...xs: Tensor[]) => Tensor;
  inputs: Tensor[];
  rtol?: number;
  atol?: number;
  eps?: number;
}

/** A differentiable public function (or several) and a generator of cases for it. */
export interface GradSpec {
  /** Exported names this spec checks (function and/or primitive names). */
  covers: string[];
  arb: fc.Arbitrary<GradCase>;
  /** Also run gradgradcheck (smooth functions). */
  secondOrder?: boolean;
  numRuns?: number;
}

/** Smooth elementwise primitives: they also get second-order checks (their VJPs are differentiable ops). */
export const SMOOTH = new Set(['add', 'sub', 'mul', 'div', 'pow', 'neg', 'exp', 'log', 'log1p', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'sin', 'cos', 'erf', 'square', 'reciprocal', 'softplus', 'where', 'expm1']);

export const FC = { seed: 20241125, numRuns: 30 } as const;
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'offset'];
export const STD: Domain = { min: -2, max: 2 };

/** A float64 leaf with values in `d` and a random layout. */
export function leaf(shape: readonly number[], d: Domain = STD): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.tuple(valuesArb(n, d), fc.constantFrom(...LAYOUTS)).map(([v, l]) => makeTensor(shape, v, l));
}

/** A float64 leaf whose values are distinct and at least 0.1 apart (no ties for max/min). */
export function distinctLeaf(shape: readonly number[]): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc
    .tuple(fc.uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: n, maxLength: n }), fc.constantFrom(...LAYOUTS))
    .map(([ints, l]) => makeTensor(shape, Float64Array.from(ints, (i) => i / 10), l));
}

/** An int32 index tensor of `shape` with values in [0, high). */
export function indexTensor(shape: readonly number[], high: number): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.array(fc.integer({ min: 0, max: Math.max(0, high - 1) }), { minLength: n, maxLength: n }).map((v) => fromArray(Int32Array.from(v), shape));
}

/** A shape with at least `minRank` dims, and one of its dims (or `undefined` sometimes). */
export function shapeAndDim(minRank = 1, maxRank = 4): fc.Arbitrary<[number[], number]> {
  return shapeArb({ minRank, maxRank }).chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: -s.length, max: s.length - 1 })));
}

export { fc, shapeArb };
