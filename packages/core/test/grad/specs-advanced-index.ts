// Gradient specs for advanced indexing: index (integer tensors that broadcast, masks, slices,
// integers), indexPut (replace and accumulate, values broadcast) and takeAlongDim.

import { index, indexPut, takeAlongDim, tensor, type IndexItem, type Tensor } from '@tsgrad/core';
import { fc, indexTensor, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

/** One entry for a dim of size n: ':', a slice, an integer, a bool mask or an index tensor (shape from `b`). */
function itemArb(n: number, b: number[]): fc.Arbitrary<IndexItem> {
  return fc.oneof(
    fc.constant(':'),
    fc.constant('1:'),
    fc.constant('::2'),
    fc.integer({ min: -n, max: n - 1 }),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((m) => tensor(m, { dtype: 'bool' })),
    indexTensor(b, 2 * n).map((t) => t.sub(n)), // positions in [-n, n)
  );
}

/** A shape and an index list for it (index tensors share one broadcastable shape family). */
const indexed = shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
  fc.tuple(fc.constant(s), shapeArb({ maxRank: 2, maxSize: 3 }), fc.integer({ min: 1, max: s.length })).chain(([shape, b, k]) =>
    fc.tuple(fc.constant(shape), fc.tuple(...shape.slice(0, k).map((n, i) => itemArb(n, i % 2 === 0 ? b : b.map(() => 1))))),
  ),
);

const selectionShape = (s: number[], items: readonly IndexItem[]) => index(tensor(new Array(s.reduce((a, c) => a * c, 1)).fill(0), { shape: s }), items).shape;

export const advancedIndexSpecs: GradSpec[] = [
  {
    covers: ['index'],
    secondOrder: true,
    arb: indexed.chain(([s, items]) => leaf(s).map((x) => ({ f: (a: Tensor) => index(a, items), inputs: [x] }))),
  },
  {
    covers: ['indexPut'],
    secondOrder: true,
    arb: indexed.chain(([s, items]) => {
      const sel = selectionShape(s, items);
      // values of the selection's shape, or with leading dims dropped and some dims 1 (broadcast)
      return fc.tuple(leaf(s), fc.integer({ min: 0, max: sel.length }), fc.boolean(), fc.boolean()).chain(([x, drop, ones, accumulate]) =>
        leaf(sel.slice(drop).map((d) => (ones ? 1 : d))).map((v) => ({
          f: (a: Tensor, b?: Tensor) => indexPut(a, items, b!, { accumulate }),
          inputs: [x, v],
        })),
      );
    }),
  },
  {
    covers: ['takeAlongDim'],
    secondOrder: true,
    arb: shapeAndDim(1, 3).chain(([s, dim]) => {
      const d = dim < 0 ? dim + s.length : dim;
      return fc.tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }), fc.boolean()).chain(([k, ones, flat]) => {
        // indices: size k along dim, 1 or x's size elsewhere (x broadcasts where indices are larger is covered by size-1 dims of x)
        const is = s.map((v, i) => (i === d ? k : ones[i] ? 1 : v));
        return fc.tuple(leaf(s), indexTensor(is, s[d]!), indexTensor([k + 1], s.reduce((a, c) => a * c, 1))).map(([x, i, fi]) => ({
          f: flat ? (a: Tensor) => takeAlongDim(a, fi) : (a: Tensor) => takeAlongDim(a, i, dim),
          inputs: [x],
        }));
      });
    }),
  },
];
