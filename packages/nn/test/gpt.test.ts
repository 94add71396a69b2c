// The GPT family: a golden forward against a plain-JS reference, KV-cache decoding equal to the
// full forward, a tiny model that memorises a string and regenerates it greedily, and checkpoints.

import { describe, expect, test } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, type Tensor, cat, crossEntropy, fromArray, manualSeed, noGrad, randint, tensor, zerosLike } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import { GPT, type GPTConfig, readModelFile, loadModel, sampleToken, saveModel } from '@tsgrad/nn';
import { encoderLayerState, encoderLayerWeights, mat, t64 } from './helpers/fixtures.js';
import { type Mat, add, affine, causalRef, encoderLayerRef, geluExact, layerNormRows, values } from './helpers/reference.js';

describe('GPT forward', () => {
  test('golden: wte + wpe, pre-norm causal gelu blocks, ln_f, logits against the tied embedding', () => {
    const cfg: GPTConfig = { vocabSize: 5, blockSize: 4, nLayer: 2, nHead: 2, nEmbd: 4, dimFeedforward: 6 };
    const gpt = new GPT(cfg).to('float64');
    const wte = mat(5, 4, 1, 1);
    const wpe = mat(4, 4, 2, 1);
    const blocks = [encoderLayerWeights(4, 6, 3), encoderLayerWeights(4, 6, 4)];
    const g = values(4, 5, 0.3).map((v) => 1 + v);
    const b = values(4, 6, 0.2);
    const report = gpt.loadStateDict({
      'transformer.wte.weight': t64(wte), 'transformer.wpe.weight': t64(wpe),
      ...encoderLayerState(blocks[0]!, 'transformer.h.0.'), ...encoderLayerState(blocks[1]!, 'transformer.h.1.'),
      'transformer.ln_f.weight': t64(g), 'transformer.ln_f.bias': t64(b),
    });
    expect(report.missingKeys).toEqual([]);
    const ids = [3, 0, 4, 1];
    const logits = gpt.forward(tensor([ids], { dtype: 'int32' }));
    let x: Mat = ids.map((id, t) => wte[id]!.map((v, j) => v + wpe[t]![j]!));
    for (const w of blocks) x = encoderLayerRef(x, w, 2, true, geluExact, causalRef(4));
    const ref = affine(layerNormRows(x, g, b), wte); // tied head: h wte^T
    assertClose(logits.select(0, 0), ref.flat(), { rtol: 1e-9, atol: 1e-11 });
  });

  test('untied head has lm_head.weight; the tied head sends gradient to wte from both ends', () => {
    manualSeed(0);
    const untied = new GPT({ vocabSize: 7, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4, tieWeights: false });
    expect(Object.keys(untied.stateDict()).slice(-1)).toEqual(['lm_head.weight']);
    const tied = new GPT({ vocabSize: 7, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 });
    expect(Object.keys(tied.stateDict())).not.toContain('lm_head.weight');
    tied.forward(tensor([[1, 2]], { dtype: 'int32' })).sum().backward();
    const gradRows = tied.transformer.wte.weight.grad!.tolist() as number[][];
    expect(gradRows[5]!.some((v) => v !== 0)).toBe(true); // token 5 is not in the input: only the head reaches it
  });

  test('loss (the head and cross-entropy fused) has the value and gradients of crossEntropy over forward, tied or not', () => {
    for (const tieWeights of [true, false]) {
      manualSeed(3);
      const gpt = new GPT({ vocabSize: 11, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 8, tieWeights });
      const idx = randint(0, 11, [3, 6], { dtype: 'int32' });
      const targets = randint(0, 11, [3, 6], { dtype: 'int32' }); // class 4 stands for ignored below
      const grads = (f: () => Tensor): [Tensor, Tensor[]] => {
        gpt.zeroGrad();
        const l = f();
        l.backward();
        return [l, gpt.parameters().map((p) => p.grad!.clone())];
      };
      const [l1, g1] = grads(() => gpt.loss(idx, targets, { ignoreIndex: 4 }));
      const [l2, g2] = grads(() => crossEntropy(gpt.forward(idx).reshape([-1, 11]), targets.reshape([-1]), { ignoreIndex: 4 }));
      assertClose(l1, l2, { rtol: 1e-6 }, `loss (tieWeights ${tieWeights})`);
      g1.forEach((g, i) => assertClose(g, g2[i]!, { rtol: 1e-4, atol: 1e-6 }, `gradient ${i} (tieWeights ${tieWeights})`));
    }
  });

  test('the context may not exceed blockSize', () => {
    const gpt = new GPT({ vocabSize: 5, blockSize: 3, nLayer: 1, nHead: 1, nEmbd: 4 });
    expect(() => gpt.forward(tensor([[1, 2, 3, 4]], { dtype: 'int32' }))).toThrow(/cannot forward a sequence of length 4, the block size is only 3/);
  });
});

