// State dicts: keys and shapes equal PyTorch's (written out from torch.nn), and loadStateDict's
// aggregated report, strict and non-strict modes, and in-place loading.

import { describe, expect, test } from 'vitest';
import { ones, tensor, zeros, type Tensor } from '@tsgrad/core';
import {
  Embedding, LayerNorm, Linear, MultiheadAttention, StateDictError, Transformer, TransformerDecoderLayer, TransformerEncoderLayer,
  parseSafetensors, serializeSafetensors, type Module,
} from '@tsgrad/nn';

const shapes = (m: Module) => Object.entries(m.stateDict()).map(([k, t]) => [k, [...t.shape]]);

// Expected lists: the keys and shapes torch.nn produces for the same constructor arguments
// (PyTorch 2.x: `[(k, list(v.shape)) for k, v in m.state_dict().items()]`).
const MHA_8_2 = [
  ['in_proj_weight', [24, 8]], ['in_proj_bias', [24]], ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
];
const ENC_8_2_16 = [
  ['self_attn.in_proj_weight', [24, 8]], ['self_attn.in_proj_bias', [24]], ['self_attn.out_proj.weight', [8, 8]], ['self_attn.out_proj.bias', [8]],
  ['linear1.weight', [16, 8]], ['linear1.bias', [16]], ['linear2.weight', [8, 16]], ['linear2.bias', [8]],
  ['norm1.weight', [8]], ['norm1.bias', [8]], ['norm2.weight', [8]], ['norm2.bias', [8]],
];
const DEC_8_2_16 = [
  ['self_attn.in_proj_weight', [24, 8]], ['self_attn.in_proj_bias', [24]], ['self_attn.out_proj.weight', [8, 8]], ['self_attn.out_proj.bias', [8]],
  ['multihead_attn.in_proj_weight', [24, 8]], ['multihead_attn.in_proj_bias', [24]], ['multihead_attn.out_proj.weight', [8, 8]], ['multihead_attn.out_proj.bias', [8]],
  ['linear1.weight', [16, 8]], ['linear1.bias', [16]], ['linear2.weight', [8, 16]], ['linear2.bias', [8]],
  ['norm1.weight', [8]], ['norm1.bias', [8]], ['norm2.weight', [8]], ['norm2.bias', [8]], ['norm3.weight', [8]], ['norm3.bias', [8]],
];

describe('stateDict keys and shapes equal PyTorch', () => {
  test('Linear, LayerNorm, Embedding', () => {
    expect(shapes(new Linear(4, 3))).toEqual([['weight', [3, 4]], ['bias', [3]]]);
    expect(shapes(new Linear(4, 3, { bias: false }))).toEqual([['weight', [3, 4]]]);
    expect(shapes(new LayerNorm(4))).toEqual([['weight', [4]], ['bias', [4]]]);
    expect(shapes(new LayerNorm([2, 3], { bias: false }))).toEqual([['weight', [2, 3]]]);
    expect(shapes(new LayerNorm(4, { elementwiseAffine: false }))).toEqual([]);
    expect(shapes(new Embedding(10, 4, { paddingIdx: 0 }))).toEqual([['weight', [10, 4]]]);
  });

  test('MultiheadAttention: packed, separate q/k/v (kdim, vdim), addBiasKv, no bias', () => {
    expect(shapes(new MultiheadAttention(8, 2))).toEqual(MHA_8_2);
    expect(shapes(new MultiheadAttention(8, 2, { kdim: 3, vdim: 5 }))).toEqual([
      ['q_proj_weight', [8, 8]], ['k_proj_weight', [8, 3]], ['v_proj_weight', [8, 5]], ['in_proj_bias', [24]],
      ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(shapes(new MultiheadAttention(8, 2, { addBiasKv: true }))).toEqual([
      ['in_proj_weight', [24, 8]], ['in_proj_bias', [24]], ['bias_k', [1, 1, 8]], ['bias_v', [1, 1, 8]],
      ['out_proj.weight', [8, 8]], ['out_proj.bias', [8]],
    ]);
    expect(shapes(new MultiheadAttention(8, 2, { bias: false }))).toEqual([['in_proj_weight', [24, 8]], ['out_proj.weight', [8, 8]]]);
  });

  test('TransformerEncoderLayer and TransformerDecoderLayer', () => {
    expect(shapes(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }))).toEqual(ENC_8_2_16);
    expect(shapes(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16, normFirst: true, batchFirst: true }))).toEqual(DEC_8_2_16);
    expect(Object.keys(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, bias: false }).stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight',
    ]);
  });

  test('Transformer: encoder.layers.i.*, encoder.norm.*, decoder.layers.i.*, decoder.norm.*', () => {
    const m = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16 });
    const expected = [
      ...ENC_8_2_16.map(([k, s]) => [`encoder.layers.0.${k as string}`, s]),
      ...ENC_8_2_16.map(([k, s]) => [`encoder.layers.1.${k as string}`, s]),
      ['encoder.norm.weight', [8]], ['encoder.norm.bias', [8]],
      ...DEC_8_2_16.map(([k, s]) => [`decoder.layers.0.${k as string}`, s]),
      ['decoder.norm.weight', [8]], ['decoder.norm.bias', [8]],
    ];
    expect(shapes(m)).toEqual(expected);
  });
});

