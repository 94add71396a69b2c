// Fine-tuning heads over a GPT or BERT body: sequence classification with pooling over non-padding
// tokens (cls, last, mean, max, mean+max) and token classification.

import { withDefaults } from '../config.js';
import { type Tensor, ValueError, arange, cat } from '@tsgrad/core';
import { Dropout } from '../layers/activation.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import { type BertConfig, BertModel } from './bert.js';
import { type GPTConfig, GPTModel } from './gpt.js';
import { initTransformerWeights } from './init-weights.js';

/** How a sequence's hidden states become one vector. */
export type Pooling = 'cls' | 'last' | 'mean' | 'max' | 'mean+max';

/** The body of a head, by architecture (the body's config with an `arch` tag). */
export type BodyConfig = ({
  /** A GPT body (causal). */
  arch: 'gpt';
} & GPTConfig) | ({
  /** A BERT body (bidirectional). */
  arch: 'bert';
} & BertConfig);

/** A body: token ids to hidden states (B, T, C). */
export type Body = GPTModel | BertModel;

/**
 * Builds the body a BodyConfig describes.
 *
 * # Shapes
 * Not applicable (a constructor).
 *
 * @example buildBody({ arch: 'gpt', vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }) instanceof GPTModel; // true
 * @param cfg - The body's config with its `arch`.
 * @returns A GPTModel or a BertModel.
 */
export function buildBody(cfg: BodyConfig): Body {
  if (cfg.arch === 'gpt') return new GPTModel(cfg);
  if (cfg.arch === 'bert') return new BertModel(cfg);
  throw new ValueError('buildBody', `unknown arch ${String((cfg as { arch: unknown }).arch)}`, {}, "use 'gpt' or 'bert'");
}

/** `ids == padId` for a body whose config has a padId (BERT), else null. */
function defaultPaddingMask(body: Body, ids: Tensor): Tensor | null {
  const padId = body instanceof BertModel ? body.config.padId : null;
  return padId === null ? null : ids.eq(padId);
}

/**
 * Pools hidden states over the tokens that are not padding: 'cls' takes token 0, 'last' the last
 * non-padding token, 'mean' the average, 'max' the elementwise maximum, 'mean+max' both
 * concatenated. Every row needs at least one non-padding token.
 *
 * # Shapes
 * - hidden: (B, T, C); paddingMask: (B, T) bool, true = padding
 * - output: (B, C), or (B, 2C) for 'mean+max'
 *
 * @example
 * poolHidden(randn([2, 4, 8]), 'mean+max', tensor([[false, false, true, true], [false, false, false, false]])).shape; // [2, 16]
 * @param hidden - Hidden states (B, T, C).
 * @param pooling - The pooling.
 * @param paddingMask - (B, T) bool, true = padding; null pools over every token.
 * @returns (B, C), or (B, 2C) for 'mean+max'.
 */
export function poolHidden(hidden: Tensor, pooling: Pooling, paddingMask?: Tensor | null): Tensor {
  const [B, T, C] = [hidden.shape[0]!, hidden.shape[1]!, hidden.shape[2]!];
  const pad = paddingMask ?? null;
  const mean = () => {
    if (!pad) return hidden.mean(1); // (B, C)
    const keep = pad.logicalNot().to(hidden.dtype).unsqueeze(-1); // (B, T, 1)
    return hidden.mul(keep).sum(1).div(keep.sum(1)); // (B, C)
  };
  const max = () => (pad ? hidden.maskedFill(pad.unsqueeze(-1), -Infinity) : hidden).amax(1); // (B, C)
  switch (pooling) {
    case 'cls': return hidden.select(1, 0);
    case 'last': {
      // the largest position that is not padding: argmax of (t + 1) * keep
      const pos = pad ? arange(1, T + 1, 1, { device: hidden.device }).mul(pad.logicalNot()).argmax(1) : arange(T - 1, T, 1, { device: hidden.device }).expand([B]);
      return hidden.gather(1, pos.reshape([B, 1, 1]).expand([B, 1, C])).squeeze(1); // (B, 1, C) -> (B, C)
    }
    case 'mean': return mean();
    case 'max': return max();
    case 'mean+max': return cat([mean(), max()], -1); // (B, 2C)
    default: throw new ValueError('poolHidden', `unknown pooling ${String(pooling)}`, {}, "use 'cls', 'last', 'mean', 'max' or 'mean+max'");
  }
}

/** Config of SequenceClassifier; saved beside the weights. */
export interface SequenceClassifierConfig {
  /** The body's config. */
  body: BodyConfig;
  /** Number of classes. */
  numLabels: number;
  /** Default 'mean'. */
  pooling?: Pooling;
  /** Dropout before the classifier (default 0.1). */
  classifierDropout?: number;
}

