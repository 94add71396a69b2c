// Text for the recipes: the pretraining corpus (SOTU speeches, split by document so validation
// text is never trained on), the sentiment task's splits, and the tokenizer trained for both.

import { ValueError } from '@tsgrad/core';
import { splitDataset, type LabelledText, type Splits } from '../data/split.js';
import { loadBrown, loadMobyDick, loadNlpCorpus, loadSentiment, loadSotu, type CorpusDocument } from '../data/node.js';
import { nearDuplicates } from '../data/dedupe.js';
import { BPETokenizer } from '../tokenizers/bpe.js';

/**
 * Special tokens every recipe tokenizer carries (ids 0..5, in this order).
 * @example SPECIAL_TOKENS.indexOf('<mask>'); // 4
 */
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<unk>', '<mask>', '<cls>'] as const;

/**
 * Pretraining documents, with the last `validationDocs` held out (newest speeches).
 * @param validationDocs - How many of the newest speeches to hold out.
 * @returns The training and validation texts (Node only: reads the SOTU package).
 * @example
 * const { train, validation } = sotuDocuments(4);
 * [train.length, validation.length]; // [229, 4]
 */
export function sotuDocuments(validationDocs = 4): {
  /** The older speeches. */
  train: string[];
  /** The newest `validationDocs` speeches. */
  validation: string[];
} {
  const docs = loadSotu().sort((a, b) => a.year - b.year).map((d) => d.text);
  return { train: docs.slice(0, -validationDocs), validation: docs.slice(-validationDocs) };
}

/**
 * The built-in pretraining corpora.
 * @example CORPORA.includes('brown'); // true
 */
export const CORPORA = ['sotu', 'brown', 'moby-dick', 'nlp-corpus'] as const;
/** One of {@link CORPORA}. */
export type CorpusName = (typeof CORPORA)[number];

/** What one corpus contributed to a mix. */
export interface CorpusStats {
  /** Documents trained on. */
  trainDocs: number;
  /** Documents held out. */
  validationDocs: number;
  /** Characters trained on. */
  trainChars: number;
  /** Characters held out. */
  validationChars: number;
  /** Sentences removed as (near) duplicates of the task's sentences. */
  droppedSentences: number;
}

/** What `pretrainingCorpus` returns: documents by split and what went into them. */
export interface PretrainingCorpus {
  /** Training documents. */
  train: string[];
  /** Held-out documents (whole documents, never trained on). */
  validation: string[];
  /** Per corpus: documents and characters in each split, and sentences dropped as duplicates of the task. */
  sources: Record<string, CorpusStats>;
}

/**
 * A mix of the built-in corpora, split by document: SOTU holds out its 4 newest speeches, the
 * others every 50th document (at least one). nlp-corpus's sentences that repeat or nearly repeat
 * any sentiment sentence (train, validation or test) are removed first ({@link nearDuplicates}).
 * Every document is used once per pass: the mix is proportional to the corpora's sizes.
 * @param names - Which corpora (Node only; brown, moby-dick and nlp-corpus need their packages).
 * @returns The documents and per-corpus counts.
 * @example
 * const c = pretrainingCorpus(['sotu']);
 * c.sources['sotu']!.validationDocs; // 4
 */
export function pretrainingCorpus(names: readonly CorpusName[]): PretrainingCorpus {
  const out: PretrainingCorpus = { train: [], validation: [], sources: {} };
  for (const name of names) {
    let dropped = 0;
    let docs: CorpusDocument[];
    let held: (i: number, n: number) => boolean = (i) => i % 50 === 49;
    if (name === 'sotu') {
      const { train, validation } = sotuDocuments(4);
      docs = [...train, ...validation].map((text, i) => ({ id: `sotu/${i}`, text }));
      held = (i, n) => i >= n - 4;
    } else if (name === 'brown') docs = loadBrown();
    else if (name === 'moby-dick') docs = loadMobyDick();
    else if (name === 'nlp-corpus') {
      const task = loadSentiment().map((e) => e.text);
      docs = loadNlpCorpus().map((d) => {
        const lines = d.text.split('\n');
        const dup = nearDuplicates(lines, task);
        dropped += dup.filter(Boolean).length;
        return { id: d.id, text: lines.filter((_, i) => !dup[i]).join('\n') };
      });
    } else throw new ValueError('pretrainingCorpus', `unknown corpus '${String(name)}'`, {}, `use ${CORPORA.join(', ')}`);
    const stats: CorpusStats = { trainDocs: 0, validationDocs: 0, trainChars: 0, validationChars: 0, droppedSentences: dropped };
    docs.forEach((d, i) => {
      const v = held(i, docs.length);
      (v ? out.validation : out.train).push(d.text);
      if (v) (stats.validationDocs++, (stats.validationChars += d.text.length));
      else (stats.trainDocs++, (stats.trainChars += d.text.length));
    });
    out.sources[name] = stats;
  }
  return out;
}

/**
 * The sentiment task's fixed splits (the calibrated benchmark's): 1,000 test and 300
 * validation sentences, stratified; the rest (about 1,700) is the pool labels are drawn from.
 * @param seed - Seed of the split.
 * @param opts - `dedupe`: remove repeated sentences first (default true; the count is in `duplicatesRemoved`).
 * @returns The splits.
 * @example
 * const s = sentimentSplits(0);
 * [s.test.length, s.validation.length]; // [1000, 300]
 */
export function sentimentSplits(seed = 0, opts: { dedupe?: boolean } = {}): Splits<LabelledText<number>> {
  const all = loadSentiment().map(({ text, label }) => ({ text, label }));
  return splitDataset(all, { test: 1000, validation: 300, seed, stratify: true, dedupe: opts.dedupe });
}

/**
 * A byte-level BPE tokenizer with the recipe special tokens, trained on `texts`.
 * @param texts - The training texts.
 * @param vocabSize - The vocabulary size (at least 262).
 * @returns The tokenizer, with {@link SPECIAL_TOKENS} as ids 0..5.
 * @example
 * const tok = trainRecipeTokenizer(['the cat sat on the mat', 'the dog sat'], 300);
 * tok.padTokenId; // 0
 * tok.decode(tok.encode('the cat')); // 'the cat'
 */
export function trainRecipeTokenizer(texts: Iterable<string>, vocabSize: number): BPETokenizer {
  if (!Number.isInteger(vocabSize) || vocabSize < SPECIAL_TOKENS.length + 256) {
    throw new ValueError('trainRecipeTokenizer', `vocabSize must be an integer >= ${SPECIAL_TOKENS.length + 256} (the specials and the 256 bytes), got ${vocabSize}`);
  }
  return BPETokenizer.train(texts, { vocabSize, specialTokens: [...SPECIAL_TOKENS], minFrequency: 2 });
}
