// Gradient specs for the fused primitives' own entry points: scaledMaskedSoftmax, sumSquares and the backward
// ops (softmaxBackward, geluBackward, layerNorm/rmsNormBackward, crossEntropyBackward), which are
// differentiated through their decompositions (so gradgradcheck of the forward ops goes through them).

import {
  Generator, cat, crossEntropyBackward, geluBackward, linearCrossEntropy, layerNormBackward, packedAttention, packedAttentionBackward, packedAttentionWeights, rmsNormBackward, scaledMaskedSoftmax, softmax, softmaxBackward, sumSquares,
  tensor, where, type Tensor,
} from '@tsgrad/core';
import { fc, indexTensor, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

// (B, L, H, D) of a packed attention: random small sizes (size 1 included) on the TypeScript GEMM,
// and now and then the smallest the wasm GEMM takes (1 x 8, two heads of 8: 1,024 multiply-adds a product)
const attentionDims = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })) },
  { weight: 1, arbitrary: fc.constant([1, 8, 2, 8] as [number, number, number, number]) },
);

const flat = (...ts: (Tensor | null)[]) => cat(ts.filter((t): t is Tensor => t !== null).map((t) => t.reshape([-1])));

export const fusedSpecs: GradSpec[] = [
  {
    covers: ['scaledMaskedSoftmax'],
    secondOrder: true,
    arb: fc.tuple(shapeArb({ maxRank: 2, maxSize: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 }), fc.constantFrom(1, 0.5, 2))
      .chain(([batch, L, S, mode, scale]) =>
        fc.tuple(leaf([...batch, L, S], { min: -3, max: 3 }), leaf(mode === 4 ? [1, S] : [L, S]), fc.integer({ min: 0, max: 99 })).map(([s, bias, seed]) => {
          const keep = tensor(Array.from({ length: L * S }, (_, i) => i % S === 0 || (i + seed) % 3 !== 0), { shape: [L, S] }); // column 0 always visible
          const isCausal = mode === 1 || mode === 2;
          const additive = mode >= 3;
          return {
            f: (a: Tensor, m?: Tensor) => scaledMaskedSoftmax(a, { scale, isCausal, attnMask: additive ? m : mode === 2 ? keep : null }),
            inputs: additive ? [s, bias] : [s],
          };
        }),
      ),
  },
  {
    covers: ['softmaxBackward'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) =>
      fc.tuple(leaf(s), leaf(s, { min: -3, max: 3 }), fc.constantFrom(1, 0.25)).map(([g, x, scale]) => ({
        f: (a: Tensor, b?: Tensor) => softmaxBackward(a, softmax(b!, dim), dim, { scale }),
        inputs: [g, x],
      })),
    ),
  },
  {
    covers: ['geluBackward'],
    secondOrder: true,
    arb: shapeArb().chain((s) =>
      fc.tuple(leaf(s), leaf(s, { min: -4, max: 4 }), fc.constantFrom('none' as const, 'tanh' as const)).map(([g, x, approximate]) => ({
        f: (a: Tensor, b?: Tensor) => geluBackward(a, b!, { approximate }),
        inputs: [g, x],
      })),
    ),
  },
  {
    covers: ['layerNormBackward', 'rmsNormBackward'],
    secondOrder: true,
    arb: shapeArb({ minRank: 1, maxRank: 3 }).filter((s) => s[s.length - 1]! >= 2).chain((s) =>
      fc.tuple(fc.integer({ min: 1, max: Math.min(2, s.length) }), fc.boolean(), fc.boolean(), fc.boolean()).chain(([k, affine, bias, rms]) => {
        const ns = s.slice(s.length - k);
        return fc.tuple(leaf(s), leaf(s), leaf(ns, { min: 0.5, max: 2 })).map(([g, x, w]) => ({
          f: (a: Tensor, b?: Tensor, c?: Tensor) => {
            const r = rms ? rmsNormBackward(a, b!, ns, c, { eps: 1e-5 }) : layerNormBackward(a, b!, ns, c, { bias, eps: 1e-5 });
            return flat(r.gradInput, r.gradWeight, r.gradBias);
          },
          inputs: affine ? [g, x, w] : [g, x],
          rtol: 1e-4,
        }));
      }),
    ),
  },
  {
    covers: ['crossEntropyBackward'],
    secondOrder: true,
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }), fc.boolean(), fc.constantFrom('mean' as const, 'sum' as const, 'none' as const), fc.constantFrom(0, 0.1), fc.boolean())
      .chain(([n, c, spatial, reduction, labelSmoothing, useW]) => {
        const tShape = spatial ? [n, 2] : [n];
        return fc.tuple(leaf(spatial ? [n, c, 2] : [n, c], { min: -3, max: 3 }), indexTensor(tShape, c + 1), leaf([c], { min: 0.2, max: 2 }), leaf(reduction === 'none' ? tShape : []))
          .filter(([, t0]) => [...t0.dataSync()].some((v) => v !== c)) // 'mean' over no target is 0/0
          .map(([x, t0, w, g]) => {
            const target = where(t0.eq(c), -100, t0); // class c stands for an ignored target
            const opts = { reduction, labelSmoothing, weight: useW ? w.detach() : undefined };
            return { f: (a: Tensor, b?: Tensor) => crossEntropyBackward(a, b!, target, opts), inputs: [g, x] };
          });
      }),
  },
  {
    // the fused path (reduction 'mean' / 'sum', no smoothing: the op's VJP, and the composite for
    // second order) and the composite it falls back to ('none', smoothing)
    covers: ['linearCrossEntropy'],
    secondOrder: true,
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 5 }),
      fc.constantFrom('mean' as const, 'sum' as const, 'none' as const), fc.constantFrom(0, 0, 0.1))
      .chain(([n, d, v, reduction, labelSmoothing]) =>
        fc.tuple(leaf([n, d], { min: -2, max: 2 }), leaf([v, d], { min: -2, max: 2 }), indexTensor([n], v + 1))
          .filter(([, , t0]) => [...t0.dataSync()].some((c) => c !== v)) // 'mean' over no target is 0/0
          .map(([x, w, t0]) => {
            const target = where(t0.eq(v), -100, t0); // class v stands for an ignored target
            return { f: (a: Tensor, b?: Tensor) => linearCrossEntropy(a, b!, target, { reduction, labelSmoothing }), inputs: [x, w] };
          })),
  },
  {
    // qkv (B, L, 3E) with E = H D; no mask, causal, a bool key mask (B, 1, 1, L) or an additive
    // (L, L) mask, with and without dropout (a fresh generator of one seed per call: one keep mask)
    covers: ['packedAttention'],
    secondOrder: true,
    arb: fc.tuple(attentionDims, fc.constantFrom('none', 'causal', 'bool', 'additive'), fc.constantFrom(0, 0.3), fc.integer({ min: 0, max: 99 }))
      .chain(([[B, L, H, D], mask, p, seed]) =>
        fc.tuple(leaf([B!, L!, 3 * H! * D!], { min: -1.5, max: 1.5 }), leaf([L!, L!])).map(([qkv, add]) => {
          const keys = tensor(Array.from({ length: B! * L! }, (_, i) => i % L! === 0 || (i + seed) % 3 !== 0), { shape: [B!, 1, 1, L!] }); // key 0 always visible
          const attnMask = mask === 'bool' ? keys : mask === 'additive' ? add.detach() : null;
          return {
            f: (x: Tensor) => packedAttention(x, H!, { attnMask, isCausal: mask === 'causal', dropoutP: p, generator: new Generator(seed) }),
            inputs: [qkv],
            rtol: 1e-4,
          };
        })),
  },
  {
    // the weights alone (differentiated through their decomposition)
    covers: ['packedAttentionWeights'],
    secondOrder: true,
    arb: fc.tuple(attentionDims, fc.constantFrom('none', 'causal', 'bool'))
      .chain(([[B, L, H, D], mask]) => leaf([B!, L!, 3 * H! * D!], { min: -1.5, max: 1.5 }).map((qkv) => {
        const attnMask = mask === 'bool' ? tensor(Array.from({ length: L! * L! }, (_, i) => i % L! <= Math.floor(i / L!)), { shape: [L!, L!] }) : null;
        return { f: (x: Tensor) => packedAttentionWeights(x, H!, { attnMask, isCausal: mask === 'causal' }), inputs: [qkv] };
      })),
  },
  {
    // the backward as a function of the output gradient, qkv and any weights (through its decomposition)
    covers: ['packedAttentionBackward'],
    secondOrder: true,
    arb: fc.tuple(attentionDims, fc.boolean(), fc.integer({ min: 0, max: 99 }))
      .chain(([[B, L, H, D], dropped, seed]) =>
        fc.tuple(leaf([B!, L!, H! * D!]), leaf([B!, L!, 3 * H! * D!]), leaf([B!, H!, L!, L!], { min: 0, max: 1 })).map(([g, qkv, w]) => {
          const keep = dropped ? tensor(Array.from({ length: w.numel() }, (_, i) => (i + seed) % 4 !== 0), { shape: w.shape }) : null;
          return { f: (a: Tensor, b?: Tensor, c?: Tensor) => packedAttentionBackward(a, b!, c!, H!, { keep, dropoutP: 0.25 }), inputs: [g, qkv, w] };
        })),
  },
  {
    covers: ['sumSquares'],
    secondOrder: true,
    arb: shapeArb().chain((s) => leaf(s).map((x) => ({ f: (a: Tensor) => sumSquares(a), inputs: [x] }))),
  },
];
