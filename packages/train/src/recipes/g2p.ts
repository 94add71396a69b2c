// The sequence-to-sequence recipe: grapheme-to-phoneme conversion on CMUdict with an
// encoder-decoder Transformer, teacher forcing, greedy and beam decoding, and word / phoneme
// error rates.

import { Generator, ValueError, crossEntropy, manualSeed } from '@tsgrad/core';
import { Seq2SeqTransformer, type Seq2SeqConfig } from '@tsgrad/nn';
import { padTokenIds } from '../data/collate.js';
import { DataLoader } from '../data/dataloader.js';
import { dedupe, splitDataset } from '../data/split.js';
import { loadCmudict } from '../data/node.js';
import { train, type TrainResult } from '../loop.js';
import { errorRate } from '../metrics.js';
import { AdamW } from '../optim/adam.js';
import { lrLambda, warmupCosine } from '../schedule.js';
import { decayGroups } from './param-groups.js';
import type { LogOptions } from '../loop-types.js';

const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;
const [PAD, BOS, EOS, UNK] = [0, 1, 2, 3];

/**
 * A symbol vocabulary (characters or phonemes) with the four specials first.
 * @example
 * const v = new SymbolVocab(['K', 'AE', 'T', 'K']);
 * v.size; // 7
 * v.encode(['K', 'AE', 'Z']); // [5, 4, 3]
 * v.decode([1, 5, 4, 6, 2]); // ['K', 'AE', 'T']
 */
export class SymbolVocab {
  /** `<pad>`, `<bos>`, `<eos>`, `<unk>`, then the symbols sorted. */
  readonly symbols: string[];
  private readonly ids: Map<string, number>;
  /** @param symbols - The symbols seen (duplicates are fine). */
  constructor(symbols: Iterable<string>) {
    this.symbols = [...SPECIALS, ...[...new Set(symbols)].sort()];
    this.ids = new Map(this.symbols.map((s, i) => [s, i]));
  }
  /** Number of ids. */
  get size(): number {
    return this.symbols.length;
  }
  /**
   * Symbols to ids (unknown symbols to `<unk>`, 3).
   * @param xs - The symbols.
   * @returns Their ids.
   */
  encode(xs: readonly string[]): number[] {
    return xs.map((x) => this.ids.get(x) ?? UNK);
  }
  /**
   * Ids to symbols, dropping the specials.
   * @param ids - The ids.
   * @returns The symbols.
   */
  decode(ids: readonly number[]): string[] {
    return ids.filter((i) => i > UNK).map((i) => this.symbols[i] ?? '<unk>');
  }
}

/** Options of `trainG2P`. */
export interface G2POptions {
  /** Words used for training (a random subset of CMUdict; 0 = all). */
  words?: number;
  /** Held-out words evaluated. */
  testWords?: number;
  /** Optimizer steps. */
  steps?: number;
  /** Words per batch. */
  batchSize?: number;
  /** Peak learning rate. */
  lr?: number;
  /** Model size overrides. */
  model?: Partial<Omit<Seq2SeqConfig, 'srcVocab' | 'tgtVocab' | 'padId'>>;
  /** Beam width of the beam-search evaluation. */
  beam?: number;
  /** Seed of the split, the model and the data order. */
  seed?: number;
  /** Where the model trains and decodes: 'cpu' (default) or a registered backend such as 'gpu'. */
  device?: string;
  /** Progress display and JSONL log. */
  log?: LogOptions;
}

/** Error rates of the trained model on the held-out words. */
export interface G2PResult {
  /** Word and phoneme error rates with greedy decoding. */
  greedy: {
    /** Word error rate. */
    wer: number;
    /** Phoneme error rate. */
    per: number;
  };
  /** Word and phoneme error rates with beam search. */
  beam: {
    /** Word error rate. */
    wer: number;
    /** Phoneme error rate. */
    per: number;
  };
  /** Number of training words. */
  trainWords: number;
  /** Number of held-out words. */
  testWords: number;
  /** The trained model. */
  model: Seq2SeqTransformer;
  /** The source (letter) vocabulary. */
  graphemes: SymbolVocab;
  /** The target (phoneme) vocabulary. */
  phonemes: SymbolVocab;
  /** The training history. */
  result: TrainResult;
  /** A few held-out words with reference and predicted pronunciations. */
  examples: {
    /** The spelling. */
    word: string;
    /** CMUdict's phonemes. */
    reference: string;
    /** The model's phonemes. */
    predicted: string;
  }[];
}

