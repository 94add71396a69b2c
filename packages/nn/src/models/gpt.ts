// GPT-style decoder-only language model: token + position embedding (learned, sinusoidal or RoPE),
// pre-norm torch.nn.TransformerEncoderLayer blocks with a causal mask, final LayerNorm, tied LM head.

import { withDefaults } from '../config.js';
import { crossEntropy, linearCrossEntropy, ShapeError, type Tensor, ValueError } from '@tsgrad/core';
import { KVCache } from '../attention/kv-cache.js';
import { LearnedPositionalEmbedding, SinusoidalPositionalEncoding } from '../attention/positional.js';
import { RotaryEmbedding } from '../attention/rotary.js';
import { Dropout } from '../layers/activation.js';
import { Embedding } from '../layers/embedding.js';
import { QuantizedEmbedding, tiedLinear } from '../layers/quantized-embedding.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';
import { TransformerEncoderLayer } from '../transformer/layers.js';
import { type GenerateOptions, generateIds } from './generate.js';
import { initTransformerWeights } from './init-weights.js';

/** The hyperparameters of a GPT (nanoGPT's GPTConfig, camelCase); saved beside the weights. */
export interface GPTConfig {
  /** Number of token ids. */
  vocabSize: number;
  /** The longest context (positions) the model handles. */
  blockSize: number;
  /** Number of blocks. */
  nLayer: number;
  /** Attention heads per block (dividing nEmbd). */
  nHead: number;
  /** Model width C. */
  nEmbd: number;
  /** Feed-forward hidden size (default 4 * nEmbd). */
  dimFeedforward?: number;
  /** Dropout on embeddings, attention and residual branches (default 0). */
  dropout?: number;
  /** Biases in Linear layers and LayerNorms (default true). */
  bias?: boolean;
  /** Position information (default 'learned'). */
  positional?: 'learned' | 'sinusoidal' | 'rope';
  /** Feed-forward activation (default 'gelu'). */
  activation?: 'gelu' | 'relu';
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** LM head shares the token embedding (default true). */
  tieWeights?: boolean;
}

/** A GPTConfig with every default filled in (what `model.config` holds). */
export type FullGPTConfig = Required<GPTConfig>;

/**
 * Fills a GPTConfig's defaults and checks it.
 *
 * # Shapes
 * Not applicable (a config).
 *
 * @example gptConfig({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }).dimFeedforward; // 32
 * @param cfg - The config; missing optional fields get their defaults.
 * @returns The full config.
 */
export function gptConfig(cfg: GPTConfig): FullGPTConfig {
  const full: FullGPTConfig = withDefaults(
    { dimFeedforward: 4 * cfg.nEmbd, dropout: 0, bias: true, positional: 'learned', activation: 'gelu', layerNormEps: 1e-5, tieWeights: true } as const,
    cfg,
  ) as FullGPTConfig;
  for (const k of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd', 'dimFeedforward'] as const) {
    if (!Number.isInteger(full[k]) || full[k] < 1) throw new ValueError('GPTConfig', `${k} must be a positive integer, got ${full[k]}`);
  }
  if (full.nEmbd % full.nHead !== 0) throw new ValueError('GPTConfig', `nEmbd (${full.nEmbd}) must be divisible by nHead (${full.nHead})`);
  if (full.positional === 'rope' && (full.nEmbd / full.nHead) % 2 !== 0) throw new ValueError('GPTConfig', 'rope needs an even head size nEmbd / nHead');
  return full;
}

/** Options of the GPT forward passes. */
export interface GPTForwardOptions {
  /** One KVCache per block (from `createCaches()`); positions continue after the cached ones. */
  caches?: readonly KVCache[];
  /** (B, T) bool, true = padding (use right padding: a causal row of only padding would be NaN). */
  keyPaddingMask?: Tensor | null;
}

/**
 * The GPT body: embeddings, `nLayer` pre-norm causal blocks (`h.0`, `h.1`, ...) and `ln_f`;
 * returns hidden states. Keys: `wte.weight`, `wpe.weight` (learned positions only),
 * `h.0.self_attn.in_proj_weight`, ..., `ln_f.weight`, `ln_f.bias`.
 *
 * # Shapes
 * - idx: (B, T) int32, offset + T <= blockSize; output: (B, T, nEmbd)
 *
 * @example
 * const body = new GPTModel({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
 * body.forward(tensor([[1, 2, 3]], { dtype: 'int32' })).shape; // [1, 3, 8]
 */
