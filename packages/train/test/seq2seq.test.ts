// The encoder-decoder pieces: a tiny Seq2SeqTransformer memorises a few word -> phoneme pairs;
// greedy decoding and beam search then reproduce them; beam width 1 equals greedy; decoding on the
// gpu backend (gpu.js cpu mode) gives the CPU's outputs and frees what it made.

import { describe, expect, test } from 'vitest';
import { Tensor, crossEntropy, fromArray, gpuStats, manualSeed, setBackend, shutdownBackend, tensor } from '@tsgrad/core';
import { Seq2SeqTransformer } from '@tsgrad/nn';
import { AdamW } from '../src/optim/adam.js';
import { SymbolVocab } from '../src/recipes/g2p.js';

const PAIRS: [string, string[]][] = [
  ['cat', ['K', 'AE1', 'T']], ['dog', ['D', 'AO1', 'G']], ['tea', ['T', 'IY1']], ['act', ['AE1', 'K', 'T']],
  ['god', ['G', 'AA1', 'D']], ['eat', ['IY1', 'T']],
];

describe('seq2seq', () => {
  test('SymbolVocab: specials first, sorted symbols, unknowns map to <unk>', () => {
    const v = new SymbolVocab(['b', 'a', 'b']);
    expect(v.symbols).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'b']);
    expect(v.encode(['a', 'z'])).toEqual([4, 3]);
    expect(v.decode([1, 5, 4, 2])).toEqual(['b', 'a']);
  });

  test('beam search finds the likelier output that greedy decoding misses', async () => {
    // ids: 0 pad, 1 bos, 2 eos, 3 A, 4 B; the next-token distribution depends on the last token only
    const NEXT: Record<number, number[]> = {
      1: [1e-6, 1e-6, 1e-6, 0.55, 0.45], // after bos: A is likelier
      3: [1e-6, 1e-6, 0.5, 0.25, 0.25], // after A: eos 0.5, so A eos has probability 0.275
      4: [1e-6, 1e-6, 0.9, 0.05, 0.05], // after B: eos 0.9, so B eos has probability 0.405
    };
    class Table extends Seq2SeqTransformer {
      override decodeStep(tokens: Tensor): Tensor {
        const last = (tokens.tolist() as number[][]).map((r) => r[r.length - 1]!);
        return tensor(last.map((id) => (NEXT[id] ?? NEXT[4]!).map(Math.log)));
      }
    }
    const m = new Table({ srcVocab: 6, tgtVocab: 5, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, maxLen: 8, padId: 0 });
    const src = tensor([[4, 5], [5, 4]], { dtype: 'int32' });
    const opts = { bosId: 1, eosId: 2, maxLength: 4, lengthPenalty: 0 };
    expect(await m.decode(src, opts)).toEqual([[3], [3]]);
    expect(await m.decode(src, { ...opts, beamSize: 2 })).toEqual([[4], [4]]);
  });

  test('decode rejects bad input with the op and the values', async () => {
    const m = new Seq2SeqTransformer({ srcVocab: 10, tgtVocab: 10, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, maxLen: 8, padId: 0 });
    const src = fromArray(Int32Array.from([4, 5]), [1, 2], { dtype: 'int32' });
    await expect(m.decode(src, { bosId: 1, eosId: 2, maxLength: 0 })).rejects.toThrow(/Seq2SeqTransformer\.decode.*maxLength must be a positive integer, got 0/);
    await expect(m.decode(src, { bosId: 1, eosId: 2, maxLength: 4, beamSize: 0 })).rejects.toThrow(/beamSize must be a positive integer, got 0/);
    await expect(m.decode(src.reshape([2]), { bosId: 1, eosId: 2, maxLength: 4 })).rejects.toThrow(/\(B, S\), got int32 \[2\]/);
  });

  test('a tiny model memorises word -> phonemes; greedy and beam decoding reproduce them, on the CPU and on the gpu backend', async () => {
    manualSeed(0);
    const g = new SymbolVocab(PAIRS.flatMap(([w]) => [...w]));
    const p = new SymbolVocab(PAIRS.flatMap(([, ph]) => ph));
    const m = new Seq2SeqTransformer({ srcVocab: g.size, tgtVocab: p.size, dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0, maxLen: 6, padId: 0 });
    const pad = (rows: number[][]) => {
      const T = Math.max(...rows.map((r) => r.length));
      return fromArray(Int32Array.from(rows.flatMap((r) => [...r, ...new Array<number>(T - r.length).fill(0)])), [rows.length, T], { dtype: 'int32' });
    };
    const src = pad(PAIRS.map(([w]) => g.encode([...w])));
    const tgtIn = pad(PAIRS.map(([, ph]) => [1, ...p.encode(ph)]));
    const tgtOut = pad(PAIRS.map(([, ph]) => [...p.encode(ph), 2]));
    const opt = new AdamW(m.namedParameters(), { lr: 3e-3, weightDecay: 0 });
    let loss = Infinity;
    for (let step = 0; step < 300 && loss > 0.01; step++) {
      m.train();
      const l = crossEntropy(m.forward(src, tgtIn).reshape([-1, p.size]), tgtOut.reshape([-1]), { ignoreIndex: 0 });
      opt.zeroGrad();
      l.backward();
      opt.step();
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.01);
    const want = PAIRS.map(([, ph]) => ph);
    const opts = { bosId: 1, eosId: 2, maxLength: 6 };
    expect((await m.decode(src, opts)).map((ids) => p.decode(ids))).toEqual(want);
    expect((await m.decode(src, { ...opts, beamSize: 3 })).map((ids) => p.decode(ids))).toEqual(want);
    await setBackend('gpu', { mode: 'cpu' });
    try {
      m.to('gpu');
      const before = gpuStats().liveBuffers;
      expect((await m.decode(src.to('gpu'), { ...opts, beamSize: 3 })).map((ids) => p.decode(ids))).toEqual(want);
      expect((await m.decode(src.to('gpu'), opts)).map((ids) => p.decode(ids))).toEqual(want);
      expect(gpuStats().liveBuffers).toBeLessThanOrEqual(before + 2); // the two moved sources; decoding freed its own
    } finally {
      await shutdownBackend();
    }
  });
});
