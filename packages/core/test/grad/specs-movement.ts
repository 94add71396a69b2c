// Gradient specs for views and copies: view/reshape, permute/transpose, expand, slice/narrow/select,
// squeeze/unsqueeze/flatten/unflatten, clone, sliceScatter, cat/stack/split/chunk, to.

import { cat, chunk, clone, contiguous, expand, expandAs, flatten, mT, narrow, permute, reshape, select, slice, sliceScatter, split, squeeze, stack, t, to, transpose, unflatten, unsqueeze, view, zeros } from '@tsgrad/core';
import { fc, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

const perm = (n: number) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });

export const movementSpecs: GradSpec[] = [
  {
    covers: ['view', 'reshape', 'flatten', 'unflatten', 'squeeze', 'unsqueeze'],
    secondOrder: true,
    arb: shapeArb({ minRank: 1 }).chain((s) =>
      fc.tuple(leaf(s), perm(s.length), fc.integer({ min: 0, max: 5 })).map(([x, order, kind]) => {
        const fs = [
          (a: typeof x) => reshape(a, order.map((i) => s[i]!)),
          (a: typeof x) => view(contiguous(a), [-1]),
          (a: typeof x) => flatten(a, 0, -1),
          (a: typeof x) => unflatten(flatten(a), 0, [s[0]!, -1]),
          (a: typeof x) => squeeze(unsqueeze(a, -1), -1),
          (a: typeof x) => unsqueeze(squeeze(a, 0), 0).reshape(s),
        ];
        return { f: fs[kind]!, inputs: [x] };
      }),
    ),
  },
  {
    covers: ['permute', 'transpose', 't', 'mT'],
    secondOrder: true,
    arb: shapeArb({ minRank: 2 }).chain((s) =>
      fc.tuple(leaf(s), perm(s.length), fc.integer({ min: 0, max: 2 })).map(([x, order, kind]) => ({
        f: [(a: typeof x) => permute(a, order), (a: typeof x) => transpose(a, order[0]!, order[1]!), (a: typeof x) => (s.length === 2 ? t(a) : mT(a))][kind]!,
        inputs: [x],
      })),
    ),
  },
  {
    covers: ['expand', 'expandAs'],
    secondOrder: true,
    arb: shapeArb({ minRank: 0, maxRank: 3 }).chain((s) =>
      fc.tuple(leaf(s.map(() => 1).map((one, i) => (i % 2 ? s[i]! : one))), fc.integer({ min: 1, max: 2 })).map(([x, lead]) => {
        const target = [...Array<number>(lead).fill(2), ...s];
        return { f: (a) => (lead === 1 ? expand(a, target) : expandAs(a, zeros(target, { dtype: 'float64' }))), inputs: [x] };
      }),
    ),
  },
  {
    covers: ['slice', 'narrow', 'select'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => {
      const n = s[dim < 0 ? dim + s.length : dim]!;
      return fc
        .tuple(leaf(s), fc.integer({ min: -n, max: n }), fc.integer({ min: -n, max: n + 1 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }))
        .map(([x, start, end, step, kind]) => ({
          f: [(a: typeof x) => slice(a, dim, start, end, step), (a: typeof x) => narrow(a, dim, 0, n - 1), (a: typeof x) => select(a, dim, n - 1)][kind]!,
          inputs: [x],
        }));
    }),
  },
  {
    covers: ['clone', 'contiguous'],
    secondOrder: true,
    arb: shapeArb().chain((s) => leaf(s).map((x) => ({ f: (a) => clone(a).mul(contiguous(a)), inputs: [x] }))),
  },
  {
    covers: ['sliceScatter'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => {
      const d = dim < 0 ? dim + s.length : dim;
      const n = s[d]!;
      return fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 2 })).chain(([start, step]) => {
        const len = Math.ceil((n - start) / step);
        return fc.tuple(leaf(s), leaf(s.map((v, i) => (i === d ? len : v)))).map(([x, src]) => ({ f: (a, b) => sliceScatter(a, b!, dim, start, n, step), inputs: [x, src] }));
      });
    }),
  },
  {
    covers: ['cat', 'stack'],
    secondOrder: true,
    arb: shapeAndDim(1, 3).chain(([s, dim]) =>
      fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).chain(([n1, n2, useStack]) => {
        const d = dim < 0 ? dim + s.length : dim;
        const s2 = useStack ? s : s.map((v, i) => (i === d ? n2 : v));
        const s1 = useStack ? s : s.map((v, i) => (i === d ? n1 : v));
        return fc.tuple(leaf(s1), leaf(s2), leaf(s1)).map(([a, b, c]) => ({ f: (x, y, z) => (useStack ? stack([x, y!, z!], dim) : cat([x, y!, z!], dim)), inputs: [a, b, c] }));
      }),
    ),
  },
  {
    covers: ['split', 'chunk'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) =>
      fc.tuple(leaf(s), fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([x, k, useChunk]) => ({
        f: (a) => {
          const parts = useChunk ? chunk(a, k, dim) : split(a, k, dim);
          return cat(parts.map((p, i) => p.mul(i + 1)), dim);
        },
        inputs: [x],
      })),
    ),
  },
  {
    covers: ['to'],
    arb: shapeArb().chain((s) => leaf(s).map((x) => ({ f: (a) => to(to(a, 'float32').mul(3), 'float64'), inputs: [x], eps: 1e-2, atol: 1e-4, rtol: 1e-4 }))),
  },
];