export class GPTModel extends Module {
  /** The model-file type name (`saveModel` writes it; `loadModel` dispatches on it). */
  static readonly modelType = 'gpt-model';
  /** The full config. */
  readonly config: FullGPTConfig;
  /** Token embedding (vocabSize, nEmbd). */
  wte: Embedding;
  /** Learned positions (blockSize, nEmbd) when `positional: 'learned'`. */
  wpe: LearnedPositionalEmbedding | null = null;
  /** Sinusoidal positions when `positional: 'sinusoidal'`. */
  pe: SinusoidalPositionalEncoding | null = null;
  /** Rotary embedding shared by the blocks when `positional: 'rope'`. */
  rotary: RotaryEmbedding | null = null;
  /** Dropout on the embeddings. */
  drop: Dropout;
  /** The blocks `h.0` ... `h.{nLayer-1}`: pre-norm, batch-first encoder layers run with a causal mask. */
  h: TransformerEncoderLayer[];
  /** The final LayerNorm. */
  ln_f: LayerNorm;

  /**
   * @param config - The hyperparameters (defaults filled by {@link gptConfig}).
   */
  constructor(config: GPTConfig) {
    super();
    const c = (this.config = gptConfig(config));
    this.wte = new Embedding(c.vocabSize, c.nEmbd);
    if (c.positional === 'learned') this.wpe = new LearnedPositionalEmbedding(c.blockSize, c.nEmbd);
    else if (c.positional === 'sinusoidal') this.pe = new SinusoidalPositionalEncoding(c.nEmbd, c.blockSize);
    else if (c.positional === 'rope') this.rotary = new RotaryEmbedding(c.nEmbd / c.nHead, { maxSeqLen: c.blockSize });
    else throw new ValueError('GPTModel', `positional must be 'learned', 'sinusoidal' or 'rope', got ${String(c.positional)}`);
    this.drop = new Dropout(c.dropout);
    const block = { dimFeedforward: c.dimFeedforward, dropout: c.dropout, activation: c.activation, layerNormEps: c.layerNormEps, batchFirst: true, normFirst: true, bias: c.bias };
    this.h = Array.from({ length: c.nLayer }, () => new TransformerEncoderLayer(c.nEmbd, c.nHead, block));
    this.ln_f = new LayerNorm(c.nEmbd, { eps: c.layerNormEps, bias: c.bias });
    initTransformerWeights(this, { residualLayers: c.nLayer });
  }

  /**
   * Empty KV caches, one per block, for incremental decoding.
   * @returns nLayer empty caches.
   */
  createCaches(): KVCache[] {
    return this.h.map(() => new KVCache());
  }

  /**
   * Embeds `idx` and runs the blocks.
   * @param idx - Token ids (B, T) int32.
   * @param opts - `caches`, `keyPaddingMask`.
   * @returns Hidden states (B, T, nEmbd).
   */
  forward(idx: Tensor, opts: GPTForwardOptions = {}): Tensor {
    const { blockSize, nEmbd } = this.config;
    const offset = opts.caches?.[0]?.length ?? 0;
    if (idx.ndim !== 2) throw new ShapeError('GPTModel', 'expected token ids of shape (B, T)', { idx: idx.shape });
    const T = idx.shape[1]!;
    if (offset + T > blockSize) {
      throw new ShapeError('GPTModel', `cannot forward a sequence of length ${offset + T}, the block size is only ${blockSize}`, { idx: idx.shape },
        offset > 0 ? `${offset} positions are already cached` : 'crop the input to the last blockSize tokens');
    }
    let x = this.wte.forward(idx); // (B, T, C)
    if (this.wpe) x = this.wpe.forward(x, offset);
    // NOTE: Vaswani et al. (section 3.4) scale embeddings by sqrt(d) before adding the sinusoids
    if (this.pe) x = this.pe.forward(x.mul(Math.sqrt(nEmbd)), offset);
    x = this.drop.forward(x);
    const rope = this.rotary ?? undefined;
    this.h.forEach((block, i) => {
      x = block.forward(x, { isCausal: true, srcKeyPaddingMask: opts.keyPaddingMask, cache: opts.caches?.[i], rope }); // (B, T, C)
    });
    return this.ln_f.forward(x);
  }
}

/**
 * A GPT language model (Radford et al. 2019; nanoGPT's layout, torch.nn blocks): `transformer`
 * (a GPTModel) and an LM head tied to `transformer.wte.weight` (or `lm_head` when
 * `tieWeights: false`). `forward` returns next-token logits; `generate` decodes with a KV cache.
 * Initialised as GPT-2: N(0, 0.02), residual projections scaled by 1/sqrt(2 nLayer).
 *
 * # Shapes
 * - idx: (B, T) int32; output: (B, T, vocabSize)
 *
 * @example
 * manualSeed(0);
 * const gpt = GPT.fromConfig({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
 * gpt.forward(tensor([[1, 2, 3]], { dtype: 'int32' })).shape; // [1, 3, 16]
 * (await gpt.eval().generate([1, 2], { maxNewTokens: 3, temperature: 0 })).length; // 5
 */
