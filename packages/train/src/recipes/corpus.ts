// Text for the recipes: the pretraining corpus (SOTU speeches, split by document so validation
// text is never trained on), the sentiment task's splits, and the tokenizer trained for both.

import { ValueError } from '@tsgrad/core';
import { splitDataset, type LabelledText, type Splits } from '../data/split.js';
import { loadSentiment, loadSotu } from '../data/node.js';
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
 * The sentiment task's fixed splits (as in DESIGN.md's calibration): 1,000 test and 300
 * validation sentences, stratified; the rest (about 1,700) is the pool labels are drawn from.
 * @param seed - Seed of the split.
 * @returns The splits (duplicates removed first).
 * @example
 * const s = sentimentSplits(0);
 * [s.test.length, s.validation.length]; // [1000, 300]
 */
export function sentimentSplits(seed = 0): Splits<LabelledText<number>> {
  const all = loadSentiment().map(({ text, label }) => ({ text, label }));
  return splitDataset(all, { test: 1000, validation: 300, seed, stratify: true });
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
