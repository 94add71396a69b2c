// Dynamic quantisation of models: QuantizedLinear on hand-worked values, quantizeDynamic's layer
// replacement (fields, arrays, containers, shared layers, skip lists) and its outputs within the
// int8 error bound of the float model, and the int8 file: I8 weights and F32 scales on disk, about
// a quarter of the float file, loaded back by loadModel into the same quantised model.

import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, noGrad, ones, randint, tensor, type Tensor } from '@tsgrad/core';
import {
  Embedding, GPT, Linear, loadModel, Module, ModuleDict, ModuleList, MultiheadAttention, QuantizedEmbedding, QuantizedLinear, quantizeDynamic,
  quantizedModuleNames, ReLU, saveModel, SequenceClassifier, Sequential, serializeSafetensors, TransformerEncoderLayer,
} from '@tsgrad/nn';

const f = Math.fround;

/** The safetensors header of a file's bytes. */
function header(bytes: Uint8Array): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as never;
}

describe('QuantizedLinear', () => {
  test('fromFloat quantises the weight per output row and keeps the bias; forward dequantises', () => {
    const lin = new Linear(3, 2);
    lin.loadStateDict({ weight: tensor([[1, -0.5, 0.25], [0, 2, -2]]), bias: tensor([0.5, -1]) });
    const q = QuantizedLinear.fromFloat(lin);
    // row 0: max 1 -> [127, -63.5 -> -64 (halves to even), 31.75 -> 32]; row 1: max 2 -> [0, 127, -127]
    expect(q.weight_int8.tolist()).toEqual([[127, -64, 32], [0, 127, -127]]);
    expect(q.weight_scale.tolist()).toEqual([f(1 / 127), f(2 / 127)]);
    expect(q.bias!.tolist()).toEqual([0.5, -1]);
    expect(q.dequantizedWeight().tolist()[1]).toEqual([0, f(127 * f(2 / 127)), f(-127 * f(2 / 127))]);
    // x = [1, 1, 1]: all 127; acc = [127 * 95, 0]; y = acc * sx * sw + b
    const y = q.forward(tensor([[1, 1, 1]])).tolist() as number[][];
    expect(y[0]![0]).toBeCloseTo(127 * 95 / 127 / 127 + 0.5, 5);
    expect(y[0]![1]).toBeCloseTo(-1, 6);
    expect(q.numParameters()).toBe(0);
    expect(q.toString()).toBe('QuantizedLinear(in_features=3, out_features=2, dtype=qint8)');
  });

  test('names the layer and the shapes on a bad input', () => {
    const q = QuantizedLinear.fromFloat(new Linear(3, 2));
    expect(() => q.forward(ones([2, 4]))).toThrow(/QuantizedLinear.*inFeatures = 3/s);
  });
});

class Net extends Module {
  enc = new Linear(4, 6);
  blocks = [new Linear(6, 6), new Linear(6, 6)];
  seq = new Sequential(new Linear(6, 6), new ReLU());
  list = new ModuleList([new Linear(6, 6)]);
  dict = new ModuleDict({ head: new Linear(6, 3) });
  attn = new MultiheadAttention(6, 2, { batchFirst: true });
  forward(x: Tensor): Tensor {
    let h = this.enc.forward(x).relu();
    for (const b of this.blocks) h = b.forward(h).relu();
    h = this.list.at(0).forward(this.seq.forward(h) as Tensor);
    h = this.attn.forward(h, h, h)[0];
    return (this.dict.get('head') as Linear | QuantizedLinear).forward(h);
  }
}

