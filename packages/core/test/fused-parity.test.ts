// Parity of every fused CPU kernel with its primitive's `decompose` (the former composite), on
// random shapes with size-1 dims and non-contiguous inputs:
// - forward, float64: bit for bit (the kernels keep the decomposition's operation order);
// - forward, float32: within float32 rounding (the kernels round once, the composite per op);
// - gradients, float64: the fused VJPs (closed forms) against autograd through the decomposition,
//   within a tight tolerance (the closed forms reorder the arithmetic).

import { describe, expect, test } from 'vitest';
import {
  addmmOp, apply, autogradGrad, crossEntropyBackwardOp, crossEntropyOp, dropoutOp, geluBackwardOp, geluOp, layerNormBackwardOp, layerNormOp,
  noGrad, packedAttentionBackwardOp, packedAttentionOp, packedAttentionWeightsOp, rmsNormBackwardOp, rmsNormOp, scaledMaskedSoftmaxOp, softmax, softmaxBackwardOp, sumSquaresOp, tensor, where, type PrimitiveDef, type Tensor,
} from '@tsgrad/core';
import { FC, fc, indexTensor, leaf, shapeArb, shapeAndDim } from './grad/helpers.js';

type Attrs = Record<string, unknown>;
interface Case { inputs: Tensor[]; attrs: Attrs }

const same = (a: number, b: number) => a === b || (a !== a && b !== b);

function compare(fused: Tensor, ref: Tensor, tol: { rtol: number; atol: number } | 'exact', what: string): void {
  expect(fused.shape, `${what}: shape`).toEqual(ref.shape);
  expect(fused.dtype, `${what}: dtype`).toBe(ref.dtype);
  const [a, b] = [fused.dataSync(), ref.dataSync()];
  for (let i = 0; i < a.length; i++) {
    const ok = tol === 'exact' ? same(a[i]!, b[i]!) : same(a[i]!, b[i]!) || Math.abs(a[i]! - b[i]!) <= tol.atol + tol.rtol * Math.abs(b[i]!);
    if (!ok) expect(a[i], `${what}: element ${i} (fused ${a[i]}, decomposition ${b[i]})`).toBe(b[i]);
  }
}

const to32 = (t: Tensor) => (t.dtype === 'float64' ? t.detach().to('float32') : t);

/** Checks one op on the generated cases: forward in both float dtypes and (with a VJP) gradients. */
function parity(name: string, op: PrimitiveDef<any>, arb: fc.Arbitrary<Case>, f32: { rtol: number; atol: number }, grad?: { rtol: number; atol: number }): void {
  describe(name, () => {
    test('float64 forward is bit for bit the decomposition', () => {
      fc.assert(fc.property(arb, ({ inputs, attrs }) => {
        compare(noGrad(() => apply(op, inputs, attrs)), noGrad(() => op.decompose!(inputs, attrs)), 'exact', name);
      }), FC);
    });
    test('float32 forward is within float32 rounding of the decomposition', () => {
      fc.assert(fc.property(arb, ({ inputs, attrs }) => {
        const xs = inputs.map(to32);
        compare(noGrad(() => apply(op, xs, attrs)), noGrad(() => op.decompose!(xs, attrs)), f32, `${name} (float32)`);
      }), FC);
    });
    if (grad) {
      test('float64 gradients match autograd through the decomposition', () => {
        fc.assert(fc.property(arb, ({ inputs, attrs }) => {
          const leaves = inputs.filter((t) => t.requiresGrad);
          const run = (f: () => Tensor) => {
            const y = f();
            const c = tensor(Array.from({ length: y.numel() }, (_, i) => Math.sin(i + 1)), { shape: y.shape, dtype: 'float64' });
            return autogradGrad(y.mul(c).sum(), leaves);
          };
          const fused = run(() => apply(op, inputs, attrs));
          const ref = run(() => op.decompose!(inputs, attrs));
          fused.forEach((g, i) => compare(g!, ref[i]!, grad, `${name}: gradient ${i}`));
        }), FC);
      });
    }
  });
}

const approx = fc.constantFrom('none' as const, 'tanh' as const);
const F32 = { rtol: 2e-6, atol: 2e-6 };
const GRAD = { rtol: 1e-10, atol: 1e-12 };

