// Masked-LM corruption for BERT-style pretraining: pick ~15% of the non-special positions; of those 80% become
// <mask>, 10% a random token, 10% stay; labels hold the original id there and -100 (ignored) elsewhere.

import { fromArray, ValueError, type Generator, type Tensor } from '@tsgrad/core';
import type { Tokenizer } from '../tokenizers/types.js';

/**
 * PyTorch's `ignore_index` default: label positions that carry no loss.
 *
 * @example
 * const logits = zeros([1, 3, 4]); // (B, T, V)
 * const labels = tensor([[2, IGNORE_INDEX, IGNORE_INDEX]], { dtype: 'int32' });
 * crossEntropy(logits.view([-1, 4]), labels.view([-1]), { ignoreIndex: IGNORE_INDEX }).item(); // 1.3862... (ln 4, from one position)
 */
export const IGNORE_INDEX = -100;

/** Options for `maskTokens` (the arguments of Hugging Face's `DataCollatorForLanguageModeling`). */
export interface MaskTokensOptions {
  /** Draws every random choice; save its state with the loader's to resume exactly. */
  readonly generator: Generator;
  /** Chance that an eligible position is chosen. Default 0.15. */
  readonly mlmProbability?: number;
  /** Chance that a chosen position becomes the mask token. Default 0.8. */
  readonly maskReplaceProb?: number;
  /** Chance that a chosen position becomes a random token. Default 0.1; the rest stay unchanged. */
  readonly randomReplaceProb?: number;
}

/** Corrupted inputs and their labels. */
export interface MaskedBatch {
  /** int32, the input's shape, with chosen positions replaced. */
  readonly inputIds: Tensor;
  /** int32, the input's shape: the original id at chosen positions, `IGNORE_INDEX` (-100) elsewhere. */
  readonly labels: Tensor;
}

/**
 * BERT's masking (Devlin et al. 2019). Special tokens (padding included) are never chosen. Random replacements
 * are drawn uniformly from the non-special ids (Hugging Face draws from the whole vocabulary). The draws, in
 * row-major order over eligible positions only: `u = g.random()`, chosen if `u < mlmProbability`; then
 * `v = g.random()`: mask if `v < maskReplaceProb`, else random if `v < maskReplaceProb + randomReplaceProb`
 * (`g.randint(0, vocabSize)`, redrawn while special), else unchanged.
 * - Paper: https://arxiv.org/abs/1810.04805
 *
 * @example
 * const tok = CharTokenizer.fromText('abc', { specialTokens: ['<pad>', '<mask>'] });
 * const x = tensor([[2, 3, 0]], { dtype: 'int32' });
 * const m = maskTokens(x, tok, { generator: new Generator(0), mlmProbability: 1, maskReplaceProb: 1, randomReplaceProb: 0 });
 * m.inputIds.tolist(); // [[1, 1, 0]]
 * m.labels.tolist(); // [[2, 3, -100]]
 * @param inputIds - Token ids, int32 [B, T].
 * @param tokenizer - Its mask id, vocabulary size and special ids.
 * @param opts - `generator` and the three probabilities.
 * @returns Corrupted `inputIds` and `labels` (original ids at chosen positions, -100 elsewhere), both [B, T].
 */
export function maskTokens(inputIds: Tensor, tokenizer: Pick<Tokenizer, 'maskTokenId' | 'vocabSize' | 'allSpecialIds'>, opts: MaskTokensOptions): MaskedBatch {
  const { generator: g, mlmProbability = 0.15, maskReplaceProb = 0.8, randomReplaceProb = 0.1 } = opts;
  const maskId = tokenizer.maskTokenId;
  if (maskId === undefined) throw new ValueError('maskTokens', 'the tokenizer has no mask token', {}, "add '<mask>' to its special tokens");
  if (inputIds.dtype !== 'int32') throw new ValueError('maskTokens', `inputIds must be int32, got ${inputIds.dtype}`, { inputIds: { shape: inputIds.shape, dtype: inputIds.dtype } });
  for (const [name, p] of [['mlmProbability', mlmProbability], ['maskReplaceProb', maskReplaceProb], ['randomReplaceProb', randomReplaceProb]] as const) {
    if (!(p >= 0 && p <= 1)) throw new ValueError('maskTokens', `${name} must be in [0, 1], got ${p}`);
  }
  if (maskReplaceProb + randomReplaceProb > 1 + 1e-12) throw new ValueError('maskTokens', `maskReplaceProb + randomReplaceProb must be at most 1, got ${maskReplaceProb + randomReplaceProb}`);
  const special = new Set(tokenizer.allSpecialIds);
  if (special.size >= tokenizer.vocabSize && randomReplaceProb > 0) throw new ValueError('maskTokens', 'every id is special: there is no random token to draw');
  const src = inputIds.dataSync();
  const ids = Int32Array.from(src);
  const labels = new Int32Array(ids.length).fill(IGNORE_INDEX);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (special.has(id)) continue;
    if (g.random() >= mlmProbability) continue;
    labels[i] = id;
    const v = g.random();
    if (v < maskReplaceProb) {
      ids[i] = maskId;
    } else if (v < maskReplaceProb + randomReplaceProb) {
      let r = g.randint(0, tokenizer.vocabSize);
      while (special.has(r)) r = g.randint(0, tokenizer.vocabSize);
      ids[i] = r;
    }
  }
  return { inputIds: fromArray(ids, [...inputIds.shape], { dtype: 'int32' }), labels: fromArray(labels, [...inputIds.shape], { dtype: 'int32' }) };
}
