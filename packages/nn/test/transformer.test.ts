// Transformer blocks against plain-JS references: encoder and decoder layers (post- and pre-norm),
// the stacks with their final norm, the encoder-decoder Transformer, layer cloning, and KV caches.

import { describe, expect, test } from 'vitest';
import { type Tensor, cat, manualSeed, randn, tensor } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import {
  KVCache, LayerNorm, Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
} from '@tsgrad/nn';
import { decoderLayerState, decoderLayerWeights, encoderLayerState, encoderLayerWeights, t64 } from './helpers/fixtures.js';
import { type Mat, causalRef, decoderLayerRef, encoderLayerRef, geluExact, layerNormRows, relu, values } from './helpers/reference.js';

const [E, H, F, T, B] = [4, 2, 6, 3, 2];
const input = (n: number, seed: number) => t64(values(n * B * E, seed, 1)).reshape([n, B, E]); // (T, B, E)
const batchRows = (x: Tensor, b: number): Mat => (x.tolist() as Mat[]).map((t) => t[b]!);
const tol = { rtol: 1e-9, atol: 1e-11 };

describe('TransformerEncoderLayer', () => {
  test('post-norm (the default): norm2(x1 + ff(x1)), x1 = norm1(x + sa(x)), relu', () => {
    const w = encoderLayerWeights(E, F, 1);
    const layer = new TransformerEncoderLayer(E, H, { dimFeedforward: F, dropout: 0 }).to('float64');
    layer.loadStateDict(encoderLayerState(w));
    const x = input(T, 5);
    const y = layer.forward(x);
    for (let b = 0; b < B; b++) assertClose(y.select(1, b), encoderLayerRef(batchRows(x, b), w, H, false, relu).flat(), tol);
  });

  test('pre-norm, gelu, batchFirst, causal and a key padding mask', () => {
    const w = encoderLayerWeights(E, F, 2);
    const layer = new TransformerEncoderLayer(E, H, { dimFeedforward: F, activation: 'gelu', normFirst: true, batchFirst: true }).to('float64').eval();
    layer.loadStateDict(encoderLayerState(w));
    const x = input(T, 6).transpose(0, 1); // (B, T, E)
    const kpm = tensor([[false, false, false], [false, true, false]]);
    const y = layer.forward(x, { isCausal: true, srcKeyPaddingMask: kpm });
    const mask0 = causalRef(T);
    const mask1 = causalRef(T).map((r) => r.map((v, j) => (j === 1 ? -Infinity : v)));
    assertClose(y.select(0, 0), encoderLayerRef(batchRows(x.transpose(0, 1), 0), w, H, true, geluExact, mask0).flat(), tol);
    assertClose(y.select(0, 1), encoderLayerRef(batchRows(x.transpose(0, 1), 1), w, H, true, geluExact, mask1).flat(), tol);
  });

  test('dropout only in training; a custom activation function is used', () => {
    manualSeed(0);
    const layer = new TransformerEncoderLayer(E, H, { dimFeedforward: F, dropout: 0.5, activation: (x) => x.tanh() }).to('float64');
    const x = input(T, 7);
    expect(layer.forward(x).tolist()).not.toEqual(layer.forward(x).tolist()); // different masks
    layer.eval();
    expect(layer.forward(x).tolist()).toEqual(layer.forward(x).tolist());
    const w = encoderLayerWeights(E, F, 3);
    layer.loadStateDict(encoderLayerState(w));
    assertClose(layer.forward(x).select(1, 0), encoderLayerRef(batchRows(x, 0), w, H, false, Math.tanh).flat(), tol);
  });
});

describe('TransformerDecoderLayer', () => {
  for (const normFirst of [false, true]) {
    test(`${normFirst ? 'pre' : 'post'}-norm: self-attention (causal), cross-attention to memory, feed-forward`, () => {
      const w = decoderLayerWeights(E, F, 4);
      const layer = new TransformerDecoderLayer(E, H, { dimFeedforward: F, dropout: 0, normFirst }).to('float64');
      layer.loadStateDict(decoderLayerState(w));
      const tgt = input(T, 8);
      const mem = input(5, 9);
      const y = layer.forward(tgt, mem, { tgtMask: Transformer.generateSquareSubsequentMask(T, { dtype: 'float64' }) });
      for (let b = 0; b < B; b++) {
        assertClose(y.select(1, b), decoderLayerRef(batchRows(tgt, b), batchRows(mem, b), w, H, normFirst, relu, causalRef(T)).flat(), tol);
      }
    });
  }
});