// trailing-dim norms: x [..., ns], weight/bias [ns]
const normCase = (backward: boolean, rms: boolean) => shapeArb({ minRank: 1, maxRank: 3 }).chain((s) =>
  fc.tuple(fc.integer({ min: 1, max: s.length }), fc.boolean(), fc.boolean(), leaf(s), leaf(s), fc.constantFrom(1e-5, 0.1)).chain(([k, hasWeight, hb, x, g, eps]) => {
    const ns = s.slice(s.length - k);
    const hasBias = hb && !rms;
    return fc.tuple(leaf(ns, { min: 0.5, max: 2 }), leaf(ns)).map(([w, b]): Case => ({
      inputs: backward ? [g, x, ...(hasWeight ? [w] : [])] : [x, ...(hasWeight ? [w] : []), ...(hasBias ? [b] : [])],
      attrs: { k, eps, hasWeight, hasBias },
    }));
  }));

// scores [..., L, S] with no mask, a bool or additive mask (broadcast from [L, S], [S] or [1, S]), causal or not
const attentionCase = fc.tuple(shapeArb({ maxRank: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom('none', 'bool', 'additive'), fc.boolean(), fc.constantFrom(1, 0.35))
  .chain(([batch, L, S, mask, isCausal, scale]) =>
    fc.tuple(leaf([...batch, L, S], { min: -4, max: 4 }), fc.constantFrom([L, S], [S], [1, S]), fc.array(fc.boolean(), { minLength: L * S, maxLength: L * S }))
      .chain(([scores, mShape, bits]) => leaf(mShape).map((add): Case => {
        const n = mShape.reduce((a, b) => a * b, 1);
        const keep = tensor(bits.slice(0, n).map((b, i) => b || i % S === 0), { shape: mShape }); // column 0 stays visible
        return { inputs: mask === 'none' ? [scores] : [scores, mask === 'bool' ? keep : add], attrs: { scale, isCausal, mask } };
      })));

// logits [N, C] / [N, C, d] / [C], int32 targets (some ignored), optional class weights
const ceCase = (backward: boolean) => fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 2 }), fc.constantFrom('mean', 'sum', 'none'), fc.constantFrom(0, 0.2), fc.boolean())
  .chain(([n, c, layout, reduction, labelSmoothing, hasWeight]) => {
    const [xShape, tShape] = [[[n, c], [n]], [[n, c, 2], [n, 2]], [[c], []]][layout]!;
    return fc.tuple(leaf(xShape!, { min: -5, max: 5 }), indexTensor(tShape!, c + 1), leaf([c], { min: 0.2, max: 2 }), leaf(reduction === 'none' ? tShape! : []))
      .map(([x, t0, w, g]): Case => {
        const target = where(t0.eq(c), -7, t0);
        const attrs = { ignoreIndex: -7, reduction, labelSmoothing, hasWeight };
        const wIn = hasWeight ? [w.detach()] : [];
        return { inputs: backward ? [g, x, target, ...wIn] : [x, target, ...wIn], attrs };
      });
  });

// addmm: input broadcast from [n, p], [p], [1, p], [n, 1] or []; mat2 also as a transposed view (Linear's W^T);
// sizes up to 17 reach the wasm GEMM (from 1,024 multiply-adds), smaller ones the TypeScript one
const addmmCase = fc.tuple(fc.constantFrom(1, 2, 3, 17), fc.constantFrom(1, 2, 5, 17), fc.constantFrom(1, 3, 17), fc.integer({ min: 0, max: 4 }), fc.boolean())
  .chain(([n, m, p, which, transposed]) => fc.tuple(leaf([[n, p], [p], [1, p], [n, 1], []][which]!), leaf([n, m]), leaf(transposed ? [p, m] : [m, p]))
    .map(([c, a, b]): Case => ({ inputs: [c, a, transposed ? b.detach().mT : b], attrs: {} }))); // a view of a leaf would be backpropagated twice

