// Gradient specs for indexing and masking: gather, scatterAdd, indexSelect, indexAdd, embedding,
// where, maskedFill, tril/triu, matmul and linear.

import { embedding, gather, indexAdd, indexSelect, linear, maskedFill, matmul, scatterAdd, tensor, tril, triu, where } from '@tsgrad/core';
import { broadcastShapesArb } from '@tsgrad/core/testing/arbitraries';
import { fc, indexTensor, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

const boolTensor = (shape: number[]) =>
  fc.array(fc.boolean(), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((b) => tensor(b, { shape, dtype: 'bool' }));

/** Shapes for matmul: 1-D, 2-D and batched operands with broadcast batch dims. */
const matmulShapes = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), broadcastShapesArb(2, { maxRank: 2 }), fc.integer({ min: 0, max: 3 }))
  .map(([m, k, n, [ba, bb], oneD]) => {
    const a = oneD === 1 ? [k] : [...ba!, m, k];
    const b = oneD === 2 ? [k] : oneD === 3 && ba!.length === 0 ? [k] : [...bb!, k, n];
    return [a, b] as const;
  });

export const indexSpecs: GradSpec[] = [
  {
    covers: ['gather', 'scatterAdd'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => {
      const d = dim < 0 ? dim + s.length : dim;
      const idxShape = s.map((v, i) => (i === d ? v + 1 : v));
      return fc.tuple(leaf(s), indexTensor(idxShape, s[d]!), leaf(idxShape), fc.boolean()).map(([x, index, src, useScatter]) => ({
        f: useScatter ? (a, b) => scatterAdd(a, dim, index, b!) : (a) => gather(a, dim, index),
        inputs: useScatter ? [x, src] : [x],
      }));
    }),
  },
  {
    covers: ['indexSelect', 'indexAdd'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => {
      const d = dim < 0 ? dim + s.length : dim;
      return fc.integer({ min: 0, max: 4 }).chain((k) =>
        fc.tuple(leaf(s), indexTensor([k], s[d]!), leaf(s.map((v, i) => (i === d ? k : v))), fc.boolean()).map(([x, index, src, useAdd]) => ({
          f: useAdd ? (a, b) => indexAdd(a, dim, index, b!, { alpha: 1.5 }) : (a) => indexSelect(a, dim, index),
          inputs: useAdd ? [x, src] : [x],
        })),
      );
    }),
  },
  {
    covers: ['embedding'],
    secondOrder: true,
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), shapeArb({ maxRank: 2 })).chain(([v, dim, idxShape]) =>
      fc.tuple(leaf([v, dim]), indexTensor(idxShape, v), fc.option(fc.integer({ min: 0, max: v - 1 }), { nil: undefined })).map(([w, idx, pad]) => ({
        // the padding row gets no gradient by definition: mask its uses so the true derivative is 0 too
        f: (a) => embedding(idx, a, { paddingIdx: pad }).mul(pad === undefined ? 2 : idx.ne(pad).unsqueeze(-1)),
        inputs: [w],
      })),
    ),
  },
  {
    covers: ['where'],
    secondOrder: true,
    arb: broadcastShapesArb(3).chain(([c, a, b]) =>
      fc.tuple(boolTensor(c!), leaf(a!), leaf(b!)).map(([cond, x, y]) => ({ f: (p, q) => where(cond, p, q!), inputs: [x, y] })),
    ),
  },
  {
    covers: ['maskedFill'],
    secondOrder: true,
    arb: shapeArb().chain((s) =>
      fc.tuple(leaf(s), fc.integer({ min: 0, max: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length })).chain(([x, drop, ones]) =>
        boolTensor(s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d))).map((mask) => ({ f: (p) => maskedFill(p, mask, 0.5), inputs: [x] })),
      ),
    ),
  },
  {
    covers: ['tril', 'triu'],
    secondOrder: true,
    arb: shapeArb({ minRank: 2 }).chain((s) =>
      fc.tuple(leaf(s), fc.integer({ min: -2, max: 2 }), fc.boolean()).map(([x, diag, lower]) => ({ f: (a) => (lower ? tril(a, diag) : triu(a, diag)), inputs: [x] })),
    ),
  },
  {
    covers: ['matmul'],
    secondOrder: true,
    arb: matmulShapes.chain(([sa, sb]) => fc.tuple(leaf(sa), leaf(sb)).map(([a, b]) => ({ f: (x, y) => matmul(x, y!), inputs: [a, b] }))),
  },
  {
    covers: ['linear'],
    secondOrder: true,
    arb: fc.tuple(shapeArb({ maxRank: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).chain(([lead, fin, fout, bias]) =>
      fc.tuple(leaf([...lead, fin]), leaf([fout, fin]), leaf([fout])).map(([x, w, b]) => ({
        f: bias ? (p, q, r) => linear(p, q!, r!) : (p, q) => linear(p, q!),
        inputs: bias ? [x, w, b] : [x, w],
      })),
    ),
  },
];
