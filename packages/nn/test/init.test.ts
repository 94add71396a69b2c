// torch.nn.init: fans and gains, the bounds and spreads of each initialiser, reproducibility under
// a seed, and the reset_parameters of Linear, Embedding, MultiheadAttention and Transformer.

import { describe, expect, test } from 'vitest';
import { Generator, manualSeed, zeros, type Tensor } from '@tsgrad/core';
import {
  Embedding, Linear, MultiheadAttention, Transformer, calculateFanInAndFanOut, calculateGain, constant_, kaimingNormal_,
  kaimingUniform_, normal_, ones_, truncNormal_, uniform_, xavierNormal_, xavierUniform_, zeros_,
} from '@tsgrad/nn';

function stats(t: Tensor): { mean: number; std: number; maxAbs: number } {
  const v = Array.from(t.dataSync());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, maxAbs: Math.max(...v.map(Math.abs)) };
}

describe('fans and gains', () => {
  test('as PyTorch computes them', () => {
    expect(calculateFanInAndFanOut(zeros([3, 4]))).toEqual([4, 3]);
    expect(calculateFanInAndFanOut(zeros([5, 3, 2, 2]))).toEqual([12, 20]); // in * receptive field, out * receptive field
    expect(() => calculateFanInAndFanOut(zeros([4]))).toThrow('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
    expect(calculateGain('linear')).toBe(1);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(calculateGain('selu')).toBe(0.75);
  });
});

describe('initialisers', () => {
  test('uniform_, normal_, constant_, ones_, zeros_', () => {
    const u = stats(uniform_(zeros([20000]), -2, 3, { generator: new Generator(1) }));
    expect(u.maxAbs).toBeLessThanOrEqual(3);
    expect(u.mean).toBeCloseTo(0.5, 1);
    expect(u.std).toBeCloseTo(5 / Math.sqrt(12), 1); // (b - a) / sqrt(12)
    const n = stats(normal_(zeros([20000]), 1, 0.5, { generator: new Generator(2) }));
    expect(Math.abs(n.mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(n.std / 0.5 - 1)).toBeLessThan(0.03);
    expect(constant_(zeros([2]), 0.25).tolist()).toEqual([0.25, 0.25]);
    expect(ones_(zeros([2])).tolist()).toEqual([1, 1]);
    expect(zeros_(constant_(zeros([2]), 3)).tolist()).toEqual([0, 0]);
  });

  test('xavier: bound gain * sqrt(6 / (fanIn + fanOut)); std gain * sqrt(2 / (fanIn + fanOut))', () => {
    const g = new Generator(3);
    const xu = stats(xavierUniform_(zeros([300, 200]), 2, { generator: g }));
    const bound = 2 * Math.sqrt(6 / 500);
    expect(xu.maxAbs).toBeLessThanOrEqual(bound + 1e-6);
    expect(xu.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(xu.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.02);
    const xn = stats(xavierNormal_(zeros([300, 200]), 1, { generator: g }));
    expect(Math.abs(xn.std / Math.sqrt(2 / 500) - 1)).toBeLessThan(0.02);
  });

  test('kaiming: std = gain / sqrt(fan), bound = sqrt(3) std; mode picks the fan', () => {
    const g = new Generator(4);
    const ku = stats(kaimingUniform_(zeros([256, 100]), Math.sqrt(5), 'fan_in', 'leaky_relu', { generator: g }));
    expect(ku.maxAbs).toBeLessThanOrEqual(0.1 + 1e-7); // a = sqrt(5): bound = 1 / sqrt(fanIn)
    expect(ku.maxAbs).toBeGreaterThan(0.099);
    const kn = stats(kaimingNormal_(zeros([400, 100]), 0, 'fan_out', 'relu', { generator: g }));
    expect(Math.abs(kn.std / (Math.SQRT2 / Math.sqrt(400)) - 1)).toBeLessThan(0.02);
    expect(() => kaimingUniform_(zeros([2, 2]), 0, 'fan_avg' as never)).toThrow(/mode must be/);
  });

  test('truncNormal_: inside [a, b] with the truncated normal spread', () => {
    const t = truncNormal_(zeros([20000]), 0, 1, -2, 2, { generator: new Generator(5) });
    const s = stats(t);
    expect(s.maxAbs).toBeLessThanOrEqual(2);
    // Var of N(0,1) truncated to [-2, 2]: 1 - 2 * 2 phi(2) / (Phi(2) - Phi(-2))
    const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    const expectedStd = Math.sqrt(1 - (4 * phi2) / 0.9544997361036416);
    expect(Math.abs(s.std / expectedStd - 1)).toBeLessThan(0.02);
    const narrow = stats(truncNormal_(zeros([5000]), 0.5, 0.02, 0.48, 0.52, { generator: new Generator(6) }));
    expect(Math.abs(narrow.mean - 0.5)).toBeLessThan(0.002);
  });

  test('the same seed gives the same weights; manualSeed drives the default generator', () => {
    expect(normal_(zeros([5]), 0, 1, { generator: new Generator(9) }).tolist()).toEqual(normal_(zeros([5]), 0, 1, { generator: new Generator(9) }).tolist());
    manualSeed(11);
    const a = new Linear(4, 4).weight.tolist();
    manualSeed(11);
    expect(new Linear(4, 4).weight.tolist()).toEqual(a);
  });
});

describe('reset_parameters of the layers', () => {
  test('Linear: weight and bias within 1/sqrt(inFeatures)', () => {
    const lin = new Linear(100, 300);
    const w = stats(lin.weight);
    const b = stats(lin.bias!);
    expect(w.maxAbs).toBeLessThanOrEqual(0.1 + 1e-7);
    expect(w.maxAbs).toBeGreaterThan(0.099);
    expect(b.maxAbs).toBeLessThanOrEqual(0.1 + 1e-7);
    expect(b.maxAbs).toBeGreaterThan(0.09);
  });

  test('Embedding: N(0, 1) with the padding row zero', () => {
    const e = new Embedding(200, 100, { paddingIdx: 3 });
    const s = stats(e.weight);
    expect(Math.abs(s.std - 1)).toBeLessThan(0.03);
    expect(e.weight.select(0, 3).tolist()).toEqual(new Array(100).fill(0));
  });

  test('MultiheadAttention: xavier_uniform_ in_proj, zero biases, Linear init for out_proj.weight', () => {
    const m = new MultiheadAttention(64, 4);
    const bound = Math.sqrt(6 / (64 + 3 * 64)); // in_proj_weight is (3E, E)
    expect(stats(m.in_proj_weight!).maxAbs).toBeLessThanOrEqual(bound + 1e-7);
    expect(stats(m.in_proj_weight!).maxAbs).toBeGreaterThan(0.98 * bound);
    expect(stats(m.in_proj_bias!).maxAbs).toBe(0);
    expect(stats(m.out_proj.bias!).maxAbs).toBe(0);
    expect(stats(m.out_proj.weight).maxAbs).toBeLessThanOrEqual(1 / 8 + 1e-7);
    const sep = new MultiheadAttention(8, 2, { kdim: 4, vdim: 4, addBiasKv: true });
    expect(stats(sep.k_proj_weight!).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 12) + 1e-7);
    expect(stats(sep.bias_k!).maxAbs).toBeGreaterThan(0);
  });

  test('Transformer: every parameter with more than one dim is xavier_uniform_; LayerNorms stay 1 and 0', () => {
    const m = new Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 48 });
    for (const [name, p] of m.namedParameters()) {
      if (p.ndim > 1) {
        const [fi, fo] = calculateFanInAndFanOut(p);
        expect(stats(p).maxAbs, name).toBeLessThanOrEqual(Math.sqrt(6 / (fi + fo)) + 1e-7);
      } else if (name.includes('norm')) {
        expect(new Set(p.dataSync()).size, name).toBe(1);
      }
    }
    const l0 = m.encoder.layers.at(0).linear1.weight; // (48, 16): bound sqrt(6/64), larger than Linear's 1/4
    expect(stats(l0).maxAbs).toBeGreaterThan(0.25);
  });
});