// packed attention: qkv (B, L, 3E) in any layout, a bool (B, 1, 1, L) or additive (L, L) mask or
// causal or none, a random keep mask (p > 0) or none; the weights input is the weights op's
// result for that qkv (what packedAttention passes); random small sizes, and one that reaches the
// wasm GEMM (2 x 9 x 2 x 16)
const packedCase = (part: 'weights' | 'forward' | 'backward') =>
  fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 })) }, { weight: 1, arbitrary: fc.constant([2, 9, 2, 16]) }),
    fc.constantFrom('none', 'causal', 'bool', 'additive'), fc.constantFrom(0, 0.25))
    .chain(([[B, L, H, D], m, p0]) => {
      const p = part === 'weights' ? 0 : p0;
      const n = B! * H! * L! * L!;
      return fc.tuple(leaf([B!, L!, 3 * H! * D!], { min: -1.5, max: 1.5 }), leaf([L!, L!]), leaf([B!, L!, H! * D!]), fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.array(fc.boolean(), { minLength: B! * L!, maxLength: B! * L! }))
        .map(([qkv, add, g, bits, keys]): Case => {
          const mask = m === 'bool' ? tensor(keys.map((k, i) => k || i % L! === 0), { shape: [B!, 1, 1, L!] }) : m === 'additive' ? add.detach() : null;
          const attrs = { numHeads: H!, scale: 1 / Math.sqrt(D!), isCausal: m === 'causal', mask: mask === null ? 'none' : m, p };
          if (part === 'weights') return { inputs: mask ? [qkv, mask] : [qkv], attrs };
          const w = noGrad(() => apply(packedAttentionWeightsOp, mask ? [qkv, mask] : [qkv], attrs));
          const keep = p > 0 ? [tensor(bits, { shape: [B!, H!, L!, L!] })] : [];
          if (part === 'forward') return { inputs: [qkv, w, ...keep, ...(mask ? [mask] : [])], attrs };
          return { inputs: [g, qkv, w, ...keep], attrs };
        });
    });

describe('fused kernels against their decompositions', () => {
  parity('packedAttentionWeights', packedAttentionWeightsOp, packedCase('weights'), F32);
  parity('packedAttention', packedAttentionOp, packedCase('forward'), F32, GRAD);
  parity('packedAttentionBackward', packedAttentionBackwardOp, packedCase('backward'), F32);
  parity('addmm', addmmOp, addmmCase, { rtol: 0, atol: 0 }, GRAD);
  parity('gelu', geluOp, shapeArb().chain((s) => fc.tuple(leaf(s, { min: -6, max: 6 }), approx).map(([x, a]) => ({ inputs: [x], attrs: { approximate: a } }))), F32, GRAD);
  parity('geluBackward', geluBackwardOp, shapeArb().chain((s) => fc.tuple(leaf(s), leaf(s, { min: -6, max: 6 }), approx).map(([g, x, a]) => ({ inputs: [g, x], attrs: { approximate: a } }))), F32);
  parity('layerNorm', layerNormOp, normCase(false, false), { rtol: 1e-5, atol: 1e-5 }, { rtol: 1e-9, atol: 1e-10 });
  parity('rmsNorm', rmsNormOp, normCase(false, true), { rtol: 1e-5, atol: 1e-5 }, { rtol: 1e-9, atol: 1e-10 });
  parity('layerNormBackward', layerNormBackwardOp, normCase(true, false), { rtol: 1e-4, atol: 1e-4 });
  parity('rmsNormBackward', rmsNormBackwardOp, normCase(true, true), { rtol: 1e-4, atol: 1e-4 });
  parity('scaledMaskedSoftmax', scaledMaskedSoftmaxOp, attentionCase, F32, GRAD);
  parity('softmaxBackward', softmaxBackwardOp, shapeAndDim(1).chain(([s, dim]) =>
    fc.tuple(leaf(s), leaf(s, { min: -4, max: 4 }), fc.constantFrom(1, 0.125)).map(([g, x, scale]) => ({ inputs: [g, softmax(x.detach(), dim)], attrs: { dim: (dim + s.length) % s.length, scale } }))), F32);
  parity('crossEntropy', crossEntropyOp, ceCase(false), { rtol: 1e-5, atol: 1e-5 }, GRAD);
  parity('crossEntropyBackward', crossEntropyBackwardOp, ceCase(true), { rtol: 1e-5, atol: 1e-6 });
  parity('sumSquares', sumSquaresOp, shapeArb().chain((s) => leaf(s).map((x): Case => ({ inputs: [x], attrs: {} }))), { rtol: 0, atol: 0 }, GRAD);
  parity('dropout', dropoutOp, shapeArb().chain((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    return fc.tuple(leaf(s), fc.array(fc.boolean(), { minLength: n, maxLength: n }), fc.constantFrom(0.1, 0.5, 0.9)).map(([x, bits, p]) => ({ inputs: [x, tensor(bits, { shape: s })], attrs: { p } }));
  }), { rtol: 0, atol: 0 }, { rtol: 0, atol: 0 });
});
