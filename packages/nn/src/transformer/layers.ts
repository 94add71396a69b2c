// TransformerEncoderLayer and TransformerDecoderLayer as torch.nn: self-attention (and cross-attention)
// plus a feed-forward block, post-norm by default or pre-norm with normFirst; PyTorch's field names.

import type { Tensor } from '@tsgrad/core';
import type { KVCache } from '../attention/kv-cache.js';
import { MultiheadAttention } from '../attention/multihead-attention.js';
import type { RotaryEmbedding } from '../attention/rotary.js';
import { type Activation, Dropout, resolveActivation } from '../layers/activation.js';
import { Linear } from '../layers/linear.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';

/** Options of the Transformer layers (torch.nn's keyword arguments and defaults). */
export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** 'relu' (default), 'gelu' or a function. */
  activation?: Activation;
  /** LayerNorm epsilon (default 1e-5). */
  layerNormEps?: number;
  /** (B, T, E) inputs instead of (T, B, E) (default false). */
  batchFirst?: boolean;
  /** Pre-norm: x + f(norm(x)) instead of norm(x + f(x)) (default false). */
  normFirst?: boolean;
  /** Biases in linear layers and LayerNorms (default true). */
  bias?: boolean;
}

/** Options of TransformerEncoderLayer.forward. */
export interface EncoderLayerForwardOptions {
  /** (T, T) or (B*H, T, T); bool true = may NOT attend, or additive float. */
  srcMask?: Tensor | null;
  /** (B, T); bool true = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention (builds the mask when srcMask is not given). */
  isCausal?: boolean;
  /** KV cache of this layer's self-attention, for incremental decoding. */
  cache?: KVCache;
  /** Rotary position embedding applied to queries and keys. */
  rope?: RotaryEmbedding;
}

function defaults(o: TransformerLayerOptions) {
  return { dimFeedforward: 2048, dropout: 0.1, activation: 'relu' as Activation, layerNormEps: 1e-5, batchFirst: false, normFirst: false, bias: true, ...o };
}

/**
 * One encoder layer (torch.nn.TransformerEncoderLayer): self-attention then a feed-forward block
 * linear2(dropout(activation(linear1(x)))), each with a residual connection and LayerNorm.
 * State-dict keys: `self_attn.in_proj_weight`, `self_attn.in_proj_bias`, `self_attn.out_proj.weight`,
 * `self_attn.out_proj.bias`, `linear1.weight`, `linear1.bias`, `linear2.weight`, `linear2.bias`,
 * `norm1.weight`, `norm1.bias`, `norm2.weight`, `norm2.bias`.
 *
 * # Shapes
 * - src: (T, B, E), (B, T, E) with batchFirst, or (T, E) unbatched
 * - output: the same
 *
 * @example
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * layer.forward(randn([2, 5, 16]), { isCausal: true }).shape; // [2, 5, 16]
 */
export class TransformerEncoderLayer extends Module {
  /** Self-attention (E, H heads). */
  self_attn: MultiheadAttention;
  /** Feed-forward expansion E -> dimFeedforward. */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Feed-forward projection dimFeedforward -> E. */
  linear2: Linear;
  /** LayerNorm around the self-attention block. */
  norm1: LayerNorm;
  /** LayerNorm around the feed-forward block. */
  norm2: LayerNorm;
  /** Dropout on the self-attention output. */
  dropout1: Dropout;
  /** Dropout on the feed-forward output. */
  dropout2: Dropout;
  /** Pre-norm (true) or post-norm (false). */
  readonly normFirst: boolean;
  /** The feed-forward activation. */
  readonly activation: (x: Tensor) => Tensor;

  /**
   * @param dModel - Model width E.
   * @param nhead - Number of attention heads (dividing E).
   * @param opts - Feed-forward size, dropout, activation, norm placement, layout.
   */
  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const o = defaults(opts);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst });
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias });
    this.normFirst = o.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.norm2 = new LayerNorm(dModel, { eps: o.layerNormEps, bias: o.bias });
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.activation = resolveActivation(o.activation, 'TransformerEncoderLayer');
  }

  private saBlock(x: Tensor, o: EncoderLayerForwardOptions): Tensor {
    const [y] = this.self_attn.forward(x, x, x, {
      attnMask: o.srcMask, keyPaddingMask: o.srcKeyPaddingMask, isCausal: o.isCausal, needWeights: false, cache: o.cache, rope: o.rope,
    });
    return this.dropout1.forward(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
  }

  /**
   * Runs the layer: x + SA(x) then x + FF(x), each normalised (before with normFirst, after otherwise).
   * @param src - (T, B, E), (B, T, E) with batchFirst, or (T, E).
   * @param opts - Masks, `isCausal`, `cache`, `rope`.
   * @returns src's shape.
   */
  forward(src: Tensor, opts: EncoderLayerForwardOptions = {}): Tensor {
    let x = src;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.forward(x), opts));
      return x.add(this.ffBlock(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(this.saBlock(x, opts)));
    return this.norm2.forward(x.add(this.ffBlock(x)));
  }
}

