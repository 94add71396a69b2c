// Gradient specs for the shape and index ops: flip, roll, repeat/tile, repeatInterleave, unbind,
// movedim, broadcastTo, meshgrid, diag, take, maskedSelect, scatter.

import {
  broadcastTo, diag, scatterReduce, flip, fromArray, maskedSelect, meshgrid, movedim, repeat, repeatInterleave, roll, scatter, stack, take, tile, unbind,
} from '@tsgrad/core';
import { broadcastShapesArb } from '@tsgrad/core/testing/arbitraries';
import { distinctLeaf, fc, indexTensor, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

const subsetOf = (s: readonly number[]) => fc.subarray(s.map((_, i) => i - (i % 2) * s.length)); // odd dims negative

export const shapingSpecs: GradSpec[] = [
  {
    covers: ['flip', 'roll'],
    secondOrder: true,
    arb: shapeArb({ minRank: 1, maxRank: 3 }).chain((s) => fc.tuple(leaf(s), subsetOf(s), fc.integer({ min: -5, max: 5 }), fc.boolean()).map(([x, dims, k, useFlip]) => ({
      f: (a) => (useFlip ? flip(a, dims) : dims.length ? roll(a, dims.map((_, i) => k + i), dims) : roll(a, k)), inputs: [x],
    }))),
  },
  {
    covers: ['repeat', 'tile', 'broadcastTo'],
    secondOrder: true,
    arb: shapeArb({ minRank: 0, maxRank: 3 }).chain((s) => fc.tuple(leaf(s), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: s.length, maxLength: s.length + 1 }), fc.constantFrom(0, 1, 2))
      .map(([x, r, which]) => ({
        f: (a) => (which === 0 ? repeat(a, r) : which === 1 ? tile(a, r.slice(1)) : broadcastTo(a, [2, ...s])), inputs: [x],
      }))),
  },
  {
    covers: ['repeatInterleave', 'unbind', 'movedim'],
    secondOrder: true,
    arb: shapeAndDim(1, 3).chain(([s, dim]) => fc.tuple(leaf(s), fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 1, 2, 3), fc.integer({ min: -s.length, max: s.length - 1 }))
      .map(([x, r, which, to]) => ({
        f: (a) => (which === 0 ? repeatInterleave(a, r, dim) : which === 1 ? repeatInterleave(a, r) : which === 2 ? stack(unbind(a, dim).reverse(), 0) : movedim(a, dim, to)),
        inputs: [x],
      }))),
  },
  {
    covers: ['meshgrid', 'diag'],
    secondOrder: true,
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: -3, max: 3 })).chain(([m, n, k]) =>
      fc.tuple(leaf([m]), leaf([n]), leaf([m, n]), fc.constantFrom<'ij' | 'xy'>('ij', 'xy')).map(([a, b, c, indexing]) => ({
        f: (x, y, z) => {
          const [g0, g1] = meshgrid([x!, y!], { indexing });
          return g0!.mul(g1!).sum().add(diag(x!, k).sum(0)).sum().add(diag(z!, k).square().sum());
        },
        inputs: [a, b, c],
      }))),
  },
  {
    covers: ['take', 'maskedSelect'],
    secondOrder: true,
    arb: broadcastShapesArb(2, { maxRank: 3 }).chain(([sx, sm]) => fc.tuple(
      leaf(sx!), fc.array(fc.boolean(), { minLength: sm!.reduce((a, b) => a * b, 1), maxLength: sm!.reduce((a, b) => a * b, 1) }),
      indexTensor([3], Math.max(1, sx!.reduce((a, b) => a * b, 1))),
    ).map(([x, m, i]) => ({
      f: (a) => (x.numel() > 0 ? take(a, i).sum().add(maskedSelect(a, fromArray(Uint8Array.from(m, Number), sm!, { dtype: 'bool' })).square().sum()) : a.sum()),
      inputs: [x],
    }))),
  },
  {
    covers: ['scatter'],
    secondOrder: true,
    // distinct positions per row: where an index repeats the written value is one of several
    arb: shapeAndDim(1, 3).chain(([s, dim]) => {
      const d = (dim + s.length) % s.length;
      const is = s.map((v, j) => (j === d ? Math.min(v, 2) : v));
      return fc.tuple(leaf(s), leaf(is), fc.boolean()).map(([x, src, scalar]) => {
        const n = s[d]!;
        const rows = is.reduce((a, b) => a * b, 1) / Math.max(1, is[d]!);
        const perm = Array.from({ length: rows }, (_, r) => Array.from({ length: is[d]! }, (_, k) => (r + k) % n));
        // positions laid out with dim last, then moved into place
        const idx = fromArray(Int32Array.from(perm.flat()), [...is.filter((_, j) => j !== d), is[d]!]);
        const index = movedim(idx, -1, d).contiguous();
        return scalar ? { f: (a) => scatter(a, dim, index, 0.5), inputs: [x] } : { f: (a, b) => scatter(a, dim, index, b!), inputs: [x, src] };
      });
    }),
  },
  {
    covers: ['scatterReduce'],
    // repeated positions on purpose; distinct values, so amax/amin have no ties
    arb: shapeAndDim(1, 3).chain(([s, dim]) => {
      const d = (dim + s.length) % s.length;
      const is = s.map((v, j) => (j === d ? v + 1 : v));
      return fc.tuple(distinctLeaf(s), distinctLeaf(is), indexTensor(is, s[d]!), fc.constantFrom<'sum' | 'mean' | 'amax' | 'amin'>('sum', 'mean', 'amax', 'amin'), fc.boolean())
        .map(([x, src, index, reduce, includeSelf]) => ({ f: (a, b) => scatterReduce(a, dim, index, b!, reduce, { includeSelf }), inputs: [x, src] }));
    }),
  },
];
