// Golden values of the basic layers (hand-derived), and their gradients where the rule is specific
// (the padding row of Embedding gets none).

import { describe, expect, test } from 'vitest';
import { Generator, ones, tensor } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import { Dropout, Embedding, GELU, Identity, LayerNorm, Linear, RMSNorm, ReLU, SiLU, Sequential, Tanh } from '@tsgrad/nn';

describe('Linear', () => {
  test('y = x W^T + b, on any number of leading dims', () => {
    const lin = new Linear(2, 3);
    lin.loadStateDict({ weight: tensor([[1, 2], [3, 4], [5, 6]]), bias: tensor([0.5, -1, 2]) });
    // row 1: [1*1 + 2*(-1), 3 - 4, 5 - 6] + b; row 2: [2 + 1, 6 + 2, 10 + 3] + b
    expect(lin.forward(tensor([[1, -1], [2, 0.5]])).tolist()).toEqual([[-0.5, -2, 1], [3.5, 7, 15]]);
    expect(lin.forward(tensor([[[1, -1]], [[2, 0.5]]])).tolist()).toEqual([[[-0.5, -2, 1]], [[3.5, 7, 15]]]);
    const noBias = new Linear(2, 1, { bias: false });
    noBias.loadStateDict({ weight: tensor([[2, -3]]) });
    expect(noBias.forward(tensor([1, 1])).tolist()).toEqual([-1]);
  });

  test('Identity returns its input', () => {
    const x = ones([2]);
    expect(new Identity().forward(x)).toBe(x);
  });
});

describe('Embedding', () => {
  test('looks up rows; the padding row gets no gradient', () => {
    const emb = new Embedding(3, 2, { paddingIdx: 0 });
    emb.loadStateDict({ weight: tensor([[0, 0], [1, 2], [3, 4]]) });
    const ids = tensor([[2, 0], [1, 2]], { dtype: 'int32' });
    const y = emb.forward(ids);
    expect(y.tolist()).toEqual([[[3, 4], [0, 0]], [[1, 2], [3, 4]]]);
    y.sum().backward();
    // id 2 is used twice, id 1 once, the padding id 0 once but gets nothing
    expect(emb.weight.grad!.tolist()).toEqual([[0, 0], [1, 1], [2, 2]]);
  });

  test('the padding row starts at zero; a negative paddingIdx counts from the end', () => {
    const emb = new Embedding(4, 3, { paddingIdx: -1 });
    expect(emb.paddingIdx).toBe(3);
    expect(emb.weight.select(0, 3).tolist()).toEqual([0, 0, 0]);
    expect(() => new Embedding(4, 3, { paddingIdx: 4 })).toThrow(/paddingIdx must be within numEmbeddings/);
  });

  test('fromPretrained copies the weights and freezes them by default', () => {
    const w = tensor([[1, 2], [3, 4]]);
    const emb = Embedding.fromPretrained(w);
    expect(emb.weight.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(emb.weight.requiresGrad).toBe(false);
    expect(Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad).toBe(true);
  });
});

describe('normalization', () => {
  test('LayerNorm: (x - mean) / sqrt(var + eps) * weight + bias with the biased variance', () => {
    const ln = new LayerNorm(4, { eps: 1e-5 });
    ln.loadStateDict({ weight: tensor([1, 2, 1, 2]), bias: tensor([0, 0, 1, 1]) });
    // mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25
    const s = Math.sqrt(1.25 + 1e-5);
    const y = ln.to('float64').forward(tensor([1, 2, 3, 4], { dtype: 'float64' }));
    assertClose(y, [-1.5 / s, (2 * -0.5) / s, 0.5 / s + 1, (2 * 1.5) / s + 1], { rtol: 1e-12 });
    const plain = new LayerNorm(2, { elementwiseAffine: false });
    assertClose(plain.forward(tensor([[1, 3]])), [-1 / Math.sqrt(1 + 1e-5), 1 / Math.sqrt(1 + 1e-5)], { rtol: 1e-6 });
  });

  test('RMSNorm: x / sqrt(mean(x^2) + eps) * weight', () => {
    const n = new RMSNorm(2, { eps: 0 });
    n.loadStateDict({ weight: tensor([1, 2]) });
    // mean(x^2) = (9 + 16) / 2 = 12.5
    assertClose(n.forward(tensor([3, 4])), [3 / Math.sqrt(12.5), 8 / Math.sqrt(12.5)], { rtol: 1e-6 });
  });
});

describe('activations and dropout', () => {
  test('ReLU, GELU (exact and tanh), SiLU, Tanh at known points', () => {
    const x = tensor([-1, 0, 1], { dtype: 'float64' });
    expect(new ReLU().forward(x).tolist()).toEqual([0, 0, 1]);
    // GELU(x) = x Phi(x); Phi(1) = 0.8413447460685429
    assertClose(new GELU().forward(x), [-(1 - 0.8413447460685429), 0, 0.8413447460685429], { rtol: 1e-12 });
    const tanhGelu = 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (1 + 0.044715)));
    assertClose(new GELU('tanh').forward(tensor([1], { dtype: 'float64' })), [tanhGelu], { rtol: 1e-12 });
    assertClose(new SiLU().forward(x), [-1 / (1 + Math.E), 0, 1 / (1 + Math.exp(-1))], { rtol: 1e-12 });
    assertClose(new Tanh().forward(x), [Math.tanh(-1), 0, Math.tanh(1)], { rtol: 1e-12 });
  });

  test('Dropout: identity in eval mode; in training zeros with probability p and scales survivors by 1/(1-p)', () => {
    const x = ones([20000]);
    const d = new Dropout(0.25, { generator: new Generator(7) });
    expect(d.eval().forward(x)).toBe(x);
    const y = d.train().forward(x).dataSync();
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / y.length - 0.75)).toBeLessThan(0.015);
    const again = new Dropout(0.25, { generator: new Generator(7) }).forward(x).dataSync();
    expect(Array.from(again)).toEqual(Array.from(y)); // same seed, same mask
    expect(new Dropout(1).forward(ones([3])).tolist()).toEqual([0, 0, 0]);
    expect(() => new Dropout(1.5)).toThrow(/between 0 and 1/);
  });

  test('Sequential chains forwards', () => {
    const a = new Linear(1, 1);
    const b = new Linear(1, 1);
    a.loadStateDict({ weight: tensor([[2]]), bias: tensor([-3]) });
    b.loadStateDict({ weight: tensor([[-1]]), bias: tensor([1]) });
    // relu(2x - 3) then -y + 1: x = 1 -> relu(-1) = 0 -> 1; x = 4 -> 5 -> -4
    expect(new Sequential(a, new ReLU(), b).forward(tensor([[1], [4]])).tolist()).toEqual([[1], [-4]]);
  });
});
