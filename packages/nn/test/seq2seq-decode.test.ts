// Incremental decoding of Seq2SeqTransformer: decodeStep with KV caches gives the full teacher-forced
// pass's logits token by token, and the batched, cached greedy and beam search return exactly what
// a plain reference returns (one source at a time, the whole prefix recomputed every step).

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { type Tensor, fromArray, manualSeed, noGrad, randint } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import { Seq2SeqTransformer } from '@tsgrad/nn';

const PAD = 0;
const BOS = 1;
const EOS = 2;

function model(seed: number, dtype: 'float32' | 'float64' = 'float32'): Seq2SeqTransformer {
  manualSeed(seed);
  return new Seq2SeqTransformer({ srcVocab: 13, tgtVocab: 11, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 32, dropout: 0, maxLen: 12, padId: PAD }).to(dtype).eval();
}

/** Random sources (B, S) of lengths 1..S, padded with PAD. */
function sources(seed: number, B: number, S: number): Tensor {
  manualSeed(seed + 100);
  const ids = randint(3, 13, [B, S], { dtype: 'int32' }).tolist() as number[][];
  const rows = ids.map((r, b) => r.map((x, j) => (j < 1 + ((b * 7 + seed) % S) ? x : PAD)));
  return fromArray(Int32Array.from(rows.flat()), [B, S], { dtype: 'int32' });
}

/** Log-probabilities of the next token after each prefix, the whole prefix recomputed (the reference). */
function fullLogp(m: Seq2SeqTransformer, src: Tensor, prefixes: number[][]): number[][] {
  return noGrad(() => {
    const k = prefixes.length;
    const srcK = src.expand([k, src.shape[1]!]).contiguous();
    const pad = srcK.eq(PAD);
    const tgt = fromArray(Int32Array.from(prefixes.flat()), [k, prefixes[0]!.length], { dtype: 'int32' });
    return m.decodeLogits(tgt, m.encode(srcK, pad), pad).select(1, -1).logSoftmax(-1).tolist() as number[][];
  });
}

function refGreedy(m: Seq2SeqTransformer, src: Tensor, maxLength: number): number[] {
  const ids = [BOS];
  for (let t = 0; t < maxLength; t++) {
    const row = fullLogp(m, src, [ids])[0]!;
    const next = row.indexOf(Math.max(...row));
    if (next === EOS) break;
    ids.push(next);
  }
  return ids.slice(1);
}

function refBeam(m: Seq2SeqTransformer, src: Tensor, maxLength: number, beamSize: number, lenpen: number): number[] {
  let live = [{ ids: [BOS], logp: 0 }];
  const finished: { ids: number[]; score: number }[] = [];
  const norm = (lp: number, len: number) => lp / Math.pow(Math.max(1, len), lenpen);
  for (let t = 0; t < maxLength && live.length > 0; t++) {
    const logp = fullLogp(m, src, live.map((h) => h.ids));
    const cand = live.flatMap((h, i) => logp[i]!.map((x, v) => ({ ids: [...h.ids, v], logp: h.logp + x })).sort((a, b) => b.logp - a.logp).slice(0, 2 * beamSize));
    cand.sort((a, b) => b.logp - a.logp);
    live = [];
    for (const c of cand) {
      if (c.ids[c.ids.length - 1] === EOS) finished.push({ ids: c.ids.slice(1, -1), score: norm(c.logp, c.ids.length - 1) });
      else live.push(c);
      if (live.length >= beamSize) break;
    }
    if (finished.length >= beamSize) break;
  }
  for (const h of live) finished.push({ ids: h.ids.slice(1), score: norm(h.logp, h.ids.length - 1) });
  finished.sort((a, b) => b.score - a.score);
  return finished[0]!.ids;
}

describe('Seq2SeqTransformer incremental decoding', () => {
  test('decodeStep with KV caches equals the teacher-forced logits at every position (float64, padded sources)', () => {
    const m = model(0, 'float64');
    const src = sources(0, 3, 6);
    const tgt = fromArray(Int32Array.from([1, 5, 7, 3, 9, 1, 4, 4, 8, 6, 1, 10, 3, 3, 5]), [3, 5], { dtype: 'int32' });
    noGrad(() => {
      const pad = src.eq(PAD);
      const memory = m.encode(src, pad);
      const full = m.decodeLogits(tgt, memory, pad); // (3, 5, V)
      const caches = m.createCaches();
      for (let t = 0; t < 5; t++) {
        const step = m.decodeStep(tgt.narrow(1, t, 1).contiguous(), memory, pad, caches);
        assertClose(step, full.select(1, t), { rtol: 1e-10, atol: 1e-10 });
      }
      expect(caches.self.map((c) => c.length)).toEqual([5, 5]);
      expect(caches.memory[0]!.key!.shape).toEqual([3, 2, 6, 8]);
    });
  });

  test('batched, cached greedy and beam search return what the one-source, full-recompute reference returns', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 0.6, 1), async (seed, B, beamSize, lenpen) => {
      const m = model(seed);
      const src = sources(seed, B, 5);
      const maxLength = 6;
      const got = await m.decode(src, { bosId: BOS, eosId: EOS, maxLength, beamSize, lengthPenalty: lenpen });
      const want = Array.from({ length: B }, (_, b) => {
        const one = src.narrow(0, b, 1);
        return beamSize === 1 ? refGreedy(m, one, maxLength) : refBeam(m, one, maxLength, beamSize, lenpen);
      });
      expect(got).toEqual(want);
    }), { numRuns: 25, seed: 7 });
  });
});
