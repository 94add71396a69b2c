// The DataLoader: epochs, seeded reshuffling, and a saved position that resumes bit-identically.
import { describe, expect, test } from 'vitest';
import { Generator, ValueError } from '@tsgrad/core';
import { BPETokenizer, DataLoader, PackedLMDataset, collateLM, maskTokens, packSequences, type DataLoaderState } from '@tsgrad/train';

const ids = (xs: number[]) => xs;

describe('DataLoader', () => {
  test('without shuffle: batches in order, a short last batch unless dropLast', () => {
    const loader = new DataLoader([1, 2, 3, 4, 5], { batchSize: 2, collateFn: ids });
    expect(loader.length).toBe(3);
    expect([...loader]).toEqual([[1, 2], [3, 4], [5]]);
    expect(loader.epoch).toBe(0);
    expect([...loader]).toEqual([[1, 2], [3, 4], [5]]);
    expect(loader.epoch).toBe(1);
    const drop = new DataLoader([1, 2, 3, 4, 5], { batchSize: 2, dropLast: true, collateFn: ids });
    expect([...drop]).toEqual([[1, 2], [3, 4]]);
    expect(() => new DataLoader([], { batchSize: 2, collateFn: ids })).toThrow(/empty/);
    expect(() => new DataLoader([1], { batchSize: 0, collateFn: ids })).toThrow(ValueError);
  });

  test('with shuffle: each epoch is a new permutation of all items, the same for the same seed', () => {
    const data = Array.from({ length: 20 }, (_, i) => i);
    const a = new DataLoader(data, { batchSize: 6, shuffle: true, seed: 1, collateFn: ids });
    const e0 = [...a].flat(), e1 = [...a].flat();
    expect([...e0].sort((p, q) => p - q)).toEqual(data);
    expect([...e1].sort((p, q) => p - q)).toEqual(data);
    expect(e0).not.toEqual(e1);
    const b = new DataLoader(data, { batchSize: 6, shuffle: true, seed: 1, collateFn: ids });
    expect([...b].flat()).toEqual(e0);
  });

  test('a run stopped and resumed from its saved state gives the same batches and masks, bit for bit', () => {
    const tok = BPETokenizer.train('the union is strong and the people are free '.repeat(20), { vocabSize: 300, specialTokens: ['<pad>', '<eos>', '<mask>'] });
    const docs = Array.from({ length: 12 }, (_, i) => `we the people ${i}, of the united states, to form a more perfect union`);
    const stream = packSequences(docs.map((t) => tok.encode(t)), { eosId: tok.eosTokenId! });
    const ds = new PackedLMDataset(stream, 4);
    const make = () => new DataLoader(ds, { batchSize: 3, shuffle: true, seed: 42, collateFn: collateLM });
    const step = (loader: ReturnType<typeof make>, g: Generator) => {
      const batch = loader.next();
      const m = maskTokens(batch.inputIds, tok, { generator: g });
      return [Array.from(m.inputIds.dataSync()), Array.from(m.labels.dataSync()), Array.from(batch.targets.dataSync())];
    };
    const steps = Math.ceil(2.5 * make().length); // crosses two epoch boundaries
    const full = make(), fullG = new Generator(7);
    const reference = Array.from({ length: steps }, () => step(full, fullG));
    const n = make().length;
    expect(reference.slice(n, 2 * n).map((r) => r[2])).not.toEqual(reference.slice(0, n).map((r) => r[2])); // reshuffled

    for (const stopAt of [1, make().length, make().length + 2]) { // mid-epoch, exactly at an epoch end, in epoch 2
      const first = make(), g = new Generator(7);
      for (let i = 0; i < stopAt; i++) expect(step(first, g)).toEqual(reference[i]);
      const saved = JSON.parse(JSON.stringify({ loader: first.stateDict(), g: g.getState() })) as { loader: DataLoaderState; g: ReturnType<Generator['getState']> };
      const resumed = make(), g2 = new Generator(0).setState(saved.g);
      resumed.loadStateDict(saved.loader);
      expect(resumed.epoch).toBe(first.epoch);
      for (let i = stopAt; i < steps; i++) expect(step(resumed, g2)).toEqual(reference[i]);
    }
  });

  test('groupByLength: each window of batches is sorted by length, every item once per epoch, reshuffled and resumable', () => {
    const items = Array.from({ length: 50 }, (_, i) => 'x'.repeat(1 + ((i * 37) % 23))); // lengths 1..23, scattered
    const make = () => new DataLoader(items, { batchSize: 4, shuffle: true, seed: 3, collateFn: (xs: string[]) => xs, groupByLength: { lengthOf: (s) => s.length, window: 3 } });
    const loader = make();
    const epoch0 = [...loader], epoch1 = [...loader];
    for (const epoch of [epoch0, epoch1]) {
      expect(epoch.flat().sort()).toEqual([...items].sort()); // a permutation of the items
      for (let w = 0; w < epoch.length; w += 3) { // windows of 3 batches of 4
        const lens = epoch.slice(w, w + 3).flat().map((s) => s.length);
        expect(lens).toEqual([...lens].sort((a, b) => a - b));
      }
    }
    expect(epoch1).not.toEqual(epoch0);
    // padding: batches of similar lengths waste far less than the plain shuffled order does
    const waste = (batches: string[][]) => batches.reduce((a, b) => a + b.length * Math.max(...b.map((s) => s.length)) - b.reduce((c, s) => c + s.length, 0), 0);
    const plain = new DataLoader(items, { batchSize: 4, shuffle: true, seed: 3, collateFn: (xs: string[]) => xs });
    expect(waste(epoch0)).toBeLessThan(waste([...plain]) / 2);
    const first = make();
    for (let i = 0; i < 5; i++) first.next();
    const resumed = make();
    resumed.loadStateDict(JSON.parse(JSON.stringify(first.stateDict())) as DataLoaderState);
    expect(Array.from({ length: 20 }, () => resumed.next())).toEqual(Array.from({ length: 20 }, () => first.next()));
  });

  test('a state from another dataset or batch size is refused', () => {
    const a = new DataLoader([1, 2, 3], { batchSize: 2, collateFn: ids });
    a.next();
    const b = new DataLoader([1, 2, 3, 4], { batchSize: 2, collateFn: ids });
    expect(() => b.loadStateDict(a.stateDict())).toThrow(/the state is for 3 items in batches of 2/);
  });
});
