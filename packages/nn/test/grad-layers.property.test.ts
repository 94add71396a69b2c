// Property-based gradient checks of the layers: for random shapes (size-1 dims included), options and
// values, the full Jacobian with respect to inputs and parameters equals central differences (float64).

import { describe, test } from 'vitest';
import fc from 'fast-check';
import { Generator, type Tensor, fromArray, tensor } from '@tsgrad/core';
import { gradcheck } from '@tsgrad/core/testing';
import { shapeArb, tensorArb } from '@tsgrad/core/testing/arbitraries';
import {
  Dropout, Embedding, GELU, LayerNorm, LearnedPositionalEmbedding, Linear, MLMHead, MultiheadAttention, RMSNorm, ReLU, RotaryEmbedding,
  SiLU, Sequential, SinusoidalPositionalEncoding, Tanh,
} from '@tsgrad/nn';
import { type ModuleCase, moduleCase } from './helpers/grad.js';

const FC = { seed: 20250101, numRuns: 20 };
const STD = { min: -2, max: 2 };
const dim = (max = 3) => fc.integer({ min: 1, max });
const ids = (shape: number[], high: number) =>
  fc.array(fc.integer({ min: 0, max: high - 1 }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) })
    .map((v) => fromArray(Int32Array.from(v), shape));
