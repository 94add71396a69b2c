// Gradient specs for reductions: sum, mean, var/std, amax/amin, max/min with dims, logsumexp, sumToSize.

import { amax, amin, logsumexp, max, mean, min, std, sum, sumToSize, variance } from '@tsgrad/core';
import { broadcastShapesArb } from '@tsgrad/core/testing/arbitraries';
import { distinctLeaf, fc, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

/** A shape, a random subset of its dims (or undefined = all), and keepdim. */
const dimsCase = shapeArb({ minRank: 0, maxRank: 4 }).chain((s) =>
  fc.tuple(
    fc.constant(s),
    fc.option(fc.subarray(s.map((_, i) => i - (i % 2) * s.length), { minLength: Math.min(1, s.length) }), { nil: undefined }), // odd dims negative
    fc.boolean(),
  ),
);

export const reduceSpecs: GradSpec[] = [
  {
    covers: ['sum'],
    secondOrder: true,
    arb: dimsCase.chain(([s, dims, keep]) => leaf(s).map((x) => ({ f: (a) => sum(a, dims, keep), inputs: [x] }))),
  },
  {
    covers: ['mean'],
    secondOrder: true,
    arb: dimsCase.chain(([s, dims, keep]) => leaf(s).map((x) => ({ f: (a) => mean(a, dims, keep), inputs: [x] }))),
  },
  {
    covers: ['variance', 'std'],
    secondOrder: true,
    arb: dimsCase
      .filter(([s, dims]) => (dims ?? s.map((_, i) => i)).reduce((n, d) => n * s[d < 0 ? d + s.length : d]!, 1) >= 3)
      .chain(([s, dims, keepdim]) =>
        fc.tuple(distinctLeaf(s), fc.constantFrom(0, 1, 2), fc.boolean()).map(([x, correction, useStd]) => ({ // distinct: std has a kink at var = 0
          f: (a) => (useStd ? std(a, dims, { correction, keepdim }) : variance(a, dims, { correction, keepdim })),
          inputs: [x],
        })),
      ),
  },
  {
    covers: ['amax', 'amin'],
    arb: dimsCase.chain(([s, dims, keep]) =>
      fc.tuple(distinctLeaf(s), fc.boolean()).map(([x, useMax]) => ({ f: (a) => (useMax ? amax(a, dims, keep) : amin(a, dims, keep)), inputs: [x] })),
    ),
  },
  {
    covers: ['max', 'min'],
    arb: shapeAndDim(1).chain(([s, dim]) =>
      fc.tuple(distinctLeaf(s), fc.boolean(), fc.boolean()).map(([x, useMax, keep]) => ({
        f: (a) => (useMax ? max(a, dim, keep).values : min(a, dim, keep).values),
        inputs: [x],
      })),
    ),
  },
  {
    covers: ['max (all)', 'min (all)'],
    arb: shapeArb({ minRank: 0 }).chain((s) => fc.tuple(distinctLeaf(s), fc.boolean()).map(([x, m]) => ({ f: (a) => (m ? max(a) : min(a)), inputs: [x] }))),
  },
  {
    covers: ['logsumexp'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) =>
      fc.tuple(leaf(s, { min: -5, max: 5 }), fc.boolean()).map(([x, keep]) => ({ f: (a) => logsumexp(a, dim, keep), inputs: [x] })),
    ),
  },
  {
    covers: ['sumToSize'],
    secondOrder: true,
    arb: broadcastShapesArb(1).chain(([small]) =>
      shapeArb({ minRank: small!.length, maxRank: 4 }).chain((big) => {
        const lead = big.length - small!.length;
        const full = big.map((d, i) => (i < lead ? d : small![i - lead] === 1 ? d : small![i - lead]!));
        return leaf(full).map((x) => ({ f: (a) => sumToSize(a, small!), inputs: [x] }));
      }),
    ),
  },
];
