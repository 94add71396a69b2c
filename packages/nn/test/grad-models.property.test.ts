// Property-based gradient checks of the Transformer blocks and model families (float64): the full
// Jacobian for single layers, the random-direction VJP check (checkVjp) for stacks and models.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { type Tensor, autograd, fromArray, manualSeed, tensor } from '@tsgrad/core';
import { checkVjp, gradcheck } from '@tsgrad/core/testing';
import { tensorArb } from '@tsgrad/core/testing/arbitraries';
import {
  BertMLM, GPT, GPTModel, LayerNorm, Linear, QuestionAnswering, SequenceClassifier, TokenClassifier, Transformer, TransformerDecoder, TransformerDecoderLayer,
  TransformerEncoder, TransformerEncoderLayer, type Pooling,
} from '@tsgrad/nn';
import { type ModuleCase, moduleCase } from './helpers/grad.js';

const FC = { seed: 20250102, numRuns: 8 };
const STD = { min: -2, max: 2 };
const dim = (max = 3) => fc.integer({ min: 1, max });
const idsArb = (B: number, T: number, V: number) =>
  fc.array(fc.integer({ min: 1, max: V - 1 }), { minLength: B * T, maxLength: B * T }).map((v) => fromArray(Int32Array.from(v), [B, T]));

/**
 * Adds a fixed ramp along the features, so no LayerNorm sees a constant row (shrinking drives
 * inputs to zeros, where (x - mean) / sqrt(var + eps) is so curved that central differences fail).
 */
const ramp = (x: Tensor) => x.add(tensor(Array.from({ length: x.shape[x.ndim - 1]! }, (_, i) => 0.9 * i - 0.4 * i * i), { dtype: 'float64' }));

const layerOpts = fc.record({
  heads: fc.constantFrom(1, 2), headDim: dim(2), F: dim(4), T: dim(), S: dim(), B: dim(2), normFirst: fc.boolean(),
  activation: fc.constantFrom('relu' as const, 'gelu' as const), batchFirst: fc.boolean(), causal: fc.boolean(), bias: fc.boolean(),
});

/** Random layer shapes and options; the layer in float64 with dropout 0. */
const encoderLayerCase = layerOpts.chain((o) => {
  const E = o.heads * o.headDim;
  return tensorArb(o.batchFirst ? [o.B, o.T, E] : [o.T, o.B, E], STD).map((x) => {
    const m = new TransformerEncoderLayer(E, o.heads, { dimFeedforward: o.F, dropout: 0, activation: o.activation, normFirst: o.normFirst, batchFirst: o.batchFirst, bias: o.bias }).to('float64');
    return moduleCase(m, [x], (a) => m.forward(ramp(a), { isCausal: o.causal }));
  });
});

const decoderLayerCase = layerOpts.chain((o) => {
  const E = o.heads * o.headDim;
  const shape = (T: number) => (o.batchFirst ? [o.B, T, E] : [T, o.B, E]);
  return fc.tuple(tensorArb(shape(o.T), STD), tensorArb(shape(o.S), STD)).map(([tgt, mem]) => {
    const m = new TransformerDecoderLayer(E, o.heads, { dimFeedforward: o.F, dropout: 0, activation: o.activation, normFirst: o.normFirst, batchFirst: o.batchFirst, bias: o.bias }).to('float64');
    return moduleCase(m, [tgt, mem], (a, b) => m.forward(ramp(a), ramp(b!), { tgtIsCausal: o.causal }));
  });
});

const stackCase = layerOpts.chain((o) => {
  const E = o.heads * o.headDim;
  const shape = (T: number) => (o.batchFirst ? [o.B, T, E] : [T, o.B, E]);
  return fc.tuple(tensorArb(shape(o.T), STD), tensorArb(shape(o.S), STD), fc.integer({ min: 0, max: 2 })).map(([src, tgt, kind]) => {
    const lo = { dimFeedforward: o.F, dropout: 0, activation: o.activation, normFirst: o.normFirst, batchFirst: o.batchFirst, bias: o.bias };
    if (kind === 0) {
      const m = new TransformerEncoder(new TransformerEncoderLayer(E, o.heads, lo), 2, { norm: new LayerNorm(E) }).to('float64');
      return moduleCase(m, [src], (a) => m.forward(ramp(a), { isCausal: o.causal }));
    }
    if (kind === 1) {
      const m = new TransformerDecoder(new TransformerDecoderLayer(E, o.heads, lo), 2, { norm: new LayerNorm(E) }).to('float64');
      return moduleCase(m, [tgt, src], (a, b) => m.forward(ramp(a), ramp(b!), { tgtIsCausal: o.causal }));
    }
    const m = new Transformer({ dModel: E, nhead: o.heads, numEncoderLayers: 1, numDecoderLayers: 1, ...lo }).to('float64');
    return moduleCase(m, [src, tgt], (a, b) => m.forward(ramp(a), ramp(b!), { tgtIsCausal: o.causal }));
  });
});

