// The loader's defaults as PyTorch's: default_collate, a shuffle seeded from the global generator
// (or an explicit one), random_split with counts or fractions, and splitDataset's explicit dedupe.

import { describe, expect, test } from 'vitest';
import { Generator, manualSeed, tensor, type Tensor } from '@tsgrad/core';
import { DataLoader, Subset, defaultCollate, randomSplit, splitDataset } from '../src/data/index.js';

describe('defaultCollate (PyTorch default_collate)', () => {
  test('stacks tensors, makes tensors of numbers and booleans, recurses into tuples and objects', () => {
    const b = defaultCollate([
      { x: tensor([1, 2]), y: 3, w: 0.5, ok: true, pair: [tensor([1]), 7] as [Tensor, number], name: 'a' },
      { x: tensor([4, 5]), y: 6, w: 1, ok: false, pair: [tensor([2]), 8] as [Tensor, number], name: 'b' },
    ]);
    expect(b.x.tolist()).toEqual([[1, 2], [4, 5]]);
    expect([b.y.dtype, b.y.tolist()]).toEqual(['int32', [3, 6]]); // integers: an integer tensor
    expect([b.w.dtype, b.w.tolist()]).toEqual(['float64', [0.5, 1]]); // PyTorch: Python floats -> float64
    expect([b.ok.dtype, b.ok.tolist()]).toEqual(['bool', [true, false]]);
    expect(b.pair[0].tolist()).toEqual([[1], [2]]);
    expect(b.pair[1].tolist()).toEqual([7, 8]);
    expect(b.name).toEqual(['a', 'b']); // strings stay a list
    expect(() => defaultCollate([tensor([1]), tensor([1, 2])])).toThrow(/one shape to stack/);
  });

  test('is the loader\'s collateFn when none is given', () => {
    const loader = new DataLoader([[tensor([1, 2]), 0], [tensor([3, 4]), 1], [tensor([5, 6]), 0]] as [Tensor, number][], { batchSize: 2 });
    const [x, y] = loader.next();
    expect(x.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(y.tolist()).toEqual([0, 1]);
  });
});

describe('DataLoader shuffling', () => {
  const order = (l: DataLoader<number, Tensor>) => [...l].flatMap((b) => b.tolist() as number[]);
  const items = [...Array(20).keys()];
  test('without a generator it follows manualSeed, as PyTorch does', () => {
    manualSeed(5);
    const a = order(new DataLoader(items, { batchSize: 5, shuffle: true }));
    manualSeed(5);
    const b = order(new DataLoader(items, { batchSize: 5, shuffle: true }));
    manualSeed(6);
    const c = order(new DataLoader(items, { batchSize: 5, shuffle: true }));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect([...a].sort((p, q) => p - q)).toEqual(items);
  });

  test('an explicit generator gives the order of that seed, whatever the global seed', () => {
    manualSeed(1);
    const a = order(new DataLoader(items, { batchSize: 5, shuffle: true, generator: new Generator(3) }));
    manualSeed(2);
    const b = order(new DataLoader(items, { batchSize: 5, shuffle: true, generator: new Generator(3) }));
    const c = order(new DataLoader(items, { batchSize: 5, shuffle: true, seed: 3 }));
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect(() => new DataLoader(items, { batchSize: 5, seed: 1, generator: new Generator(1) })).toThrow(/generator or seed/);
  });
});

describe('randomSplit and Subset (torch.utils.data.random_split)', () => {
  test('fractions: floor(f n) each, the remainder handed out from the first subset', () => {
    const sizes = (n: number, f: number[]) => randomSplit([...Array(n).keys()], f, { generator: new Generator(0) }).map((s) => s.length);
    expect(sizes(30, [0.3, 0.3, 0.4])).toEqual([9, 9, 12]); // PyTorch's documented example
    expect(sizes(11, [0.5, 0.5])).toEqual([6, 5]);
    expect(sizes(10, [0.33, 0.33, 0.34])).toEqual([4, 3, 3]); // floors 3, 3, 3; one left -> the first
  });

  test('counts: disjoint subsets covering the dataset, the same for the same generator seed', () => {
    const data = ['a', 'b', 'c', 'd', 'e', 'f', 'a'];
    const [x, y] = randomSplit(data, [5, 2], { generator: new Generator(4) });
    expect([...x!.indices, ...y!.indices].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]); // the repeated 'a' is kept
    expect(randomSplit(data, [5, 2], { generator: new Generator(4) })[0]!.indices).toEqual(x!.indices);
    expect(x!.at(0)).toBe(data[x!.indices[0]!]);
    expect(new Subset(data, [6, 0]).at(-1)).toBe('a');
    expect(() => randomSplit(data, [3, 3])).toThrow(/summing to the dataset's length \(7\)/);
  });
});

describe('splitDataset deduplication is an explicit option', () => {
  const data = [{ text: 'x', label: 0 }, { text: 'y', label: 1 }, { text: 'x', label: 0 }, { text: 'z', label: 1 }];
  test('on by default and reported; dedupe: false keeps every item', () => {
    expect(splitDataset(data, { test: 1, seed: 0 }).duplicatesRemoved).toBe(1);
    const kept = splitDataset(data, { test: 1, seed: 0, dedupe: false });
    expect(kept.duplicatesRemoved).toBe(0);
    expect(kept.train.length + kept.test.length).toBe(4);
    expect(splitDataset([{ label: 1 }, { label: 2 }], { test: 1, seed: 0, dedupe: false }).train.length).toBe(1); // no text needed
    expect(() => splitDataset([{ label: 1 }], { seed: 0 })).toThrow(/needs a text on every item/);
  });
});
