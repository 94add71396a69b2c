// Splits never leak, keep class shares when stratified, and are reproducible; few-label subsets are balanced.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ValueError } from '@tsgrad/core';
import { dedupe, loadSentiment, shuffled, splitDataset, takeLabelled } from '@tsgrad/train';

const count = <T>(xs: readonly T[], f: (x: T) => boolean) => xs.filter(f).length;

describe('splitDataset', () => {
  test('no text appears in two splits, and every unique text is in one', () => {
    const items = fc.array(fc.record({ text: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split('').map((c) => c.repeat(2))), label: fc.integer({ min: 0, max: 2 }) }), { minLength: 1, maxLength: 60 });
    fc.assert(fc.property(items, fc.nat(), fc.boolean(), (xs, seed, stratify) => {
      const unique = new Set(xs.map((x) => x.text));
      const nTest = Math.floor(unique.size / 3), nVal = Math.floor(unique.size / 4);
      const s = splitDataset(xs, { test: nTest, validation: nVal, seed, stratify });
      const [tr, va, te] = [s.train, s.validation, s.test].map((p) => p.map((x) => x.text));
      expect([va!.length, te!.length]).toEqual([nVal, nTest]);
      const all = [...tr!, ...va!, ...te!];
      expect(new Set(all).size).toBe(all.length); // disjoint, and no duplicate inside a split
      expect(new Set(all)).toEqual(unique);
      expect(s.duplicatesRemoved).toBe(xs.length - unique.size);
    }), { seed: 11, numRuns: 200 });
  });

  test('on the sentiment data: duplicates dropped first, stratified splits keep the class shares', () => {
    const data = loadSentiment();
    const s = splitDataset(data, { test: 1000, validation: 300, seed: 0, stratify: true });
    const unique = dedupe(data);
    expect(s.duplicatesRemoved).toBe(3000 - unique.length);
    expect(s.duplicatesRemoved).toBeGreaterThan(0); // the UCI files repeat some sentences
    const share = count(unique, (x) => x.label === 1) / unique.length; // a little off 0.5 after deduplication
    expect(Math.abs(count(s.test, (x) => x.label === 1) - 1000 * share)).toBeLessThan(1); // largest remainder
    expect(Math.abs(count(s.validation, (x) => x.label === 1) - 300 * share)).toBeLessThan(1);
    expect(s.train.length).toBe(unique.length - 1300);
    const trainTexts = new Set(s.train.map((x) => x.text));
    expect(s.test.some((x) => trainTexts.has(x.text))).toBe(false);
  });

  test('fractions, seeds and bad sizes', () => {
    const data = Array.from({ length: 10 }, (_, i) => ({ text: `t${i}`, label: i % 2 }));
    const a = splitDataset(data, { test: 0.2, validation: 0.1, seed: 3 });
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([7, 1, 2]);
    expect(splitDataset(data, { test: 0.2, validation: 0.1, seed: 3 })).toEqual(a);
    const orders = new Set([1, 2, 3, 4, 5].map((seed) => splitDataset(data, { test: 3, seed }).test.map((x) => x.text).join()));
    expect(orders.size).toBeGreaterThan(1);
    expect(() => splitDataset(data, { test: 8, validation: 3, seed: 0 })).toThrow(/exceed the 10 unique examples/);
    expect(() => splitDataset(data, { test: 1.5, seed: 0 })).toThrow(ValueError);
  });
});

describe('takeLabelled and helpers', () => {
  const data = [
    ...Array.from({ length: 100 }, (_, i) => ({ text: `p${i}`, label: 1 })),
    ...Array.from({ length: 100 }, (_, i) => ({ text: `n${i}`, label: 0 })),
    ...Array.from({ length: 3 }, (_, i) => ({ text: `r${i}`, label: 2 })),
  ];

  test('balanced: equal shares; a small class gives its rest to the others; odd slots go one each', () => {
    const a = takeLabelled(data, 20, { seed: 0 });
    expect(a.length).toBe(20);
    expect(count(a, (x) => x.label === 2)).toBe(3); // all of the rare class
    expect(Math.abs(count(a, (x) => x.label === 0) - count(a, (x) => x.label === 1))).toBeLessThanOrEqual(1); // 17 split 9/8
    const b = takeLabelled(data, 50, { seed: 1 });
    expect(count(b, (x) => x.label === 0) + count(b, (x) => x.label === 1)).toBe(47);
    const c = takeLabelled(data.slice(0, 200), 51, { seed: 2 });
    expect([count(c, (x) => x.label === 0), count(c, (x) => x.label === 1)].sort()).toEqual([25, 26]);
    expect(new Set(c.map((x) => x.text)).size).toBe(51);
    expect(takeLabelled(data, 20, { seed: 0 })).toEqual(a);
    expect(() => takeLabelled(data, 500, { seed: 0 })).toThrow(/n must be a whole number in \[0, 203\]/);
  });

  test('dedupe keeps first occurrences; shuffled is a seeded permutation', () => {
    expect(dedupe([{ text: 'a', label: 1 }, { text: 'b', label: 0 }, { text: 'a', label: 0 }])).toEqual([{ text: 'a', label: 1 }, { text: 'b', label: 0 }]);
    const xs = Array.from({ length: 50 }, (_, i) => i);
    const s = shuffled(xs, 7);
    expect([...s].sort((p, q) => p - q)).toEqual(xs);
    expect(s).toEqual(shuffled(xs, 7));
    expect(s).not.toEqual(xs);
  });
});

test('splitDataset handles collections too large to spread into push (CMUdict has 125k words)', () => {
  const many = Array.from({ length: 200_000 }, (_, i) => ({ text: `w${i}` }));
  const s = splitDataset(many, { test: 10, validation: 5, seed: 0 });
  expect([s.train.length, s.validation.length, s.test.length]).toEqual([199_985, 5, 10]);
});