export class GPT extends Module {
  /** The model-file type name. */
  static readonly modelType = 'gpt';
  /** The full config. */
  readonly config: FullGPTConfig;
  /** The body. */
  transformer: GPTModel;
  /** The LM head when `tieWeights` is false (else the head is `transformer.wte.weight`). */
  lm_head: Linear | null = null;

  /**
   * @param config - The hyperparameters.
   */
  constructor(config: GPTConfig) {
    super();
    this.transformer = new GPTModel(config);
    this.config = this.transformer.config;
    if (!this.config.tieWeights) {
      this.lm_head = new Linear(this.config.nEmbd, this.config.vocabSize, { bias: false });
      initTransformerWeights(this.lm_head);
    }
  }

  /**
   * `new GPT(config)`: builds a model from a (saved) config.
   * @param config - The hyperparameters.
   * @returns A freshly initialised model.
   */
  static fromConfig(config: GPTConfig): GPT {
    return new GPT(config);
  }

  /**
   * Empty KV caches, one per block.
   * @returns nLayer empty caches.
   */
  createCaches(): KVCache[] {
    return this.transformer.createCaches();
  }

  /**
   * Next-token logits.
   * @param idx - Token ids (B, T) int32, T <= blockSize.
   * @param opts - `caches`, `keyPaddingMask`.
   * @returns Logits (B, T, vocabSize); position t predicts token t + 1.
   */
  forward(idx: Tensor, opts: GPTForwardOptions = {}): Tensor {
    const h = this.transformer.forward(idx, opts); // (B, T, C)
    return this.lm_head ? this.lm_head.forward(h) : tiedLinear(h, this.transformer.wte); // (B, T, V)
  }

  /**
   * Mean next-token cross-entropy: the logits of `forward(idx)` against `targets`, with the head
   * and the loss fused (`linearCrossEntropy`), so backends with the fused kernel (the CPU's)
   * never make the (B, T, V) logits, a tensor of 32 MB at batch 32 x 64 and 4,096 tokens.
   * Its value and gradients are those of `crossEntropy(forward(idx).reshape([-1, V]), targets.reshape([-1]))`.
   * @param idx - Token ids (B, T) int32.
   * @param targets - The next tokens (B, T) int32; positions equal to `ignoreIndex` (default -100) do not count.
   * @param opts - forward's options, and `ignoreIndex`.
   * @returns The 0-d loss.
   */
  loss(idx: Tensor, targets: Tensor, opts: GPTForwardOptions & { ignoreIndex?: number } = {}): Tensor {
    const h = this.transformer.forward(idx, opts); // (B, T, C)
    const hs = h.reshape([-1, h.shape[2]!]);
    const t = targets.reshape([-1]);
    const ignoreIndex = opts.ignoreIndex;
    if (this.lm_head) return linearCrossEntropy(hs, this.lm_head.weight, t, { ignoreIndex });
    const wte = this.transformer.wte as Embedding | QuantizedEmbedding; // quantize() may swap in the int8 table
    if (wte instanceof QuantizedEmbedding) return crossEntropy(tiedLinear(hs, wte), t, { ignoreIndex });
    return linearCrossEntropy(hs, wte.weight, t, { ignoreIndex });
  }

  /**
   * Continues each prompt by `maxNewTokens` tokens (fewer when every row produced `eosId`),
   * one forward of one token per step thanks to the KV cache; when the context reaches
   * `blockSize`, it is cropped to the last blockSize tokens and recomputed. Runs without
   * autograd; call `eval()` first so dropout is off.
   * @param prompt - Token ids of one prompt.
   * @param opts - `maxNewTokens`, sampling options, `eosId`.
   * @returns The prompt followed by the new ids.
   */
  generate(prompt: readonly number[], opts: GenerateOptions): Promise<number[]>;
  /**
   * Continues a batch of prompts (B, T) int32.
   * @param prompt - Token ids (B, T).
   * @param opts - `maxNewTokens`, sampling options, `eosId`.
   * @returns (B, T + new) ids.
   */
  generate(prompt: Tensor, opts: GenerateOptions): Promise<Tensor>;
  generate(prompt: Tensor | readonly number[], opts: GenerateOptions): Promise<Tensor | number[]> {
    return generateIds(this, prompt, opts);
  }
}