/**
 * Trains grapheme-to-phoneme conversion on CMUdict and reports word error rate (share of words not
 * exactly right) and phoneme error rate (edit distance / reference length), greedy and beam.
 * @param o - Data sizes, steps, model size, beam width, seed and logging.
 * @returns Error rates, the model, its vocabularies and examples.
 * @example
 * const r = await trainG2P({
 *   words: 200, testWords: 10, steps: 3, batchSize: 8, beam: 2, log: { progress: 'none' },
 *   model: { dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 },
 * });
 * r.testWords; // 10
 * r.beam.per >= 0; // true
 */
export async function trainG2P(o: G2POptions = {}): Promise<G2PResult> {
  manualSeed(o.seed ?? 0);
  const entries = dedupe(loadCmudict().map((e) => ({ text: e.word.toLowerCase(), phonemes: e.phonemes })));
  const splits = splitDataset(entries, { test: o.testWords ?? 500, validation: 0, seed: o.seed ?? 0 });
  const trainSet = o.words && o.words > 0 ? splits.train.slice(0, o.words) : splits.train;
  if (trainSet.length === 0) throw new ValueError('trainG2P', 'no training words');
  const graphemes = new SymbolVocab(trainSet.flatMap((e) => [...e.text]));
  const phonemes = new SymbolVocab(trainSet.flatMap((e) => e.phonemes));
  const maxLen = entries.reduce((m, e) => Math.max(m, e.text.length, e.phonemes.length), 0) + 1;
  const cfg: Seq2SeqConfig = { srcVocab: graphemes.size, tgtVocab: phonemes.size, dModel: 128, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 256, dropout: 0.1, maxLen, padId: PAD, ...o.model };
  const device = o.device ?? 'cpu';
  const model = new Seq2SeqTransformer(cfg).to(device);
  const pad = (rows: number[][]) => padTokenIds(rows, PAD, { device });
  const collate = (b: typeof trainSet) => ({
    src: pad(b.map((e) => graphemes.encode([...e.text]))),
    tgtIn: pad(b.map((e) => [BOS, ...phonemes.encode(e.phonemes)])),
    tgtOut: pad(b.map((e) => [...phonemes.encode(e.phonemes), EOS])),
  });
  const data = new DataLoader(trainSet, { batchSize: o.batchSize ?? 64, collateFn: collate, shuffle: true, generator: new Generator(o.seed ?? 0) });
  const steps = o.steps ?? 2000;
  const result = await train({
    model, optimizer: new AdamW(decayGroups(model, 0.01), { lr: o.lr ?? 1e-3, betas: [0.9, 0.98] }), data, steps, gradClip: 1,
    lrLambda: lrLambda(warmupCosine({ peak: 1, min: 0.05, warmup: Math.max(1, Math.round(steps / 20)), total: steps })),
    loss: (b) => crossEntropy(model.forward(b.src, b.tgtIn).reshape([-1, cfg.tgtVocab]), b.tgtOut.reshape([-1]), { ignoreIndex: PAD }),
    log: { label: 'g2p', ...o.log },
  });
  const test = splits.test;
  const refs = test.map((e) => e.phonemes);
  const decodeAll = async (beamSize: number) => {
    const out: string[][] = [];
    for (let i = 0; i < test.length; i += 128) {
      const src = pad(test.slice(i, i + 128).map((e) => graphemes.encode([...e.text])));
      for (const ids of await model.decode(src, { bosId: BOS, eosId: EOS, maxLength: maxLen, beamSize })) out.push(phonemes.decode(ids));
    }
    return out;
  };
  const greedy = await decodeAll(1);
  const beamOut = await decodeAll(o.beam ?? 4);
  const wer = (hyp: string[][]) => hyp.filter((h, i) => h.join(' ') !== refs[i]!.join(' ')).length / hyp.length;
  return {
    greedy: { wer: wer(greedy), per: errorRate(greedy, refs) },
    beam: { wer: wer(beamOut), per: errorRate(beamOut, refs) },
    trainWords: trainSet.length, testWords: test.length, model, graphemes, phonemes, result,
    examples: test.slice(0, 5).map((e, i) => ({ word: e.text, reference: refs[i]!.join(' '), predicted: beamOut[i]!.join(' ') })),
  };
}
