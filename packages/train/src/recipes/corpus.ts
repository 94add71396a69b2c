// Text for the recipes: the pretraining corpus (SOTU speeches, split by document so validation
// text is never trained on), the sentiment task's splits, and the tokenizer trained for both.

import { ValueError } from '@tsgrad/core';
import { splitDataset, type LabelledText, type Splits } from '../data/split.js';
import { loadSentiment, loadSotu } from '../data/node.js';
import { BPETokenizer } from '../tokenizers/bpe.js';

/** Special tokens every recipe tokenizer carries (ids 0..5, in this order). */
export const SPECIAL_TOKENS = ['<pad>', '<bos>', '<eos>', '<unk>', '<mask>', '<cls>'] as const;

/** Pretraining documents, with the last `validationDocs` held out (newest speeches). */
export function sotuDocuments(validationDocs = 4): { train: string[]; validation: string[] } {
  const docs = loadSotu().sort((a, b) => a.year - b.year).map((d) => d.text);
  return { train: docs.slice(0, -validationDocs), validation: docs.slice(-validationDocs) };
}

/**
 * The sentiment task's fixed splits (as in DESIGN.md's calibration): 1,000 test and 300
 * validation sentences, stratified; the rest (about 1,700) is the pool labels are drawn from.
 */
export function sentimentSplits(seed = 0): Splits<LabelledText<number>> {
  const all = loadSentiment().map(({ text, label }) => ({ text, label }));
  return splitDataset(all, { test: 1000, validation: 300, seed, stratify: true });
}

/**
 * A byte-level BPE tokenizer with the recipe special tokens, trained on `texts`.
 * @example const tok = trainRecipeTokenizer(sotuDocuments().train, 4096);
 */
export function trainRecipeTokenizer(texts: Iterable<string>, vocabSize: number): BPETokenizer {
  if (!Number.isInteger(vocabSize) || vocabSize < SPECIAL_TOKENS.length + 256) {
    throw new ValueError('trainRecipeTokenizer', `vocabSize must be an integer >= ${SPECIAL_TOKENS.length + 256} (the specials and the 256 bytes), got ${vocabSize}`);
  }
  return BPETokenizer.train(texts, { vocabSize, specialTokens: [...SPECIAL_TOKENS], minFrequency: 2 });
}
