// Gradient specs for einsum (matmul-like, batched, diagonal, broadcast), outer, bmm, baddbmm, addmm,
// lerp, addcmul, addcdiv and nanToNum.

import { addcdiv, addcmul, addmm, baddbmm, bmm, einsum, lerp, nanToNum, outer } from '@tsgrad/core';
import { broadcastShapesArb } from '@tsgrad/core/testing/arbitraries';
import { fc, leaf, type GradSpec } from './helpers.js';

const dim = fc.integer({ min: 1, max: 3 });

export const productSpecs: GradSpec[] = [
  {
    covers: ['einsum'],
    secondOrder: true,
    arb: fc.tuple(dim, dim, dim, dim, fc.integer({ min: 0, max: 4 })).chain(([b, i, j, k, which]) => {
      const cases: [string, number[][]][] = [
        ['bij,bjk->bik', [[b, i, j], [b, j, k]]],
        ['...ij,jk', [[b, i, j], [j, k]]],
        ['iij->j', [[i, i, j]]],
        ['bi,ij,bj->b', [[b, i], [i, j], [b, j]]],
        ['ij,kj->ikj', [[i, j], [1, j]]],
      ];
      const [eq, shapes] = cases[which]!;
      return fc.tuple(...shapes.map((s) => leaf(s))).map((xs) => ({ f: (...a) => einsum(eq, a), inputs: xs }));
    }),
  },
  {
    covers: ['outer', 'bmm', 'baddbmm'],
    secondOrder: true,
    arb: fc.tuple(dim, dim, dim, dim, fc.constantFrom(0, 0.5, 1)).chain(([b, n, m, p, beta]) =>
      fc.tuple(leaf([n]), leaf([p]), leaf([b, n, m]), leaf([b, m, p]), leaf([1, n, 1])).map((xs) => ({
        f: (u, v, x, y, z) => outer(u!, v!).sum(0).add(bmm(x!, y!).sum()).add(baddbmm(z!, x!, y!, { beta, alpha: 0.7 }).square().sum()),
        inputs: xs,
      }))),
  },
  {
    // the fused primitive (beta = alpha = 1) with input [n, p], [p], [1, p], [n, 1] or [], and the scaled composite
    covers: ['addmm'],
    secondOrder: true,
    arb: fc.tuple(dim, dim, dim, fc.integer({ min: 0, max: 4 }), fc.constantFrom(0, 0.5, 1)).chain(([n, m, p, which, beta]) => {
      const cShape = [[n, p], [p], [1, p], [n, 1], []][which]!;
      return fc.tuple(leaf(cShape), leaf([n, m]), leaf([m, p])).map((xs) => ({
        f: (c, a, b) => addmm(c!, a!, b!).square().sum().add(addmm(c!, a!, b!, { beta, alpha: -0.7 }).sum()),
        inputs: xs,
      }));
    }),
  },
  {
    covers: ['lerp', 'addcmul', 'addcdiv'],
    secondOrder: true,
    arb: broadcastShapesArb(3, { maxRank: 3 }).chain(([s0, s1, s2]) =>
      fc.tuple(leaf(s0!), leaf(s1!), leaf(s2!, { min: 0.5, max: 2 }), leaf(s2!, { min: -0.4, max: 1.4, avoid: [0.5] })).map(([a, b, c, w]) => ({
        f: (x, y, z, v) => lerp(x!, y!, v!).add(addcmul(x!, y!, z!, { value: 0.5 })).add(addcdiv(x!, y!, z!, { value: -2 })).add(lerp(x!, y!, 0.75)),
        inputs: [a, b, c, w],
      }))),
  },
  {
    covers: ['nanToNum'],
    secondOrder: true,
    arb: broadcastShapesArb(1, { maxRank: 3 }).chain(([s]) => leaf(s!).map((x) => ({ f: (a) => nanToNum(a.mul(2), 0, 1, -1), inputs: [x] }))),
  },
];
