// Extractive question answering, as BERT's SQuAD head (Devlin et al. 2019): a Linear gives every
// token a start and an end logit; the loss is the mean of the start and end cross-entropies; the
// answer is the span start <= end < start + maxAnswerLen with the largest summed logits.

import { withDefaults } from '../config.js';
import { ShapeError, type Tensor, ValueError, crossEntropy } from '@tsgrad/core';
import { Dropout } from '../layers/activation.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import { BertModel } from './bert.js';
import { type Body, type BodyConfig, buildBody } from './heads.js';
import { initTransformerWeights } from './init-weights.js';

/** Config of QuestionAnswering; saved beside the weights. */
export interface QuestionAnsweringConfig {
  /** The body's config (a BERT body reads the question and the context both ways). */
  body: BodyConfig;
  /** Dropout before `qa_outputs` (default 0.1). */
  classifierDropout?: number;
}

/**
 * Span extraction (BERT's SQuAD head): `transformer` body, dropout and `qa_outputs`, a Linear
 * C -> 2 applied at every token; channel 0 is the start logit, channel 1 the end logit. Keys:
 * `transformer.…`, `qa_outputs.weight`, `qa_outputs.bias` (Hugging Face's BertForQuestionAnswering names).
 *
 * # Shapes
 * - ids: (B, T) int32; keyPaddingMask: (B, T) bool, true = padding
 * - output: (B, T, 2) — `out.select(-1, 0)` start logits, `out.select(-1, 1)` end logits
 *
 * @example
 * const qa = QuestionAnswering.fromConfig({ body: { arch: 'bert', vocabSize: 16, maxPositions: 8, nLayer: 1, nHead: 2, nEmbd: 8, padId: 0 } });
 * qa.forward(tensor([[5, 6, 7, 0]], { dtype: 'int32' })).shape; // [1, 4, 2]
 */
export class QuestionAnswering extends Module {
  /** The model-file type name. */
  static readonly modelType = 'question-answering';
  /** The full config. */
  readonly config: Required<QuestionAnsweringConfig>;
  /** The body (load pretrained `transformer.*` weights into it). */
  transformer: Body;
  /** Dropout before the span logits. */
  drop: Dropout;
  /** C -> 2: start and end logits. */
  qa_outputs: Linear;

  /**
   * @param config - Body and dropout.
   */
  constructor(config: QuestionAnsweringConfig) {
    super();
    this.config = withDefaults({ classifierDropout: 0.1 }, config) as Required<QuestionAnsweringConfig>;
    this.transformer = buildBody(config.body);
    this.drop = new Dropout(this.config.classifierDropout);
    this.qa_outputs = new Linear(this.transformer.config.nEmbd, 2);
    initTransformerWeights(this.qa_outputs);
  }

  /**
   * `new QuestionAnswering(config)`.
   * @param config - Body and dropout.
   * @returns A freshly initialised model.
   */
  static fromConfig(config: QuestionAnsweringConfig): QuestionAnswering {
    return new QuestionAnswering(config);
  }

  /**
   * Start and end logits at every token.
   * @param ids - Token ids (B, T) int32.
   * @param opts - `keyPaddingMask` (B, T) bool, true = padding (default for a BERT body with a padId: ids == padId).
   * @returns Logits (B, T, 2): start in channel 0, end in channel 1.
   */
  forward(ids: Tensor, opts: { keyPaddingMask?: Tensor | null } = {}): Tensor {
    if (ids.ndim !== 2) throw new ShapeError('QuestionAnswering', 'expected token ids of shape (B, T)', { ids: ids.shape });
    const body = this.transformer;
    const kpm = opts.keyPaddingMask !== undefined ? opts.keyPaddingMask : body instanceof BertModel && body.config.padId !== null ? ids.eq(body.config.padId) : null;
    const h = body.forward(ids, { keyPaddingMask: kpm }); // (B, T, C)
    return this.qa_outputs.forward(this.drop.forward(h)); // (B, T, 2)
  }
}