describe('quantizeDynamic', () => {
  test('replaces every Linear (fields, arrays, containers, attention out_proj) and the attention in-projection in a copy, and freezes the rest', () => {
    manualSeed(1);
    const net = new Net();
    const q = quantizeDynamic(net);
    expect(quantizedModuleNames(q)).toEqual(['enc', 'blocks.0', 'blocks.1', 'seq.0', 'list.0', 'dict.head', 'attn', 'attn.out_proj']);
    expect(quantizedModuleNames(net)).toEqual([]); // the original is unchanged
    expect(q.parameters().every((p) => !p.requiresGrad)).toBe(true);
    expect(net.parameters().every((p) => p.requiresGrad)).toBe(true);
    const keys = Object.keys(q.stateDict());
    expect(keys).toContain('blocks.1.weight_int8');
    expect(keys.filter((k) => k.startsWith('attn.in_proj'))).toEqual(['attn.in_proj_bias', 'attn.in_proj_weight_int8', 'attn.in_proj_weight_scale']);
    expect(q.attn.in_proj_weight_int8!.shape).toEqual([18, 6]);
  });

  test('attention with distinct query and key/value inputs projects each with its third of the int8 weight', () => {
    manualSeed(4);
    const mha = new MultiheadAttention(8, 2, { batchFirst: true });
    const x = tensor(Array.from({ length: 3 * 8 }, (_, i) => Math.cos(i))).reshape([1, 3, 8]);
    const m = tensor(Array.from({ length: 4 * 8 }, (_, i) => Math.sin(2 * i))).reshape([1, 4, 8]);
    const yf = noGrad(() => mha.forward(x, m, m, { needWeights: false })[0]).dataSync();
    const yq = quantizeDynamic(mha).forward(x, m, m, { needWeights: false })[0].dataSync();
    const scale = Math.max(...Array.from(yf, Math.abs));
    for (let i = 0; i < yf.length; i++) expect(Math.abs(yq[i]! - yf[i]!)).toBeLessThan(0.03 * scale);
  });

  test("quantises embeddings; a GPT's tied LM head reads the int8 table and keeps the float argmax", () => {
    manualSeed(5);
    const gpt = new GPT({ vocabSize: 40, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 16 });
    gpt.eval();
    const q = quantizeDynamic(gpt);
    expect(q.transformer.wte).toBeInstanceOf(QuantizedEmbedding);
    const ids = tensor([[3, 1, 4, 1, 5, 9, 2, 6]], { dtype: 'int32' });
    const lf = noGrad(() => gpt.forward(ids)), lq = q.forward(ids);
    expect(lq.shape).toEqual([1, 8, 40]);
    const d = lq.sub(lf).abs().max().item(), mag = lf.abs().max().item();
    expect(d).toBeLessThan(0.05 * mag);
    // where the float model's best logit leads the second by more than twice the largest deviation, int8 picks the same token
    const vf = lf.dataSync(), vq = lq.dataSync();
    for (let t = 0; t < 8; t++) {
      const row = Array.from(vf.subarray(t * 40, (t + 1) * 40)), rowQ = Array.from(vq.subarray(t * 40, (t + 1) * 40));
      const [a, b] = [...row].sort((u, v) => v - u);
      if (a! - b! > 2 * d) expect(rowQ.indexOf(Math.max(...rowQ))).toBe(row.indexOf(a!));
    }
    expect(quantizeDynamic(gpt, { skip: [Embedding] }).transformer.wte).toBeInstanceOf(Embedding);
  });

  test('gives outputs within the int8 error of the float model', () => {
    manualSeed(2);
    const net = new Net();
    const x = tensor(Array.from({ length: 5 * 4 }, (_, i) => Math.sin(i))).reshape([1, 5, 4]);
    const yf = noGrad(() => net.forward(x)).dataSync();
    const yq = quantizeDynamic(net).forward(x).dataSync();
    // each layer's relative error is about 1/127 of its input's and weight's magnitudes per term;
    // through 7 layers the outputs (of magnitude ~0.5) stay within a few percent
    const scale = Math.max(...Array.from(yf, Math.abs));
    for (let i = 0; i < yf.length; i++) expect(Math.abs(yq[i]! - yf[i]!)).toBeLessThan(0.05 * scale);
  });

  test("fuses each Transformer layer's GELU or ReLU into its first int8 linear: the same bits as unfused, the float model untouched", () => {
    manualSeed(7);
    const gpt = new GPT({ vocabSize: 40, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16 });
    gpt.eval();
    const ids = tensor([[3, 1, 4, 1, 5, 9, 2, 6]], { dtype: 'int32' });
    const [fused, plain] = [quantizeDynamic(gpt), quantizeDynamic(gpt, { fuse: false })];
    const layer = fused.transformer.h.at(0);
    expect((layer.linear1 as unknown as QuantizedLinear).activation).toBe('gelu');
    expect(String(layer.linear1)).toBe('QuantizedLinear(in_features=16, out_features=64, dtype=qint8, activation=gelu)');
    expect((layer.linear2 as unknown as QuantizedLinear).activation).toBe('none');
    expect((plain.transformer.h.at(0).linear1 as unknown as QuantizedLinear).activation).toBe('none');
    expect(layer.activation(ones([2])).tolist()).toEqual([1, 1]); // the layer's own GELU became the identity
    expect(gpt.transformer.h.at(0).activation(ones([1])).item()).toBeCloseTo(0.8413, 4); // the float model keeps its GELU
    const [a, b] = [fused.forward(ids).dataSync(), plain.forward(ids).dataSync()];
    expect(Array.from(a)).toEqual(Array.from(b));
    // ReLU layers fuse the same way; a custom activation function stays where it is
    const enc = new Sequential(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'relu', batchFirst: true }),
      new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: (x: Tensor) => x.tanh(), batchFirst: true }));
    enc.eval();
    const qe = quantizeDynamic(enc);
    expect([0, 1].map((i) => (qe.at(i) as TransformerEncoderLayer).linear1 as unknown as QuantizedLinear).map((l) => l.activation)).toEqual(['relu', 'none']);
    const x = tensor(Array.from({ length: 2 * 3 * 8 }, (_, i) => Math.sin(i * 1.3))).reshape([2, 3, 8]);
    expect(Array.from(qe.forward(x).dataSync())).toEqual(Array.from(quantizeDynamic(enc, { fuse: false }).forward(x).dataSync()));
  });

  test('a linear1 that another module also holds is not fused (no activation follows it there)', () => {
    manualSeed(8);
    const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, activation: 'gelu', batchFirst: true });
    const model = new ModuleDict({ layer, probe: new Sequential(layer.linear1) });
    model.eval();
    const q = quantizeDynamic(model);
    const ql = q.get('layer') as TransformerEncoderLayer;
    expect((ql.linear1 as unknown as QuantizedLinear).activation).toBe('none');
    expect(ql.linear1).toBe((q.get('probe') as Sequential).at(0)); // still one shared int8 layer
    const x = tensor(Array.from({ length: 3 * 8 }, (_, i) => Math.cos(i))).reshape([1, 3, 8]);
    const plain = quantizeDynamic(model, { fuse: false });
    expect(Array.from(ql.forward(x).dataSync())).toEqual(Array.from((plain.get('layer') as TransformerEncoderLayer).forward(x).dataSync()));
    const probe = (q.get('probe') as Sequential).forward(x);
    expect(Array.from(probe.dataSync())).toEqual(Array.from((plain.get('probe') as Sequential).forward(x).dataSync()));
    expect(probe.min().item()).toBeLessThan(-0.2); // below GELU's minimum (about -0.17): no GELU was fused into the probe's product
  });

  test('skips layers or subtrees by name and by class, quantises only the named ones, shares a shared layer', () => {
    const shared = new Linear(2, 2);
    const model = new Sequential(shared, new ReLU(), shared, new Sequential(new Linear(2, 2)));
    const q = quantizeDynamic(model);
    expect(q.at(0)).toBeInstanceOf(QuantizedLinear);
    expect(q.at(0)).toBe(q.at(2));
    expect(quantizedModuleNames(quantizeDynamic(model, { skip: ['3'] }))).toEqual(['0']);
    expect(quantizedModuleNames(quantizeDynamic(model, { skip: [Sequential] }))).toEqual(['0']); // the inner Sequential and what it holds
    expect(quantizedModuleNames(quantizeDynamic(model, { skip: ['3.0'] }))).toEqual(['0']); // the shared layer, listed once
    expect(quantizedModuleNames(quantizeDynamic(model, { modules: ['3.0'] }))).toEqual(['3.0']);
    const same = quantizeDynamic(model, { inplace: true });
    expect(same).toBe(model);
    expect(model.at(3)).toBeInstanceOf(Sequential);
    expect(quantizedModuleNames(model)).toEqual(['0', '3.0']);
  });

  test('names an unknown module in the error', () => {
    expect(() => quantizeDynamic(new Sequential(new Linear(2, 2)), { skip: ['head'] })).toThrow(/quantizeDynamic.*'head'/s);
  });
});