const modelCase = fc.record({
  kind: fc.constantFrom('gpt', 'gpt-untied', 'bert', 'seq-gpt', 'seq-bert', 'token', 'qa'),
  positional: fc.constantFrom('learned' as const, 'sinusoidal' as const, 'rope' as const),
  pooling: fc.constantFrom<Pooling>('cls', 'last', 'mean', 'max', 'mean+max'),
  B: dim(2), T: dim(4), V: fc.integer({ min: 3, max: 6 }), padLast: fc.boolean(),
}).chain((o) =>
  idsArb(o.B, o.T, o.V).map((ids) => {
    manualSeed(o.T * 7 + o.V);
    const gpt = { vocabSize: o.V, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 4, dimFeedforward: 6, positional: o.positional };
    const bert = { vocabSize: o.V, maxPositions: 4, nLayer: 2, nHead: 2, nEmbd: 4, dimFeedforward: 6, padId: 0, dropout: 0 };
    // right padding: the last token of row 0 becomes padding (never the only token)
    const padded = o.padLast && o.T > 1 ? ids.where(tensor(Array.from({ length: o.B * o.T }, (_, i) => !(i === o.T - 1)), { shape: [o.B, o.T] }), 0) : ids;
    const kpm = padded.eq(0);
    // BERT's padding row gets no gradient by design (paddingIdx): outputs at padding positions are masked out
    const keep = kpm.logicalNot().unsqueeze(-1);
    const run = (m: { forward(ids: Tensor, opts?: { keyPaddingMask?: Tensor | null }): Tensor }, opts?: object) => () => {
      const y = m.forward(padded, opts);
      return y.ndim === 3 ? y.mul(keep) : y;
    };
    switch (o.kind) {
      case 'gpt': { const m = new GPT(gpt).to('float64'); return moduleCase(m, [], run(m)); }
      case 'gpt-untied': { const m = new GPT({ ...gpt, tieWeights: false }).to('float64'); return moduleCase(m, [], run(m)); }
      case 'bert': { const m = new BertMLM(bert).to('float64').eval(); return moduleCase(m, [], run(m)); }
      case 'seq-gpt': { const m = new SequenceClassifier({ body: { arch: 'gpt', ...gpt }, numLabels: 3, pooling: o.pooling, classifierDropout: 0 }).to('float64'); return moduleCase(m, [], run(m, { keyPaddingMask: kpm })); }
      case 'seq-bert': { const m = new SequenceClassifier({ body: { arch: 'bert', ...bert }, numLabels: 2, pooling: o.pooling, classifierDropout: 0 }).to('float64'); return moduleCase(m, [], run(m)); }
      case 'qa': { const m = new QuestionAnswering({ body: { arch: 'bert', ...bert }, classifierDropout: 0 }).to('float64'); return moduleCase(m, [], run(m)); }
      default: { const m = new TokenClassifier({ body: { arch: 'bert', ...bert }, numLabels: 2, classifierDropout: 0 }).to('float64'); return moduleCase(m, [], run(m)); }
    }
  }));

describe('gradients of Transformer blocks and models (float64)', () => {
  test('moduleCase routes gradients to the parameter leaves (the checks below are not vacuous)', () => {
    const lin = new Linear(2, 3).to('float64');
    const x = tensor([[1, -2]], { dtype: 'float64' });
    const c = moduleCase(lin, [x], (a) => lin.forward(a));
    expect(c.names).toEqual(['weight', 'bias']);
    const [gw, gb] = autograd.grad(c.f(...c.inputs).sum(), [c.inputs[1]!, c.inputs[2]!]);
    expect(gw!.tolist()).toEqual([[1, -2], [1, -2], [1, -2]]);
    expect(gb!.tolist()).toEqual([1, 1, 1]);
  });

  const full = (c: ModuleCase, name: string) => gradcheck(c.f, c.inputs, { name, atol: 1e-6, rtol: 1e-5 });
  const vjp = (c: ModuleCase, name: string) => {
    for (const seed of [1, 2]) checkVjp(c.f, c.inputs, { name, seed, rtol: 1e-6, atol: 1e-9 });
  };

  test('TransformerEncoderLayer: full Jacobian (post/pre-norm, relu/gelu, layouts, causal, bias)', () => {
    fc.assert(fc.property(encoderLayerCase, (c) => full(c, 'TransformerEncoderLayer')), { ...FC, numRuns: 12 });
  });

  test('TransformerDecoderLayer: full Jacobian', () => {
    fc.assert(fc.property(decoderLayerCase, (c) => full(c, 'TransformerDecoderLayer')), { ...FC, numRuns: 8 });
  });

  test('TransformerEncoder, TransformerDecoder, Transformer: VJP in random directions', () => {
    fc.assert(fc.property(stackCase, (c) => vjp(c, 'stack')), { ...FC, numRuns: 18 });
  });

  test('GPT (learned, sinusoidal, RoPE; tied and untied), BertMLM, SequenceClassifier, TokenClassifier, QuestionAnswering: VJP w.r.t. all parameters', () => {
    fc.assert(fc.property(modelCase, (c) => vjp(c, 'model')), { ...FC, numRuns: 42 });
  });

  test('GPTModel with a key padding mask (right padding)', () => {
    manualSeed(5);
    const m = new GPTModel({ vocabSize: 5, blockSize: 4, nLayer: 1, nHead: 2, nEmbd: 4 }).to('float64');
    const ids = tensor([[1, 2, 0, 0], [3, 4, 1, 0]], { dtype: 'int32' });
    vjp(moduleCase(m, [], () => m.forward(ids, { keyPaddingMask: ids.eq(0) })), 'GPTModel');
  });
});