describe('stacks and the encoder-decoder Transformer', () => {
  test('TransformerEncoder: layers in order, then the final norm; the copies start equal but are separate', () => {
    const proto = new TransformerEncoderLayer(E, H, { dimFeedforward: F, dropout: 0 });
    const enc = new TransformerEncoder(proto, 2, { norm: new LayerNorm(E) }).to('float64');
    const l0 = enc.layers.at(0);
    const l1 = enc.layers.at(1);
    expect(l0.linear1.weight.tolist()).toEqual(l1.linear1.weight.tolist());
    expect(l0.linear1.weight).not.toBe(l1.linear1.weight);
    expect(l0).not.toBe(proto);
    const [w0, w1] = [encoderLayerWeights(E, F, 10), encoderLayerWeights(E, F, 20)];
    const g = values(E, 30, 0.3).map((v) => 1 + v);
    const be = values(E, 31, 0.2);
    enc.loadStateDict({ ...encoderLayerState(w0, 'layers.0.'), ...encoderLayerState(w1, 'layers.1.'), 'norm.weight': t64(g), 'norm.bias': t64(be) });
    const x = input(T, 11);
    const y = enc.forward(x, { mask: Transformer.generateSquareSubsequentMask(T, { dtype: 'float64' }) });
    const ref = (r: Mat) => layerNormRows(encoderLayerRef(encoderLayerRef(r, w0, H, false, relu, causalRef(T)), w1, H, false, relu, causalRef(T)), g, be);
    for (let b = 0; b < B; b++) assertClose(y.select(1, b), ref(batchRows(x, b)).flat(), tol);
  });

  test('Transformer: decoder(tgt, encoder(src)) with both final norms', () => {
    const model = new Transformer({ dModel: E, nhead: H, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: F, dropout: 0 }).to('float64');
    const we = encoderLayerWeights(E, F, 40);
    const wd = decoderLayerWeights(E, F, 50);
    const [ge, bee, gd, bed] = [values(E, 60, 0.3).map((v) => 1 + v), values(E, 61, 0.2), values(E, 62, 0.3).map((v) => 1 + v), values(E, 63, 0.2)];
    model.loadStateDict({
      ...encoderLayerState(we, 'encoder.layers.0.'), 'encoder.norm.weight': t64(ge), 'encoder.norm.bias': t64(bee),
      ...decoderLayerState(wd, 'decoder.layers.0.'), 'decoder.norm.weight': t64(gd), 'decoder.norm.bias': t64(bed),
    });
    const src = input(5, 12);
    const tgt = input(T, 13);
    const y = model.forward(src, tgt, { tgtMask: Transformer.generateSquareSubsequentMask(T, { dtype: 'float64' }) });
    for (let b = 0; b < B; b++) {
      const mem = layerNormRows(encoderLayerRef(batchRows(src, b), we, H, false, relu), ge, bee);
      const out = layerNormRows(decoderLayerRef(batchRows(tgt, b), mem, wd, H, false, relu, causalRef(T)), gd, bed);
      assertClose(y.select(1, b), out.flat(), tol);
    }
    expect(() => model.forward(input(5, 1).narrow(2, 0, 2), tgt)).toThrow(/feature number of src and tgt must be equal to dModel \(4\)/);
    expect(() => model.forward(src, input(T, 1).narrow(1, 0, 1))).toThrow(/batch number of src and tgt must be equal/);
  });

  test('a causal encoder stack decoded token by token through KV caches equals the full forward', () => {
    manualSeed(2);
    const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, normFirst: true, batchFirst: true }), 2).to('float64').eval();
    const x = randn([2, 5, 8], { dtype: 'float64' });
    const full = enc.forward(x, { isCausal: true });
    const caches = [new KVCache(), new KVCache()];
    const steps = Array.from({ length: 5 }, (_, t) => enc.forward(x.narrow(1, t, 1), { isCausal: true, caches }));
    assertClose(cat(steps, 1), full, { rtol: 1e-12, atol: 1e-12 });
    const dec = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true }), 1).to('float64').eval();
    const mem = randn([2, 4, 8], { dtype: 'float64' });
    const fullDec = dec.forward(x, mem, { tgtIsCausal: true });
    const dcaches = [new KVCache()];
    const dsteps = Array.from({ length: 5 }, (_, t) => dec.forward(x.narrow(1, t, 1), mem, { tgtIsCausal: true, caches: dcaches }));
    assertClose(cat(dsteps, 1), fullDec, { rtol: 1e-12, atol: 1e-12 });
  });
});