describe('KV cache', () => {
  for (const positional of ['learned', 'sinusoidal', 'rope'] as const) {
    test(`decoding token by token equals the full causal forward (${positional}, float64)`, () => {
      manualSeed(4);
      const gpt = new GPT({ vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8, positional }).to('float64').eval();
      const ids = randint(0, 11, [2, 7]);
      const full = gpt.forward(ids); // (B, T, V)
      const caches = gpt.createCaches();
      const parts = [gpt.forward(ids.narrow(1, 0, 3), { caches })]; // prefill 3, then one at a time
      for (let t = 3; t < 7; t++) parts.push(gpt.forward(ids.narrow(1, t, 1), { caches }));
      assertClose(cat(parts, 1), full, { rtol: 1e-10, atol: 1e-12 });
      expect(() => gpt.forward(ids.narrow(1, 0, 2), { caches })).toThrow(/length 9, the block size is only 8/);
    });
  }
});

/** Adam (Kingma & Ba 2015) on the parameters' .grad, written here since optimizers live in @tsgrad/train. */
function adam(params: Tensor[], lr: number, [b1, b2, eps] = [0.9, 0.99, 1e-8]) {
  const m = params.map((p) => zerosLike(p));
  const v = params.map((p) => zerosLike(p));
  let t = 0;
  return () => {
    t++;
    noGrad(() => params.forEach((p, i) => {
      if (!p.grad) return;
      m[i] = m[i]!.mul(b1).add(p.grad.mul(1 - b1));
      v[i] = v[i]!.mul(b2).add(p.grad.square().mul(1 - b2));
      const step = m[i]!.div(1 - b1 ** t).div(v[i]!.div(1 - b2 ** t).sqrt().add(eps));
      p.sub_(step.mul(lr));
    }));
  };
}

describe('training', () => {
  test('a tiny GPT memorises a string to near-zero loss and greedy generation reproduces it', async () => {
    const text = 'tsgrad trains tiny transformers.';
    const chars = [...new Set(text)].sort();
    const ids = [...text].map((c) => chars.indexOf(c));
    manualSeed(1234);
    const gpt = new GPT({ vocabSize: chars.length, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 32 });
    const x = fromArray(Int32Array.from(ids.slice(0, -1)), [1, ids.length - 1]);
    const y = fromArray(Int32Array.from(ids.slice(1)), [ids.length - 1]);
    const step = adam(gpt.parameters(), 1e-2);
    let loss = Infinity;
    for (let it = 0; it < 200 && loss > 0.003; it++) {
      gpt.zeroGrad();
      const l = crossEntropy(gpt.forward(x).reshape([-1, chars.length]), y);
      loss = l.item();
      l.backward();
      step();
    }
    expect(loss).toBeLessThan(0.003);
    const out = await gpt.eval().generate([ids[0]!], { maxNewTokens: ids.length - 1, temperature: 0 });
    expect(out.map((i) => chars[i]).join('')).toBe(text);
  });
});

