// Model presets for the recipes and the rule that turns a pretraining checkpoint's config into the
// matching classifier (GPT body for causal-LM pretraining, BERT body for masked-LM).

import { ValueError } from '@tsgrad/core';
import { BertMLM, GPT, SequenceClassifier, type Pooling } from '@tsgrad/nn';

/** The size of a recipe model (shared by pretraining, fine-tuning and training from scratch). */
export interface ModelShape {
  /** Number of blocks. */
  nLayer: number;
  /** Attention heads. */
  nHead: number;
  /** Model width. */
  nEmbd: number;
  /** Context length in tokens. */
  blockSize: number;
  /** Dropout. */
  dropout: number;
  /** Feed-forward size (default 4 nEmbd). */
  dimFeedforward?: number;
}

/**
 * Named model sizes. 'tiny' is for tests; 'small' is the default experiment model.
 * @example MODEL_PRESETS.small.nEmbd; // 128
 */
export const MODEL_PRESETS: Record<'tiny' | 'small' | 'base', ModelShape> = {
  tiny: { nLayer: 1, nHead: 2, nEmbd: 32, blockSize: 32, dropout: 0.1 },
  small: { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64, dropout: 0.1 },
  base: { nLayer: 6, nHead: 8, nEmbd: 256, blockSize: 128, dropout: 0.1 },
};

/** Which pretraining objective made a checkpoint, and so which body its classifier has. */
export type Objective = 'clm' | 'mlm';

/** The model config saved in recipe checkpoints. */
export interface RecipeModelConfig {
  /** The pretraining objective. */
  objective: Objective;
  /** The tokenizer's vocabulary size. */
  vocabSize: number;
  /** The padding id. */
  padId: number;
  /** The model size. */
  shape: ModelShape;
}

/**
 * The pretraining model: a GPT for causal LM, a BERT with an MLM head for masked LM.
 * @param cfg - Objective, vocabulary, padding id and size.
 * @returns A GPT or a BertMLM.
 * @example
 * pretrainingModel({ objective: 'clm', vocabSize: 300, padId: 0, shape: MODEL_PRESETS.tiny }) instanceof GPT; // true
 */
export function pretrainingModel(cfg: RecipeModelConfig): GPT | BertMLM {
  const { shape: s, vocabSize } = cfg;
  if (cfg.objective === 'clm') {
    return new GPT({ vocabSize, blockSize: s.blockSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, dropout: s.dropout, dimFeedforward: s.dimFeedforward });
  }
  if (cfg.objective === 'mlm') {
    return new BertMLM({ vocabSize, maxPositions: s.blockSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, dropout: s.dropout, dimFeedforward: s.dimFeedforward, padId: cfg.padId, normFirst: true });
  }
  throw new ValueError('pretrainingModel', `objective must be 'clm' or 'mlm', got '${String(cfg.objective)}'`);
}

/**
 * A sequence classifier whose body matches the pretraining model, so its weights load by name.
 * @param cfg - The pretraining model's config.
 * @param numLabels - Number of classes.
 * @param opts - `pooling` (default 'mean+max'), `classifierDropout` (default 0.1).
 * @returns The classifier; load the pretrained `transformer.*` weights into it with `strict: false`.
 * @example
 * const cfg = { objective: 'clm' as const, vocabSize: 300, padId: 0, shape: MODEL_PRESETS.tiny };
 * const lm = pretrainingModel(cfg);
 * const clf = classifierFor(cfg, 2);
 * const body = Object.fromEntries(Object.entries(lm.stateDict()).filter(([k]) => k.startsWith('transformer.')));
 * clf.loadStateDict(body, { strict: false }).missingKeys; // ['classifier.weight', 'classifier.bias']
 */
export function classifierFor(cfg: RecipeModelConfig, numLabels: number, opts: { pooling?: Pooling; classifierDropout?: number } = {}): SequenceClassifier {
  const { shape: s, vocabSize } = cfg;
  const common = { vocabSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, dropout: s.dropout, dimFeedforward: s.dimFeedforward };
  const body = cfg.objective === 'clm'
    ? { arch: 'gpt' as const, blockSize: s.blockSize, ...common }
    : { arch: 'bert' as const, maxPositions: s.blockSize, padId: cfg.padId, normFirst: true, ...common };
  return new SequenceClassifier({ body, numLabels, pooling: opts.pooling ?? 'mean+max', classifierDropout: opts.classifierDropout ?? 0.1 });
}