/**
 * BERT's span loss: (CE(start logits, start) + CE(end logits, end)) / 2, each the mean over the batch.
 * Positions may be masked out of the softmax beforehand by filling their logits with -Infinity.
 *
 * # Shapes
 * - logits: (B, T, 2); start, end: (B) int32 token positions in [0, T)
 * - output: a scalar
 *
 * Gradient: that of crossEntropy on each channel, halved.
 *
 * @example
 * // uniform logits over 4 tokens: each cross-entropy is log 4
 * spanLoss(zeros([1, 4, 2]), tensor([1], { dtype: 'int32' }), tensor([2], { dtype: 'int32' })).item(); // ≈ 1.3862944
 * @param logits - Span logits (B, T, 2) from {@link QuestionAnswering}.
 * @param start - Gold start positions (B).
 * @param end - Gold end positions (B), end >= start (inclusive).
 * @returns The mean of the two cross-entropies.
 */
export function spanLoss(logits: Tensor, start: Tensor, end: Tensor): Tensor {
  if (logits.ndim !== 3 || logits.shape[2] !== 2) throw new ShapeError('spanLoss', 'expected span logits of shape (B, T, 2)', { logits: logits.shape });
  const B = logits.shape[0]!;
  if (start.ndim !== 1 || end.ndim !== 1 || start.shape[0] !== B || end.shape[0] !== B) {
    throw new ShapeError('spanLoss', `expected start and end positions of shape (${B})`, { logits: logits.shape, start: start.shape, end: end.shape });
  }
  return crossEntropy(logits.select(-1, 0), start).add(crossEntropy(logits.select(-1, 1), end)).mul(0.5);
}

/** A decoded answer span: inclusive token positions and its score. */
export interface Span {
  /** First token of the answer. */
  start: number;
  /** Last token of the answer (inclusive). */
  end: number;
  /** startLogits[start] + endLogits[end]. */
  score: number;
}

/** Options of {@link bestSpan}. */
export interface BestSpanOptions {
  /** Longest answer in tokens (default 30, as BERT's SQuAD script). */
  maxAnswerLen?: number;
  /** First position an answer may use (default 0), e.g. the context's first token. */
  from?: number;
  /** One past the last position an answer may use (default: the length). */
  to?: number;
}

/**
 * The best answer span: the pair start <= end < start + maxAnswerLen inside [from, to) with the
 * largest startLogits[start] + endLogits[end] (BERT's SQuAD decoding); ties go to the earliest
 * start, then the shortest span.
 *
 * # Shapes
 * Not applicable (plain arrays of one example's logits).
 *
 * @example
 * bestSpan([0, 5, 1, 0], [0, 1, 0, 4]); // { start: 1, end: 3, score: 9 }
 * bestSpan([0, 5, 1, 0], [0, 1, 0, 4], { maxAnswerLen: 2 }); // { start: 1, end: 1, score: 6 }
 * @param startLogits - Start logit per token.
 * @param endLogits - End logit per token.
 * @param opts - `maxAnswerLen`, and the window [`from`, `to`) answers must lie in.
 * @returns The span and its score.
 */
export function bestSpan(startLogits: ArrayLike<number>, endLogits: ArrayLike<number>, opts: BestSpanOptions = {}): Span {
  const T = startLogits.length;
  if (endLogits.length !== T) throw new ValueError('bestSpan', `start and end logits differ in length (${T} vs ${endLogits.length})`);
  const maxLen = opts.maxAnswerLen ?? 30;
  const from = opts.from ?? 0;
  const to = opts.to ?? T;
  if (!Number.isInteger(maxLen) || maxLen < 1) throw new ValueError('bestSpan', `maxAnswerLen must be a positive integer, got ${maxLen}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > T || from >= to) {
    throw new ValueError('bestSpan', `the window [${from}, ${to}) must be a non-empty range inside [0, ${T})`);
  }
  let best: Span = { start: from, end: from, score: -Infinity };
  for (let s = from; s < to; s++) {
    for (let e = s; e < Math.min(to, s + maxLen); e++) {
      const score = startLogits[s]! + endLogits[e]!;
      if (score > best.score) best = { start: s, end: e, score };
    }
  }
  return best;
}