/** Options of TransformerDecoderLayer.forward (PyTorch's keyword arguments). */
export interface DecoderLayerForwardOptions {
  /** Self-attention mask (T, T) or (B*H, T, T): bool true = may NOT attend, or additive. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask (T, S). */
  memoryMask?: Tensor | null;
  /** (B, T); bool true = padding in the target. */
  tgtKeyPaddingMask?: Tensor | null;
  /** (B, S); bool true = padding in the memory. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal self-attention. */
  tgtIsCausal?: boolean;
  /** Causal cross-attention (rare). */
  memoryIsCausal?: boolean;
  /** KV cache of the self-attention, for incremental decoding. */
  cache?: KVCache;
  /** Cross-attention cache: the memory's projected keys and values, made on the first call and reused (MultiheadAttention's `staticKv`). */
  memoryCache?: KVCache;
}

/**
 * One decoder layer (torch.nn.TransformerDecoderLayer): self-attention, cross-attention over the
 * encoder's memory (`multihead_attn`), then the feed-forward block, each with a residual and a
 * LayerNorm (`norm1`, `norm2`, `norm3`). Keys as the encoder layer's plus `multihead_attn.*` and `norm3.*`.
 *
 * # Shapes
 * - tgt: (T, B, E) or (B, T, E) with batchFirst; memory: (S, B, E) or (B, S, E)
 * - output: like tgt
 *
 * @example
 * const layer = new TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * layer.forward(randn([2, 5, 16]), randn([2, 7, 16]), { tgtIsCausal: true }).shape; // [2, 5, 16]
 */
export class TransformerDecoderLayer extends Module {
  /** Self-attention over the target. */
  self_attn: MultiheadAttention;
  /** Cross-attention from the target over the memory. */
  multihead_attn: MultiheadAttention;
  /** Feed-forward expansion E -> dimFeedforward. */
  linear1: Linear;
  /** Dropout inside the feed-forward block. */
  dropout: Dropout;
  /** Feed-forward projection dimFeedforward -> E. */
  linear2: Linear;
  /** LayerNorm around the self-attention block. */
  norm1: LayerNorm;
  /** LayerNorm around the cross-attention block. */
  norm2: LayerNorm;
  /** LayerNorm around the feed-forward block. */
  norm3: LayerNorm;
  /** Dropout on the self-attention output. */
  dropout1: Dropout;
  /** Dropout on the cross-attention output. */
  dropout2: Dropout;
  /** Dropout on the feed-forward output. */
  dropout3: Dropout;
  /** Pre-norm (true) or post-norm (false). */
  readonly normFirst: boolean;
  /** The feed-forward activation. */
  readonly activation: (x: Tensor) => Tensor;

  /**
   * @param dModel - Model width E.
   * @param nhead - Number of attention heads.
   * @param opts - Feed-forward size, dropout, activation, norm placement, layout.
   */
  constructor(dModel: number, nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const o = defaults(opts);
    const attn = { dropout: o.dropout, bias: o.bias, batchFirst: o.batchFirst };
    this.self_attn = new MultiheadAttention(dModel, nhead, attn);
    this.multihead_attn = new MultiheadAttention(dModel, nhead, attn);
    this.linear1 = new Linear(dModel, o.dimFeedforward, { bias: o.bias });
    this.dropout = new Dropout(o.dropout);
    this.linear2 = new Linear(o.dimFeedforward, dModel, { bias: o.bias });
    this.normFirst = o.normFirst;
    const ln = { eps: o.layerNormEps, bias: o.bias };
    this.norm1 = new LayerNorm(dModel, ln);
    this.norm2 = new LayerNorm(dModel, ln);
    this.norm3 = new LayerNorm(dModel, ln);
    this.dropout1 = new Dropout(o.dropout);
    this.dropout2 = new Dropout(o.dropout);
    this.dropout3 = new Dropout(o.dropout);
    this.activation = resolveActivation(o.activation, 'TransformerDecoderLayer');
  }

  private saBlock(x: Tensor, o: DecoderLayerForwardOptions): Tensor {
    const [y] = this.self_attn.forward(x, x, x, { attnMask: o.tgtMask, keyPaddingMask: o.tgtKeyPaddingMask, isCausal: o.tgtIsCausal, needWeights: false, cache: o.cache });
    return this.dropout1.forward(y);
  }

  private mhaBlock(x: Tensor, mem: Tensor, o: DecoderLayerForwardOptions): Tensor {
    const [y] = this.multihead_attn.forward(x, mem, mem, { attnMask: o.memoryMask, keyPaddingMask: o.memoryKeyPaddingMask, isCausal: o.memoryIsCausal, needWeights: false, staticKv: o.memoryCache });
    return this.dropout2.forward(y);
  }

  private ffBlock(x: Tensor): Tensor {
    return this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
  }

  /**
   * Runs the layer: self-attention, cross-attention over `memory`, feed-forward.
   * @param tgt - (T, B, E), or (B, T, E) with batchFirst.
   * @param memory - The encoder output (S, B, E), or (B, S, E).
   * @param opts - Masks, causal flags, `cache`, `memoryCache`.
   * @returns tgt's shape.
   */
  forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): Tensor {
    let x = tgt;
    if (this.normFirst) {
      x = x.add(this.saBlock(this.norm1.forward(x), opts));
      x = x.add(this.mhaBlock(this.norm2.forward(x), memory, opts));
      return x.add(this.ffBlock(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(this.saBlock(x, opts)));
    x = this.norm2.forward(x.add(this.mhaBlock(x, memory, opts)));
    return this.norm3.forward(x.add(this.ffBlock(x)));
  }
}
