// The linear probe (features of a frozen body, L2 chosen on validation) and the report's paired
// interval, on inputs whose answers are known.
import { describe, expect, test } from 'vitest';
import { manualSeed, randn, tensor } from '@tsgrad/core';
import { fitProbe, pairedInterval, pooledFeatures, summarize, trainRecipeTokenizer, MODEL_PRESETS } from '@tsgrad/train';

describe('fitProbe', () => {
  test('separates linearly separable classes, and picks the L2 strength by validation accuracy', () => {
    manualSeed(1);
    const raw = randn([200, 6]).dataSync();
    const y = Array.from({ length: 200 }, (_, i) => (raw[i * 6]! + 0.3 * raw[i * 6 + 1]! > 0 ? 1 : 0));
    // a margin of 1 along the first feature: separable by a clear gap
    const x = tensor(Array.from(raw, (v, k) => (k % 6 === 0 ? v + (2 * y[Math.floor(k / 6)]! - 1) : v)), { shape: [200, 6] });
    const [tr, va] = [{ x: x.slice(0, 0, 150), y: y.slice(0, 150) }, { x: x.slice(0, 150, 200), y: y.slice(150) }];
    const r = fitProbe(tr, va, va, { l2Grid: [1e-4, 10] });
    expect(r.validationAccuracy).toBe(1);
    expect(r.testAccuracy).toBe(r.validationAccuracy); // the same split as test here
    expect(r.l2).toBe(1e-4); // a huge penalty flattens the weights and loses accuracy
    expect(r.grid.map((g) => g.l2)).toEqual([1e-4, 10]);
    expect(r.grid[1]!.validationAccuracy).toBeLessThanOrEqual(r.grid[0]!.validationAccuracy);
  });

  test('pooledFeatures: one mean+max row per text, the same for the same text', () => {
    const tokenizer = trainRecipeTokenizer(['good great fine bad awful poor'], 300);
    const scratch = { objective: 'clm' as const, vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny };
    const f = pooledFeatures(tokenizer, { scratch }, ['good film', 'bad', 'good film']);
    expect(f.shape).toEqual([3, 2 * MODEL_PRESETS.tiny.nEmbd]);
    const rows = f.tolist() as number[][];
    expect(rows[2]).toEqual(rows[0]);
    expect(rows[1]).not.toEqual(rows[0]);
  });
});

describe('paired interval', () => {
  test('Student t with n - 1 degrees of freedom; a single pair has no spread', () => {
    const r = pairedInterval([1, 2, 3]); // mean 2, sd 1, t(2) = 4.303
    expect(r.mean).toBe(2);
    expect(r.hi - r.mean).toBeCloseTo(4.303 / Math.sqrt(3), 6);
    expect(pairedInterval([5])).toEqual({ mean: 5, lo: 5, hi: 5 });
  });

  test('summarize pairs runs by seed', () => {
    const run = (init: 'pretrained' | 'scratch', seed: number, acc: number) => ({ labels: 50, seed, init, testAccuracy: acc, testMacroF1: 0, validationAccuracy: 0, steps: 1, seconds: 1, losses: [] });
    const [row] = summarize([run('pretrained', 0, 0.7), run('scratch', 0, 0.6), run('pretrained', 1, 0.5), run('scratch', 1, 0.45)], new Map([[50, 0.55]]), new Map([[50, 0.52]]));
    expect(row!.paired.mean).toBeCloseTo(7.5, 10); // (10 + 5) / 2 points
    expect(row!.probe).toBe(0.52);
    const t1 = 12.706 * (Math.sqrt(12.5) / Math.sqrt(2));
    expect(row!.paired.lo).toBeCloseTo(7.5 - t1, 6);
  });
});