describe('loadStateDict', () => {
  const good = () => ({ weight: tensor([[1, 2], [3, 4]]), bias: tensor([5, 6]) });

  test('reports every missing, unexpected and mis-shaped key in one error, and copies nothing', () => {
    const lin = new Linear(2, 2);
    const before = lin.weight.tolist();
    let err: unknown;
    try {
      lin.loadStateDict({ weight: zeros([3, 2]), extra: zeros([1]), other: zeros([1]) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    const msg = (err as Error).message;
    expect(msg).toContain('Error(s) in loading state_dict for Linear:');
    expect(msg).toContain('\tMissing key(s) in state_dict: "bias".');
    expect(msg).toContain('\tUnexpected key(s) in state_dict: "extra", "other".');
    expect(msg).toContain('\tsize mismatch for weight: copying a param with shape [3, 2] from checkpoint, the shape in current model is [2, 2].');
    expect((err as StateDictError).report).toEqual({
      missingKeys: ['bias'], unexpectedKeys: ['extra', 'other'], mismatched: [{ key: 'weight', checkpoint: [3, 2], model: [2, 2] }],
    });
    expect(lin.weight.tolist()).toEqual(before);
  });

  test('strict: false returns missing and unexpected keys and loads the rest', () => {
    const lin = new Linear(2, 2);
    const report = lin.loadStateDict({ weight: tensor([[1, 2], [3, 4]]), junk: ones([3]) }, { strict: false });
    expect(report).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['junk'], mismatched: [] });
    expect(lin.weight.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  test('a size mismatch throws even when not strict (as PyTorch), unless ignoreMismatched', () => {
    const lin = new Linear(2, 2);
    expect(() => lin.loadStateDict({ weight: zeros([2, 3]) }, { strict: false })).toThrow(/size mismatch for weight/);
    const report = lin.loadStateDict({ weight: zeros([2, 3]), bias: tensor([7, 8]) }, { strict: false, ignoreMismatched: true });
    expect(report.mismatched).toEqual([{ key: 'weight', checkpoint: [2, 3], model: [2, 2] }]);
    expect(lin.bias!.tolist()).toEqual([7, 8]);
  });

  test('copies in place without autograd: the Parameter objects (held by optimizers) see the new values', () => {
    const lin = new Linear(2, 2);
    const held: Tensor[] = lin.parameters(); // what an optimizer keeps
    lin.loadStateDict(good());
    expect(held[0]).toBe(lin.weight);
    expect(held[0]!.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(lin.weight.isLeaf && lin.weight.requiresGrad && lin.weight.grad === null).toBe(true);
    lin.to('float64').loadStateDict(good()); // float32 values into a float64 model
    expect(lin.weight.dtype).toBe('float64');
    expect(lin.forward(tensor([[1, 1]], { dtype: 'float64' })).tolist()).toEqual([[8, 13]]);
  });

  test('a state dict round-trips through safetensors into a fresh model with the same outputs', () => {
    const a = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).eval();
    const b = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }).eval();
    const { tensors } = parseSafetensors(serializeSafetensors(a.stateDict(), { format: 'pt' }));
    expect(b.loadStateDict(tensors)).toEqual({ missingKeys: [], unexpectedKeys: [], mismatched: [] });
    const x = tensor(Array.from({ length: 3 * 2 * 8 }, (_, i) => Math.sin(i)), { shape: [3, 2, 8] });
    expect(b.forward(x).tolist()).toEqual(a.forward(x).tolist());
  });
});
