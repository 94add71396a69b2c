// Gradient specs for the neural-network functions: softmax/logSoftmax, layerNorm/rmsNorm, dropout,
// activations, losses and attention; plus the public wrappers with options (alpha, roundingMode).

import {
  Generator, add, attentionWeights, binaryCrossEntropy, binaryCrossEntropyWithLogits, clamp, crossEntropy, div, dropout, gelu, layerNorm, logSoftmax,
  leakyRelu, mseLoss, nllLoss, rmsNorm, scaledDotProductAttention, silu, softmax, softplus, sub, tensor, where, type Tensor,
} from '@tsgrad/core';
import { broadcastShapesArb } from '@tsgrad/core/testing/arbitraries';
import { fc, indexTensor, leaf, shapeArb, shapeAndDim, type GradSpec } from './helpers.js';

const reduction = fc.constantFrom('mean' as const, 'sum' as const, 'none' as const);

/** Logits [N, C] or [N, C, d] and int32 targets with some ignored (-100). */
const classification = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 }), fc.boolean()).chain(([n, c, spatial]) => {
  const inShape = spatial ? [n, c, 2] : [n, c];
  const tShape = spatial ? [n, 2] : [n];
  return fc.tuple(leaf(inShape, { min: -3, max: 3 }), indexTensor(tShape, c + 1), leaf([c], { min: 0.2, max: 2 }), leaf(inShape)).map(([x, t0, w, p]) => {
    const target = where(t0.eq(c), -100, t0); // drawing class c stands for an ignored target
    return { x, target, weight: w.detach(), probs: p.detach().softmax(1), c };
  });
});

