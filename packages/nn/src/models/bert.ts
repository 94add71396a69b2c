// BERT-style bidirectional encoder (Devlin et al. 2019) from torch.nn blocks, and a masked-LM head
// whose decoder is tied to the token embedding.

import { withDefaults } from '../config.js';
import { ShapeError, type Tensor, ValueError, gelu, linear, zeros } from '@tsgrad/core';
import { LearnedPositionalEmbedding } from '../attention/positional.js';
import { Dropout } from '../layers/activation.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { TransformerEncoderLayer } from '../transformer/layers.js';
import { TransformerEncoder } from '../transformer/transformer.js';
import { initTransformerWeights } from './init-weights.js';

/** The hyperparameters of a BERT-style encoder; saved beside the weights. */
export interface BertConfig {
  /** Number of token ids. */
  vocabSize: number;
  /** The longest sequence (learned positions). */
  maxPositions: number;
  /** Number of encoder layers. */
  nLayer: number;
  /** Attention heads per layer. */
  nHead: number;
  /** Model width C. */
  nEmbd: number;
  /** Feed-forward hidden size (default 4 * nEmbd). */
  dimFeedforward?: number;
  /** Default 0.1, as BERT. */
  dropout?: number;
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** Feed-forward activation (default 'gelu'). */
  activation?: 'gelu' | 'relu';
  /** The padding id: its embedding row is zero and, by default, such tokens are masked as keys. */
  padId?: number | null;
  /** Pre-norm blocks plus a final `encoder.norm` (default false: BERT's post-norm). */
  normFirst?: boolean;
}

/** A BertConfig with every default filled in. */
export type FullBertConfig = Required<BertConfig>;

/**
 * Fills a BertConfig's defaults and checks it.
 *
 * # Shapes
 * Not applicable (a config).
 *
 * @example bertConfig({ vocabSize: 20, maxPositions: 16, nLayer: 1, nHead: 2, nEmbd: 8 }).dropout; // 0.1
 * @param cfg - The config; missing optional fields get their defaults.
 * @returns The full config.
 */
export function bertConfig(cfg: BertConfig): FullBertConfig {
  const full = withDefaults({ dimFeedforward: 4 * cfg.nEmbd, dropout: 0.1, layerNormEps: 1e-5, activation: 'gelu', padId: null, normFirst: false }, cfg) as FullBertConfig;
  for (const k of ['vocabSize', 'maxPositions', 'nLayer', 'nHead', 'nEmbd', 'dimFeedforward'] as const) {
    if (!Number.isInteger(full[k]) || full[k] < 1) throw new ValueError('BertConfig', `${k} must be a positive integer, got ${full[k]}`);
  }
  if (full.nEmbd % full.nHead !== 0) throw new ValueError('BertConfig', `nEmbd (${full.nEmbd}) must be divisible by nHead (${full.nHead})`);
  return full;
}

/**
 * The encoder body: token + learned position embeddings, `ln_emb`, dropout, then `encoder`
 * (a torch.nn.TransformerEncoder of post-norm layers); returns hidden states. Keys: `wte.weight`,
 * `wpe.weight`, `ln_emb.weight`, `ln_emb.bias`, `encoder.layers.0.self_attn.in_proj_weight`, ...
 *
 * # Shapes
 * - ids: (B, T) int32, T <= maxPositions; output: (B, T, nEmbd)
 *
 * @example
 * const bert = new BertModel({ vocabSize: 20, maxPositions: 16, nLayer: 1, nHead: 2, nEmbd: 8, padId: 0 });
 * bert.forward(tensor([[5, 6, 0]], { dtype: 'int32' })).shape; // [1, 3, 8]
 */
export class BertModel extends Module {
  /** The model-file type name. */
  static readonly modelType = 'bert-model';
  /** The full config. */
  readonly config: FullBertConfig;
  /** Token embedding (vocabSize, nEmbd). */
  wte: Embedding;
  /** Learned positions (maxPositions, nEmbd). */
  wpe: LearnedPositionalEmbedding;
  /** LayerNorm on the summed embeddings. */
  ln_emb: LayerNorm;
  /** Dropout on the embeddings. */
  drop: Dropout;
  /** The encoder stack. */
  encoder: TransformerEncoder;

  /**
   * @param config - The hyperparameters.
   */
  constructor(config: BertConfig) {
    super();
    const c = (this.config = bertConfig(config));
    this.wte = new Embedding(c.vocabSize, c.nEmbd, c.padId === null ? {} : { paddingIdx: c.padId });
    this.wpe = new LearnedPositionalEmbedding(c.maxPositions, c.nEmbd);
    this.ln_emb = new LayerNorm(c.nEmbd, { eps: c.layerNormEps });
    this.drop = new Dropout(c.dropout);
    const layer = new TransformerEncoderLayer(c.nEmbd, c.nHead, {
      dimFeedforward: c.dimFeedforward, dropout: c.dropout, activation: c.activation, layerNormEps: c.layerNormEps, batchFirst: true, normFirst: c.normFirst,
    });
    this.encoder = new TransformerEncoder(layer, c.nLayer, { norm: c.normFirst ? new LayerNorm(c.nEmbd, { eps: c.layerNormEps }) : null });
    initTransformerWeights(this); // every layer re-drawn, so the deep copies no longer start equal
  }

