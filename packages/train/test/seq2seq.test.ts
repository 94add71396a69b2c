// The encoder-decoder recipe pieces: a tiny Seq2SeqTransformer memorises a few word -> phoneme
// pairs; greedy decoding and beam search then reproduce them; beam width 1 equals greedy.

import { describe, expect, test } from 'vitest';
import { crossEntropy, fromArray, manualSeed, noGrad, randint } from '@tsgrad/core';
import { AdamW } from '../src/optim/adam.js';
import { SymbolVocab } from '../src/recipes/g2p.js';
import { Seq2SeqTransformer, beamDecode, greedyDecode } from '../src/recipes/seq2seq-model.js';

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

  test('beam search of width 1 equals greedy decoding', () => {
    manualSeed(3);
    const m = new Seq2SeqTransformer({ srcVocab: 12, tgtVocab: 9, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0, maxLen: 8, padId: 0 });
    const src = randint(4, 12, [3, 5]);
    const greedy = greedyDecode(m, src, 1, 2, 6);
    for (let b = 0; b < 3; b++) expect(beamDecode(m, src.narrow(0, b, 1), 1, 2, 6, 1, 0).ids).toEqual(greedy[b]);
  });

  test('a tiny model memorises word -> phonemes; greedy and beam decoding reproduce them', () => {
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
    const greedy = noGrad(() => greedyDecode(m, src, 1, 2, 6)).map((ids) => p.decode(ids));
    expect(greedy).toEqual(PAIRS.map(([, ph]) => ph));
    PAIRS.forEach(([w, ph]) => expect(p.decode(beamDecode(m, pad([g.encode([...w])]), 1, 2, 6, 3).ids)).toEqual(ph));
  });
});