export const nnSpecs: GradSpec[] = [
  {
    covers: ['softmax', 'logSoftmax'],
    secondOrder: true,
    arb: shapeAndDim(1).chain(([s, dim]) => fc.tuple(leaf(s, { min: -4, max: 4 }), fc.boolean()).map(([x, log]) => ({ f: (a) => (log ? logSoftmax(a, dim) : softmax(a, dim)), inputs: [x] }))),
  },
  {
    covers: ['layerNorm', 'rmsNorm'],
    secondOrder: true,
    arb: shapeArb({ minRank: 1, maxRank: 3 }).filter((s) => s[s.length - 1]! >= 2).chain((s) =>
      fc.tuple(fc.integer({ min: 1, max: Math.min(2, s.length) }), fc.boolean(), fc.boolean()).chain(([k, affine, rms]) => {
        const ns = s.slice(s.length - k);
        return fc.tuple(leaf(s), leaf(ns, { min: 0.5, max: 2 }), leaf(ns)).map(([x, w, b]) => ({
          f: rms ? (a, ww) => rmsNorm(a, ns, ww, 1e-5) : affine ? (a, ww, bb) => layerNorm(a, ns, ww, bb, 1e-5) : (a) => layerNorm(a, ns),
          inputs: rms ? [x, w] : affine ? [x, w, b] : [x],
          rtol: 1e-4,
        }));
      }),
    ),
  },
  {
    covers: ['dropout'],
    secondOrder: true,
    arb: fc.tuple(shapeArb(), fc.constantFrom(0, 0.3, 0.5, 1), fc.integer({ min: 0, max: 1000 })).chain(([s, p, seed]) =>
      leaf(s).map((x) => ({ f: (a) => dropout(a, p, true, { generator: new Generator(seed) }), inputs: [x] })),
    ),
  },
  {
    covers: ['gelu', 'silu', 'softplus'],
    secondOrder: true,
    arb: shapeArb().chain((s) =>
      fc.tuple(leaf(s, { min: -4, max: 4, avoid: [1.5], gap: 0.02 }), fc.integer({ min: 0, max: 3 })).map(([x, kind]) => ({
        f: [(a: typeof x) => gelu(a), (a: typeof x) => gelu(a, { approximate: 'tanh' }), (a: typeof x) => silu(a), (a: typeof x) => softplus(a, { beta: 2, threshold: 3 }).add(softplus(a))][kind]!,
        inputs: [x],
      })),
    ),
  },
  {
    covers: ['leakyRelu'],
    arb: fc.tuple(shapeArb(), fc.constantFrom(0.01, 0.2, -0.5)).chain(([s, slope]) => leaf(s, { min: -3, max: 3, avoid: [0], gap: 0.02 }).map((x) => ({ f: (a) => leakyRelu(a, slope), inputs: [x] }))),
  },
  {
    covers: ['clamp'],
    arb: shapeArb().chain((s) => leaf(s, { min: -3, max: 3, avoid: [-1, 1], gap: 0.02 }).map((x) => ({ f: (a) => clamp(a, -1, 1).add(clamp(a, undefined, 0.5 + 0.02)), inputs: [x] }))),
  },
  {
    covers: ['crossEntropy', 'nllLoss'],
    secondOrder: true,
    arb: fc.tuple(classification, reduction, fc.constantFrom(0, 0.1), fc.boolean(), fc.integer({ min: 0, max: 2 })).map(([{ x, target, weight, probs }, red, ls, useW, kind]) => ({
      f: [
        (a: typeof x) => crossEntropy(a, target, { reduction: red, labelSmoothing: ls, weight: useW ? weight : undefined }),
        (a: typeof x) => nllLoss(a.logSoftmax(1), target, { reduction: red, weight: useW ? weight : undefined }),
        (a: typeof x) => crossEntropy(a, probs, { reduction: red, labelSmoothing: ls, weight: useW ? weight : undefined }),
      ][kind]!,
      inputs: [x],
    })),
  },
  {
    covers: ['mseLoss', 'binaryCrossEntropyWithLogits'],
    secondOrder: true,
    arb: broadcastShapesArb(1).chain(([s]) =>
      fc.tuple(leaf(s!, { min: -4, max: 4 }), leaf(s!, { min: 0, max: 1 }), leaf(s!, { min: 0.5, max: 2 }), reduction, fc.integer({ min: 0, max: 2 })).map(([x, t, w, red, kind]) => ({
        f: [
          (a: typeof x, b?: typeof x) => mseLoss(a, b!, { reduction: red }),
          (a: typeof x, b?: typeof x) => binaryCrossEntropyWithLogits(a, b!, { reduction: red }),
          (a: typeof x) => binaryCrossEntropyWithLogits(a, t.detach(), { reduction: red, weight: w.detach(), posWeight: w.detach().add(1) }),
        ][kind]!,
        inputs: kind === 2 ? [x] : [x, t],
      })),
    ),
  },
  {
    covers: ['binaryCrossEntropy'],
    secondOrder: true,
    arb: broadcastShapesArb(1).chain(([s]) =>
      fc.tuple(leaf(s!, { min: 0.05, max: 0.95 }), leaf(s!, { min: 0, max: 1 }), leaf(s!, { min: 0.5, max: 2 }), reduction, fc.boolean()).map(([p, t, w, red, weighted]) => ({
        f: (a: typeof p, b?: typeof p) => binaryCrossEntropy(a, b!, { reduction: red, weight: weighted ? w.detach() : undefined }),
        inputs: [p, t],
      })),
    ),
  },
  {
    covers: ['scaledDotProductAttention', 'attentionWeights'],
    secondOrder: true,
    arb: fc.tuple(shapeArb({ maxRank: 2, maxSize: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 }))
      .chain(([batch, L, S, E, mode]) =>
        fc.tuple(leaf([...batch, L, E]), leaf([...batch, S, E]), leaf([...batch, S, E]), leaf([L, S]), fc.integer({ min: 0, max: 99 })).map(([q, k, v, bias, seed]) => {
          const keep = tensor(Array.from({ length: L * S }, (_, i) => i % S === 0 || (i + seed) % 3 !== 0), { shape: [L, S] }); // column 0 always visible
          const opts = [{}, { isCausal: true }, { attnMask: keep }, { attnMask: bias.detach() }, { dropoutP: 0.3 }][mode]!;
          return {
            f: (a, b, c) => (mode === 4 ? scaledDotProductAttention(a, b!, c!, { ...opts, generator: new Generator(seed) }) : scaledDotProductAttention(a, b!, c!, opts).add(attentionWeights(a, b!, opts).sum(-1, true))),
            inputs: [q, k, v],
            rtol: 1e-4,
          };
        }),
      )
      .filter((c) => c.inputs[0]!.shape.at(-2)! <= c.inputs[1]!.shape.at(-2)!),
  },
  {
    covers: ['add (alpha)', 'sub (alpha)', 'div (roundingMode)'],
    secondOrder: true,
    arb: broadcastShapesArb(2).chain(([a, b]) =>
      fc.tuple(leaf(a!), leaf(b!, { min: 0.5, max: 2 }), fc.integer({ min: 0, max: 2 })).map(([x, y, kind]) => ({
        f: [(p: typeof x, q?: typeof x) => add(p, q!, { alpha: 2.5 }), (p: typeof x, q?: typeof x) => sub(p, q!, { alpha: -0.5 }), (p: typeof x, q?: typeof x) => div(p.mul(7), q!, { roundingMode: 'floor' }).add(p)][kind]!,
        inputs: [x, y],
      })),
    ).filter((c) => !nearIntegerQuotient(c)),
  },
];

function nearIntegerQuotient(c: { inputs: Tensor[] }): boolean {
  const q = div(c.inputs[0]!.mul(7), c.inputs[1]!).detach(); // floor() jumps where 7x/y is an integer
  return q.numel() > 0 && q.sub(q.round()).abs().amin().item() < 1e-3;
}