/**
 * Sequence classification: `transformer` (a GPT or BERT body, so a pretrained LM's
 * `transformer.*` keys load with `strict: false`), pooling over non-padding tokens, dropout and
 * `classifier` (Linear). Keys: `transformer.…`, `classifier.weight`, `classifier.bias`.
 *
 * # Shapes
 * - ids: (B, T) int32; keyPaddingMask: (B, T) bool, true = padding (right padding for GPT bodies)
 * - output: (B, numLabels)
 *
 * @example
 * const clf = SequenceClassifier.fromConfig({ body: { arch: 'gpt', vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }, numLabels: 2, pooling: 'mean+max' });
 * clf.forward(tensor([[1, 2, 0]], { dtype: 'int32' }), { keyPaddingMask: tensor([[false, false, true]]) }).shape; // [1, 2]
 */
export class SequenceClassifier extends Module {
  /** The model-file type name. */
  static readonly modelType = 'sequence-classifier';
  /** The full config. */
  readonly config: Required<SequenceClassifierConfig>;
  /** The body (load pretrained `transformer.*` weights into it). */
  transformer: Body;
  /** Dropout before the classifier. */
  drop: Dropout;
  /** The classifier C (or 2C) -> numLabels. */
  classifier: Linear;

  /**
   * @param config - Body, labels, pooling and dropout.
   */
  constructor(config: SequenceClassifierConfig) {
    super();
    this.config = withDefaults({ pooling: 'mean' as Pooling, classifierDropout: 0.1 }, config) as Required<SequenceClassifierConfig>;
    this.transformer = buildBody(config.body);
    this.drop = new Dropout(this.config.classifierDropout);
    const C = this.transformer.config.nEmbd;
    this.classifier = new Linear(this.config.pooling === 'mean+max' ? 2 * C : C, config.numLabels);
    initTransformerWeights(this.classifier);
  }

  /**
   * `new SequenceClassifier(config)`.
   * @param config - Body, labels, pooling and dropout.
   * @returns A freshly initialised model.
   */
  static fromConfig(config: SequenceClassifierConfig): SequenceClassifier {
    return new SequenceClassifier(config);
  }

  /**
   * Class logits.
   * @param ids - Token ids (B, T) int32.
   * @param opts - `keyPaddingMask` (B, T) bool, true = padding.
   * @returns Logits (B, numLabels).
   */
  forward(ids: Tensor, opts: { keyPaddingMask?: Tensor | null } = {}): Tensor {
    const kpm = opts.keyPaddingMask !== undefined ? opts.keyPaddingMask : defaultPaddingMask(this.transformer, ids);
    const h = this.transformer.forward(ids, { keyPaddingMask: kpm }); // (B, T, C)
    return this.classifier.forward(this.drop.forward(poolHidden(h, this.config.pooling, kpm))); // (B, numLabels)
  }
}

/** Config of TokenClassifier; saved beside the weights. */
export interface TokenClassifierConfig {
  /** The body's config. */
  body: BodyConfig;
  /** Number of tags. */
  numLabels: number;
  /** Dropout before the classifier (default 0.1). */
  classifierDropout?: number;
}

/**
 * Token classification (tagging): `transformer` body, dropout and `classifier` applied at every position.
 *
 * # Shapes
 * - ids: (B, T) int32; output: (B, T, numLabels)
 *
 * @example
 * const tagger = TokenClassifier.fromConfig({ body: { arch: 'bert', vocabSize: 16, maxPositions: 8, nLayer: 1, nHead: 2, nEmbd: 8 }, numLabels: 3 });
 * tagger.forward(tensor([[1, 2, 3]], { dtype: 'int32' })).shape; // [1, 3, 3]
 */
export class TokenClassifier extends Module {
  /** The model-file type name. */
  static readonly modelType = 'token-classifier';
  /** The full config. */
  readonly config: Required<TokenClassifierConfig>;
  /** The body. */
  transformer: Body;
  /** Dropout before the classifier. */
  drop: Dropout;
  /** The classifier C -> numLabels. */
  classifier: Linear;

  /**
   * @param config - Body, labels and dropout.
   */
  constructor(config: TokenClassifierConfig) {
    super();
    this.config = withDefaults({ classifierDropout: 0.1 }, config) as Required<TokenClassifierConfig>;
    this.transformer = buildBody(config.body);
    this.drop = new Dropout(this.config.classifierDropout);
    this.classifier = new Linear(this.transformer.config.nEmbd, config.numLabels);
    initTransformerWeights(this.classifier);
  }

  /**
   * `new TokenClassifier(config)`.
   * @param config - Body, labels and dropout.
   * @returns A freshly initialised model.
   */
  static fromConfig(config: TokenClassifierConfig): TokenClassifier {
    return new TokenClassifier(config);
  }

  /**
   * Tag logits at every position.
   * @param ids - Token ids (B, T) int32.
   * @param opts - `keyPaddingMask`.
   * @returns Logits (B, T, numLabels).
   */
  forward(ids: Tensor, opts: { keyPaddingMask?: Tensor | null } = {}): Tensor {
    const h = this.transformer.forward(ids, { keyPaddingMask: opts.keyPaddingMask }); // (B, T, C)
    return this.classifier.forward(this.drop.forward(h)); // (B, T, numLabels)
  }
}