  /**
   * Hidden states. `keyPaddingMask` (B, T), true = padding, defaults to `ids == padId` when the
   * config has a padId; pass null to attend to every token.
   * @param ids - Token ids (B, T) int32.
   * @param opts - `keyPaddingMask`.
   * @returns Hidden states (B, T, nEmbd).
   */
  forward(ids: Tensor, opts: { keyPaddingMask?: Tensor | null } = {}): Tensor {
    if (ids.ndim !== 2) throw new ShapeError('BertModel', 'expected token ids of shape (B, T)', { ids: ids.shape });
    const { padId } = this.config;
    const kpm = opts.keyPaddingMask !== undefined ? opts.keyPaddingMask : padId === null ? null : ids.eq(padId); // (B, T)
    const x = this.drop.forward(this.ln_emb.forward(this.wpe.forward(this.wte.forward(ids)))); // (B, T, C)
    return this.encoder.forward(x, { srcKeyPaddingMask: kpm });
  }
}

/**
 * BERT's masked-LM transform: dense, GELU, LayerNorm, then logits against a decoder weight
 * (the tied token embedding) plus `bias`. Keys: `dense.weight`, `dense.bias`, `norm.weight`, `norm.bias`, `bias`.
 *
 * # Shapes
 * - hidden: (B, T, C); decoderWeight: (V, C); output: (B, T, V)
 *
 * @example
 * const head = new MLMHead(8, 20);
 * head.forward(randn([1, 3, 8]), randn([20, 8])).shape; // [1, 3, 20]
 */
export class MLMHead extends Module {
  /** Dense layer C -> C. */
  dense: Linear;
  /** LayerNorm after the GELU. */
  norm: LayerNorm;
  /** Output bias (V). */
  bias: Parameter;

  /**
   * @param nEmbd - Model width C.
   * @param vocabSize - Number of token ids V.
   * @param opts - `layerNormEps`.
   */
  constructor(nEmbd: number, vocabSize: number, opts: { layerNormEps?: number } = {}) {
    super();
    this.dense = new Linear(nEmbd, nEmbd);
    this.norm = new LayerNorm(nEmbd, { eps: opts.layerNormEps ?? 1e-5 });
    this.bias = new Parameter(zeros([vocabSize]));
  }

  /**
   * Logits from hidden states.
   * @param hidden - (B, T, C).
   * @param decoderWeight - The token embedding (V, C).
   * @returns Logits (B, T, V).
   */
  forward(hidden: Tensor, decoderWeight: Tensor): Tensor {
    return linear(this.norm.forward(gelu(this.dense.forward(hidden))), decoderWeight, this.bias); // (B, T, V)
  }
}

/**
 * A BERT-style masked language model: `transformer` (a BertModel) and `mlm_head`, whose decoder
 * is `transformer.wte.weight` (tied). Returns logits at every position; the loss is taken at the
 * masked positions by the training recipe.
 *
 * # Shapes
 * - ids: (B, T) int32; output: (B, T, vocabSize)
 *
 * @example
 * const mlm = BertMLM.fromConfig({ vocabSize: 20, maxPositions: 16, nLayer: 1, nHead: 2, nEmbd: 8, padId: 0 });
 * mlm.forward(tensor([[5, 6, 0]], { dtype: 'int32' })).shape; // [1, 3, 20]
 */
export class BertMLM extends Module {
  /** The model-file type name. */
  static readonly modelType = 'bert-mlm';
  /** The full config. */
  readonly config: FullBertConfig;
  /** The body. */
  transformer: BertModel;
  /** The masked-LM head. */
  mlm_head: MLMHead;

  /**
   * @param config - The hyperparameters.
   */
  constructor(config: BertConfig) {
    super();
    this.transformer = new BertModel(config);
    this.config = this.transformer.config;
    this.mlm_head = new MLMHead(this.config.nEmbd, this.config.vocabSize, { layerNormEps: this.config.layerNormEps });
    initTransformerWeights(this.mlm_head);
  }

  /**
   * `new BertMLM(config)`.
   * @param config - The hyperparameters.
   * @returns A freshly initialised model.
   */
  static fromConfig(config: BertConfig): BertMLM {
    return new BertMLM(config);
  }

  /**
   * Logits at every position.
   * @param ids - Token ids (B, T) int32.
   * @param opts - `keyPaddingMask` (default: ids == padId).
   * @returns Logits (B, T, vocabSize).
   */
  forward(ids: Tensor, opts: { keyPaddingMask?: Tensor | null } = {}): Tensor {
    return this.mlm_head.forward(this.transformer.forward(ids, opts), this.transformer.wte.weight);
  }
}