const bools = (shape: number[]) =>
  fc.array(fc.boolean(), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((v) => tensor(v, { shape, dtype: 'bool' }));

const specs: { name: string; arb: fc.Arbitrary<ModuleCase>; numRuns?: number }[] = [
  {
    name: 'Linear',
    arb: fc.tuple(shapeArb({ maxRank: 2 }), dim(), dim(), fc.boolean()).chain(([lead, fin, fout, bias]) =>
      tensorArb([...lead, fin], STD).map((x) => {
        const m = new Linear(fin, fout, { bias }).to('float64');
        return moduleCase(m, [x], (a) => m.forward(a));
      })),
  },
  {
    name: 'Embedding (the padding row gets no gradient, so its uses are masked out of the output)',
    arb: fc.tuple(dim(4), dim(), shapeArb({ maxRank: 2 })).chain(([v, d, s]) =>
      fc.tuple(ids(s, v), fc.option(fc.integer({ min: 0, max: v - 1 }), { nil: undefined })).map(([idx, pad]) => {
        const m = new Embedding(v, d, { paddingIdx: pad }).to('float64');
        const keep = pad === undefined ? 1 : idx.ne(pad).unsqueeze(-1);
        return moduleCase(m, [], () => m.forward(idx).mul(keep));
      })),
  },
  {
    name: 'LayerNorm and RMSNorm',
    arb: shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
      fc.tuple(tensorArb(s, STD), fc.integer({ min: 1, max: Math.min(2, s.length) }), fc.constantFrom('affine', 'noBias', 'plain', 'rms')).map(([x, k, kind]) => {
        const ns = s.slice(s.length - k);
        const m = (kind === 'rms' ? new RMSNorm(ns, { eps: 1e-5 }) : new LayerNorm(ns, { elementwiseAffine: kind !== 'plain', bias: kind === 'affine' })).to('float64');
        // non-trivial affine weights, so their gradient paths are exercised
        for (const p of m.parameters()) p.setData(tensor(Array.from({ length: p.numel() }, (_, i) => 0.5 + 0.3 * i), { shape: p.shape, dtype: 'float64' }));
        return moduleCase(m, [x], (a) => m.forward(a));
      })),
  },
  {
    name: 'GELU, SiLU, Tanh, ReLU',
    arb: shapeArb().chain((s) =>
      fc.tuple(tensorArb(s, { min: -3, max: 3, avoid: [0], gap: 0.01 }), fc.integer({ min: 0, max: 4 })).map(([x, k]) => {
        const m = [new GELU(), new GELU('tanh'), new SiLU(), new Tanh(), new ReLU()][k]!;
        return moduleCase(m, [x], (a) => m.forward(a));
      })),
  },
  {
    name: 'Dropout (training, a fixed generator per call)',
    arb: fc.tuple(shapeArb(), fc.constantFrom(0, 0.3, 0.5), fc.integer({ min: 0, max: 1000 })).chain(([s, p, seed]) =>
      tensorArb(s, STD).map((x) => {
        const m = new Dropout(p);
        return moduleCase(m, [x], (a) => {
          m.generator = new Generator(seed); // the same mask on every call of gradcheck
          return m.forward(a);
        });
      })),
  },
  {
    name: 'Sequential(Linear, Tanh, Linear)',
    arb: fc.tuple(shapeArb({ maxRank: 2 }), dim(), dim(), dim()).chain(([lead, a, b, c]) =>
      tensorArb([...lead, a], STD).map((x) => {
        const m = new Sequential(new Linear(a, b), new Tanh(), new Linear(b, c)).to('float64');
        return moduleCase(m, [x], (y) => m.forward(y));
      })),
  },
  {
    name: 'SinusoidalPositionalEncoding, LearnedPositionalEmbedding, RotaryEmbedding (with offsets)',
    arb: fc.tuple(shapeArb({ maxRank: 2 }), dim(4), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 })).chain(([lead, T, half, offset, kind]) => {
      const C = 2 * half;
      return tensorArb([...lead, T, C], STD).map((x) => {
        const m = [new SinusoidalPositionalEncoding(C, 8), new LearnedPositionalEmbedding(8, C), new RotaryEmbedding(C, { maxSeqLen: 8 })][kind]!.to('float64');
        return moduleCase(m, [x], (a) => m.forward(a, offset));
      });
    }),
  },
  {
    name: 'MLMHead (decoder weight as an input)',
    arb: fc.tuple(dim(2), dim(2), dim(3)).chain(([T, C, V]) =>
      fc.tuple(tensorArb([1, T, C], STD), tensorArb([V, C], STD)).map(([h, w]) => {
        const m = new MLMHead(C, V).to('float64');
        return moduleCase(m, [h, w], (a, b) => m.forward(a, b!));
      })),
    numRuns: 10,
  },
  {
    name: 'MultiheadAttention (layouts, self/cross, kdim/vdim, bias, addBiasKv, masks, packed self-attention)',
    numRuns: 24,
    arb: fc.record({
      heads: fc.constantFrom(1, 2), headDim: dim(2), L: dim(), S: dim(), B: dim(2), layout: fc.constantFrom('seq', 'batch', 'unbatched'),
      self: fc.boolean(), kdim: fc.option(dim(), { nil: undefined }), bias: fc.boolean(), biasKv: fc.boolean(), causal: fc.boolean(), kpm: fc.boolean(), average: fc.boolean(),
      weights: fc.boolean(), // without them, self-attention takes the packed path (one in-projection, packedAttention)
    }).chain((o) => {
      const E = o.heads * o.headDim;
      const S = o.self ? o.L : o.S;
      const kd = o.self ? E : (o.kdim ?? E);
      const shape = (T: number, C: number) => (o.layout === 'unbatched' ? [T, C] : o.layout === 'batch' ? [o.B, T, C] : [T, o.B, C]);
      const Bm = o.layout === 'unbatched' ? 1 : o.B;
      return fc.tuple(tensorArb(shape(o.L, E), STD), tensorArb(shape(S, kd), STD), tensorArb(shape(S, kd), STD), bools([Bm, S])).map(([q, k, v, pad0]) => {
        const m = new MultiheadAttention(E, o.heads, { kdim: kd, vdim: kd, bias: o.bias, addBiasKv: o.biasKv, batchFirst: o.layout === 'batch' }).to('float64');
        // key 0 is never padding, so no query row is fully masked (that row would be NaN, as in PyTorch)
        const pad = pad0.logicalAnd(tensor(Array.from({ length: S }, (_, j) => j > 0)));
        const kpm = o.kpm ? (o.layout === 'unbatched' ? pad.select(0, 0) : pad) : null;
        const isCausal = o.causal && o.L <= S;
        const run = (a: Tensor, b?: Tensor, c?: Tensor) => {
          const [y, w] = m.forward(a, o.self ? a : b!, o.self ? a : c!, { keyPaddingMask: kpm, isCausal, averageAttnWeights: o.average, needWeights: o.weights });
          return w ? y.sum().add(w.mul(w).sum()) : y.mul(y).sum(); // output and weights both checked
        };
        return moduleCase(m, o.self ? [q] : [q, k, v], run);
      });
    }),
  },
];

describe('gradcheck of layers: inputs and parameters (float64)', () => {
  for (const spec of specs) {
    test(spec.name, () => {
      fc.assert(
        fc.property(spec.arb, (c) => gradcheck(c.f, c.inputs, { name: spec.name, atol: 1e-6, rtol: 1e-5 })),
        { ...FC, numRuns: spec.numRuns ?? FC.numRuns },
      );
    });
  }
});
