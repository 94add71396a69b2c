// sampleTokens: batched greedy/temperature/top-k/top-p sampling on tensors, with frequencies worked
// out by hand, and the device path (bisection for the thresholds) drawing what the CPU draws.
import { afterAll, describe, expect, test } from 'vitest';
import { Generator, setBackend, shutdownBackend, tensor } from '@tsgrad/core';
import { sampleTokens } from '@tsgrad/nn';

const freqs = (logits: number[][], opts: Parameters<typeof sampleTokens>[1], n = 3000) => {
  const rows = Array.from({ length: n }, () => logits).flat();
  const ids = sampleTokens(tensor(rows), { ...opts, generator: new Generator(2) }).tolist() as number[];
  return logits.map((l, r) => l.map((_, v) => ids.filter((id, i) => i % logits.length === r && id === v).length / n));
};

describe('sampleTokens', () => {
  test('greedy picks each row\'s first maximum; the leading dims are kept', () => {
    expect(sampleTokens(tensor([[0, 5, 5, 1], [9, 0, 0, 9]]), { temperature: 0 }).tolist()).toEqual([1, 0]);
    expect(sampleTokens(tensor([[[1, 2]], [[3, 0]]]), { temperature: 0 }).shape).toEqual([2, 1]);
  });

  test('each row is its own softmax; temperature sharpens it', () => {
    // row 0: softmax [0, ln 3] = [1/4, 3/4]; row 1 at temperature 0.5: softmax [0, 2 ln 3] = [1/10, 9/10]
    const [r0] = freqs([[0, Math.log(3)]], {});
    expect(Math.abs(r0![1]! - 0.75)).toBeLessThan(0.04);
    const [r1] = freqs([[0, Math.log(3)]], { temperature: 0.5 });
    expect(Math.abs(r1![1]! - 0.9)).toBeLessThan(0.03);
  });

  test('topK keeps the k largest of each row, ties with the k-th included', () => {
    const [a, b] = freqs([[3, 2, 1, 0], [0, 1, 1, 5]], { topK: 2 });
    expect(a![2]! + a![3]!).toBe(0);
    expect(Math.abs(a![0]! - Math.E / (Math.E + 1))).toBeLessThan(0.04); // e^3 / (e^3 + e^2)
    // row [0, 1, 1, 5] with k = 2: the k-th value 1 is tied, so {1, 2, 3} stay
    expect(b![0]).toBe(0);
    expect(b![1]! + b![2]!).toBeGreaterThan(0);
  });

  test('topP keeps the smallest most likely set reaching p', () => {
    const l = [0.6, 0.3, 0.1].map(Math.log);
    expect(freqs([l], { topP: 0.5 })[0]).toEqual([1, 0, 0]);
    const [p8] = freqs([l], { topP: 0.8 }); // {0, 1} renormalised: [2/3, 1/3]
    expect(p8![2]).toBe(0);
    expect(Math.abs(p8![0]! - 2 / 3)).toBeLessThan(0.04);
    // topK first, then topP on what is left: [0.5, 0.3, 0.2] -> topK 2 gives [5/8, 3/8] -> topP 0.6 keeps {0}
    expect(freqs([[0.5, 0.3, 0.2].map(Math.log)], { topK: 2, topP: 0.6 })[0]).toEqual([1, 0, 0]);
  });

  test('invalid options are refused', () => {
    expect(() => sampleTokens(tensor([[1, 2]]), { topP: 1.5 })).toThrow(/topP must be in \(0, 1\]/);
    expect(() => sampleTokens(tensor([[1, 2]]), { topK: 1.5 })).toThrow(/topK must be a positive integer/);
  });
});

describe('on the gpu backend (gpu.js cpu mode)', () => {
  afterAll(() => shutdownBackend());
  test('the thresholds found by bisection on the device give the CPU\'s draws', async () => {
    await setBackend('gpu', { mode: 'cpu' });
    const logits = tensor([[0.3, -1.2, 2.5, 2.5, 0.1, -0.7], [1, 1, 1, 1, 1, 1], [4, -2, 0.5, 3.9, 0, 1]]);
    for (const opts of [{ topK: 2 }, { topK: 3, topP: 0.7 }, { topP: 0.9, temperature: 0.7 }, { topP: 0.3 }]) {
      const cpu = sampleTokens(logits, { ...opts, generator: new Generator(12) }).tolist();
      const gpu = await sampleTokens(logits.to('gpu'), { ...opts, generator: new Generator(12) }).data();
      expect(Array.from(gpu), JSON.stringify(opts)).toEqual(cpu);
    }
  });
});