describe('the int8 file', () => {
  test('stores I8 weights and F32 scales, under a third of the float data, and loads back quantised', async () => {
    manualSeed(3);
    const dir = mkdtempSync(join(tmpdir(), 'tsgrad-quant-'));
    const clf = SequenceClassifier.fromConfig({ body: { arch: 'gpt', vocabSize: 50, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 32 }, numLabels: 3 });
    clf.eval();
    const q = quantizeDynamic(clf);
    await saveModel(join(dir, 'f32.safetensors'), clf);
    await saveModel(join(dir, 'int8.safetensors'), q);
    const bytes = readFileSync(join(dir, 'int8.safetensors'));
    const h = header(bytes);
    const w = h['transformer.h.0.linear1.weight_int8']!;
    expect(w.dtype).toBe('I8');
    expect(w.shape).toEqual([128, 32]);
    expect(w.data_offsets[1] - w.data_offsets[0]).toBe(128 * 32); // one byte a weight
    expect(h['transformer.h.0.linear1.weight_scale']!.dtype).toBe('F32');
    expect(h['classifier.bias']!.dtype).toBe('F32');
    expect(JSON.parse((h as unknown as { __metadata__: Record<string, string> }).__metadata__['tsgrad.quantization']!)).toEqual({
      scheme: 'dynamic-int8', modules: quantizedModuleNames(q),
    });
    // the data: one byte per int8 value, four per float32 (scales, biases, norms, learned positions)
    const state = q.stateDict();
    const dataBytes = Object.entries(state).reduce((n, [k, t]) => n + t.numel() * (k.endsWith('weight_int8') ? 1 : 4), 0);
    const ends = Object.entries(h).filter(([k]) => k !== '__metadata__').map(([, v]) => v.data_offsets[1]);
    expect(Math.max(...ends)).toBe(dataBytes);
    // 2 blocks x 12 x 32^2 int8 weights and the 50 x 32 token table, a quarter of their float bytes,
    // plus the float scales, biases, norms and positions (many, in so small a model): below a third
    const floatBytes = Object.values(clf.stateDict()).reduce((n, t) => n + 4 * t.numel(), 0);
    expect(dataBytes / floatBytes).toBeLessThan(1 / 3);
    expect(statSync(join(dir, 'int8.safetensors')).size).toBeLessThan(0.35 * statSync(join(dir, 'f32.safetensors')).size); // with the headers

    const back = (await loadModel(join(dir, 'int8.safetensors'))) as SequenceClassifier;
    back.eval();
    expect(quantizedModuleNames(back)).toEqual(quantizedModuleNames(q));
    const ids = randint(0, 50, [2, 8], { dtype: 'int32' });
    expect(back.forward(ids).tolist()).toEqual(q.forward(ids).tolist());
  });

  test('serializeSafetensors writes I8 on request and refuses values out of range or non-int32 tensors', () => {
    const bytes = serializeSafetensors({ a: tensor([-128, 5, 127], { dtype: 'int32' }), b: tensor([1.5]) }, undefined, { storeAs: { a: 'I8' } });
    const h = header(bytes);
    expect(h['a']).toEqual({ dtype: 'I8', shape: [3], data_offsets: [4, 7] }); // after b's F32 (larger dtypes first)
    const start = bytes.length - 7;
    expect(Array.from(new Int8Array(bytes.buffer, bytes.byteOffset + start + 4, 3))).toEqual([-128, 5, 127]);
    expect(() => serializeSafetensors({ a: tensor([128], { dtype: 'int32' }) }, undefined, { storeAs: { a: 'I8' } })).toThrow(/"a" holds 128.*I8/);
    expect(() => serializeSafetensors({ a: tensor([1.5]) }, undefined, { storeAs: { a: 'I8' } })).toThrow(/"a".*I8.*float32/);
  });
});
