// Masked-LM corruption: BERT's 15% / 80-10-10 proportions, specials never chosen, and the exact draws.
import { describe, expect, test } from 'vitest';
import { Generator, ValueError, fromArray, tensor } from '@tsgrad/core';
import { IGNORE_INDEX, maskTokens } from '@tsgrad/train';

// A stand-in tokenizer: ids 0..4 special (0 pad, 4 mask), 1000 ids in all.
const tok = { vocabSize: 1000, maskTokenId: 4, allSpecialIds: [0, 1, 2, 3, 4] };

describe('maskTokens', () => {
  test('proportions: 15% of non-special positions; of those 80% mask, 10% random, 10% kept', () => {
    const B = 200, T = 128, real = 100; // the last 28 positions of each row are padding
    const g0 = new Generator(123);
    const data = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < real; t++) data[b * T + t] = g0.randint(5, 1000);
    const x = fromArray(data, [B, T], { dtype: 'int32' });
    const { inputIds, labels } = maskTokens(x, tok, { generator: new Generator(0) });
    const out = inputIds.dataSync(), lab = labels.dataSync();
    let chosen = 0, masked = 0, random = 0, kept = 0;
    for (let i = 0; i < data.length; i++) {
      if (lab[i] === IGNORE_INDEX) { expect(out[i]).toBe(data[i]); continue; }
      expect(i % T).toBeLessThan(real); // padding is never chosen
      expect(lab[i]).toBe(data[i]);
      chosen++;
      if (out[i] === 4) masked++;
      else if (out[i] === data[i]) kept++;
      else { random++; expect(out[i]).toBeGreaterThanOrEqual(5); } // random tokens are never special
    }
    // 20,000 eligible positions: sd of the chosen share is 0.0025; of the split shares about 0.007 / 0.005.
    expect(Math.abs(chosen / (B * real) - 0.15)).toBeLessThan(0.01);
    expect(Math.abs(masked / chosen - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(random / chosen - 0.1)).toBeLessThan(0.025);
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.025);
    expect(Array.from(x.dataSync())).toEqual(Array.from(data)); // the input is not changed
  });

  test('the exact outcome on a fixed seed follows the documented order of draws', () => {
    const x = tensor([[10, 11, 0, 12], [2, 13, 14, 0]], { dtype: 'int32' });
    const opts = { mlmProbability: 0.5, maskReplaceProb: 0.5, randomReplaceProb: 0.25 };
    const m = maskTokens(x, tok, { generator: new Generator(2024), ...opts });
    // Replay the documented draws: eligible positions in row-major order, u then (if chosen) v then (if random) randint.
    const g = new Generator(2024);
    const expIds: number[] = [], expLab: number[] = [];
    for (const id of [10, 11, 0, 12, 2, 13, 14, 0]) {
      if (id <= 4 || g.random() >= 0.5) { expIds.push(id); expLab.push(-100); continue; }
      expLab.push(id);
      const v = g.random();
      if (v < 0.5) expIds.push(4);
      else if (v < 0.75) { let r = g.randint(0, 1000); while (r <= 4) r = g.randint(0, 1000); expIds.push(r); } else expIds.push(id);
    }
    expect((m.inputIds.tolist() as number[][]).flat()).toEqual(expIds);
    expect((m.labels.tolist() as number[][]).flat()).toEqual(expLab);
    expect(expLab.filter((l) => l !== -100).length).toBeGreaterThan(0); // the seed exercises the chosen branch
  });

  test('limits: everything masked, nothing chosen; errors', () => {
    const x = tensor([[7, 0, 8, 3]], { dtype: 'int32' });
    const all = maskTokens(x, tok, { generator: new Generator(0), mlmProbability: 1, maskReplaceProb: 1, randomReplaceProb: 0 });
    expect(all.inputIds.tolist()).toEqual([[4, 0, 4, 3]]);
    expect(all.labels.tolist()).toEqual([[7, -100, 8, -100]]);
    const none = maskTokens(x, tok, { generator: new Generator(0), mlmProbability: 0 });
    expect(none.inputIds.tolist()).toEqual([[7, 0, 8, 3]]);
    expect(none.labels.tolist()).toEqual([[-100, -100, -100, -100]]);
    expect(() => maskTokens(x, { ...tok, maskTokenId: undefined }, { generator: new Generator(0) })).toThrow(/no mask token/);
    expect(() => maskTokens(tensor([[1]]), tok, { generator: new Generator(0) })).toThrow(/must be int32/);
    expect(() => maskTokens(x, tok, { generator: new Generator(0), maskReplaceProb: 0.95, randomReplaceProb: 0.1 })).toThrow(ValueError);
  });
});