describe('generate', () => {
  const cfg = { vocabSize: 9, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 8 };

  test('greedy decoding through the cache equals argmax of full forwards, also past blockSize (cropping)', async () => {
    manualSeed(7);
    const gpt = new GPT(cfg).to('float64').eval();
    const out = await gpt.generate(tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' }), { maxNewTokens: 7, temperature: 0 });
    expect(out.shape).toEqual([2, 10]);
    const rows = out.tolist() as number[][];
    for (const row of rows) {
      for (let t = 3; t < row.length; t++) {
        const ctx = row.slice(Math.max(0, t - cfg.blockSize), t); // what the model may see
        const logits = gpt.forward(tensor([ctx], { dtype: 'int32' })).select(1, -1).select(0, 0);
        expect(row[t]).toBe(logits.argmax().item());
      }
    }
  });

  test('eosId stops generation; a generator makes sampling reproducible', async () => {
    manualSeed(8);
    const gpt = new GPT(cfg).eval();
    const greedy = await gpt.generate([1, 2], { maxNewTokens: 5, temperature: 0 });
    const eos = greedy[2]!;
    expect(await gpt.generate([1, 2], { maxNewTokens: 5, temperature: 0, eosId: eos })).toEqual([1, 2, eos]);
    const a = await gpt.generate([1], { maxNewTokens: 8, topK: 3, generator: new Generator(5) });
    const b = await gpt.generate([1], { maxNewTokens: 8, topK: 3, generator: new Generator(5) });
    expect(a).toEqual(b);
    expect(a).toHaveLength(9);
  });
});

describe('sampleToken', () => {
  const freq = (logits: number[], opts: Parameters<typeof sampleToken>[1], n = 4000) => {
    const g = new Generator(1);
    const counts = new Array<number>(logits.length).fill(0);
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { ...opts, generator: g })]!++;
    return counts.map((c) => c / n);
  };

  test('greedy takes the first maximum; temperature reshapes softmax', () => {
    expect(sampleToken([0, 5, 5, 1], { temperature: 0 })).toBe(1);
    const p1 = freq([0, Math.log(3)], {}); // softmax: [1/4, 3/4]
    expect(Math.abs(p1[1]! - 0.75)).toBeLessThan(0.03);
    const p2 = freq([0, Math.log(3)], { temperature: 0.5 }); // softmax(2 logits) ∝ [1, 9]
    expect(Math.abs(p2[1]! - 0.9)).toBeLessThan(0.02);
  });

  test('topK keeps the k most likely (and ties with the k-th); topP the smallest prefix reaching p', () => {
    const k2 = freq([3, 2, 1, 0], { topK: 2 });
    expect(k2[2]! + k2[3]!).toBe(0);
    expect(Math.abs(k2[0]! - Math.E / (Math.E + 1))).toBeLessThan(0.03); // e^3 / (e^3 + e^2)
    expect(freq([1, 1, 0], { topK: 1 })[2]).toBe(0);
    expect(Math.min(...freq([1, 1, 0], { topK: 1 }).slice(0, 2))).toBeGreaterThan(0.4);
    const logits = [0.6, 0.3, 0.1].map(Math.log);
    expect(freq(logits, { topP: 0.5 })).toEqual([1, 0, 0]);
    const p8 = freq(logits, { topP: 0.8 }); // {0, 1} renormalised: [2/3, 1/3]
    expect(p8[2]).toBe(0);
    expect(Math.abs(p8[0]! - 2 / 3)).toBeLessThan(0.03);
  });

  test('invalid options are refused', () => {
    expect(() => sampleToken([1, 2], { topP: 0 })).toThrow(/topP must be in \(0, 1\]/);
    expect(() => sampleToken([1, 2], { topK: 0 })).toThrow(/topK must be a positive integer/);
    expect(() => sampleToken([1, 2], { temperature: -1 })).toThrow(/temperature must be >= 0/);
  });
});

describe('checkpoints', () => {
  test('saveModel / loadModel restore the config and the weights', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsgrad-nn-'));
    try {
      manualSeed(9);
      const gpt = new GPT({ vocabSize: 9, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 8, positional: 'rope' });
      const file = join(dir, 'gpt.safetensors');
      await saveModel(file, gpt);
      const ck = await readModelFile(file);
      expect(ck.modelType).toBe('gpt');
      expect(ck.config).toEqual(gpt.config);
      expect(Object.keys(ck.state).sort()).toEqual(Object.keys(gpt.stateDict()).sort());
      const back = (await loadModel(file)) as GPT;
      expect(back).toBeInstanceOf(GPT);
      const ids = tensor([[1, 2, 3]], { dtype: 'int32' });
      expect(back.forward(ids).tolist()).toEqual(gpt.forward(ids).tolist());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
