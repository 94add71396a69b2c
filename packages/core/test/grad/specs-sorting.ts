// Gradient specs for sorting and scans: sort/topk/median (distinct values: no ties), cumsum,
// cumprod and prod (also with exact zeros among the inputs), vectorNorm/norm.

import { cumprod, cumsum, fromArray, median, norm, prod, sort, topk, vectorNorm } from '@tsgrad/core';
import { distinctLeaf, fc, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

/** A float64 leaf of halves in [-1.5, 1.5], so about one value in seven is exactly 0. */
const withZeros = (shape: readonly number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }).map((v) => fromArray(Float64Array.from(v, (i) => i / 2), shape, { requiresGrad: true }));
};

export const sortingSpecs: GradSpec[] = [
  {
    covers: ['sort', 'argsort'],
    arb: shapeArb({ minRank: 0, maxRank: 4 }).chain((s) => fc.tuple(distinctLeaf(s), fc.integer({ min: -Math.max(1, s.length), max: Math.max(0, s.length - 1) }), fc.boolean())
      .map(([x, dim, desc]) => ({ f: (a) => sort(a, dim, desc).values, inputs: [x] }))),
  },
  {
    covers: ['topk'],
    arb: shapeAndDim(1).chain(([s, dim]) => fc.tuple(distinctLeaf(s), fc.integer({ min: 0, max: s[(dim + s.length) % s.length]! }), fc.boolean())
      .map(([x, k, largest]) => ({ f: (a) => topk(a, k, dim, largest).values, inputs: [x] }))),
  },
  {
    covers: ['median'],
    arb: shapeAndDim(1).chain(([s, dim]) => fc.tuple(distinctLeaf(s), fc.boolean(), fc.boolean()).map(([x, all, keep]) => ({
      f: (a) => (all ? median(a) : median(a, dim, keep).values), inputs: [x],
    }))),
  },
  {
    covers: ['cumsum'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => leaf(s).map((x) => ({ f: (a) => cumsum(a, dim), inputs: [x] }))),
  },
  {
    covers: ['cumprod', 'prod'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => fc.tuple(fc.oneof(leaf(s), withZeros(s)), fc.constantFrom('cumprod', 'prod', 'all'), fc.boolean()).map(([x, which, keep]) => ({
      f: (a) => (which === 'cumprod' ? cumprod(a, dim) : which === 'prod' ? prod(a, dim, keep) : prod(a)), inputs: [x],
    }))),
  },
  {
    covers: ['vectorNorm', 'norm'],
    arb: shapeArb({ minRank: 0, maxRank: 3 }).chain((s) => fc.tuple(
      fc.constantFrom(1, 2, 3, 1.5, Infinity, -Infinity),
      fc.option(fc.subarray(s.map((_, i) => i), { minLength: Math.min(1, s.length) }), { nil: undefined }),
      fc.boolean(),
    ).chain(([ord, dims, keep]) => (Number.isFinite(ord) ? leaf(s, { min: -2, max: 2, avoid: [0] }) : distinctLeaf(s)).map((x) => ({
      f: (a) => (ord === 2 && keep ? norm(a, 'fro', dims, keep) : vectorNorm(a, ord, dims, keep)), inputs: [x],
    })))),
  },
];
