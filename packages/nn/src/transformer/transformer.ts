// Stacks as torch.nn: TransformerEncoder and TransformerDecoder (deep copies of one layer, an
// optional final norm) and the encoder-decoder Transformer of Vaswani et al. 2017.

import { ShapeError, type Tensor, ValueError } from '@tsgrad/core';
import type { KVCache } from '../attention/kv-cache.js';
import { type MaskOptions, generateSquareSubsequentMask } from '../attention/masks.js';
import type { RotaryEmbedding } from '../attention/rotary.js';
import { cloneModule } from '../functional-call.js';
import { xavierUniform_ } from '../init.js';
import { ModuleList } from '../layers/containers.js';
import { LayerNorm } from '../layers/normalization.js';
import { Module } from '../module.js';
import { type DecoderLayerForwardOptions, type TransformerLayerOptions, TransformerDecoderLayer, TransformerEncoderLayer } from './layers.js';

/**
 * A module that maps a tensor to a tensor (the optional final norm).
 * @inline
 */
type Norm = Module & {
  /**
   * Normalises the last layer's output.
   * @param x - (T, B, E) or (B, T, E).
   * @returns x's shape.
   */
  forward(x: Tensor): Tensor;
};

/** Options of TransformerEncoder.forward (PyTorch's `mask`, `src_key_padding_mask`, `is_causal`). */
export interface EncoderForwardOptions {
  /** Attention mask (T, T) or (B*H, T, T): bool true = may NOT attend, or additive. */
  mask?: Tensor | null;
  /** (B, T); bool true = padding. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention in every layer. */
  isCausal?: boolean;
  /** One KV cache per layer, for incremental decoding with a causal encoder stack. */
  caches?: readonly KVCache[];
  /** Rotary position embedding applied in every layer. */
  rope?: RotaryEmbedding;
}

function clones<M extends Module>(layer: M, n: number, op: string): ModuleList<M> {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(op, `numLayers must be a non-negative integer, got ${n}`);
  return new ModuleList(Array.from({ length: n }, () => cloneModule(layer)));
}

/**
 * A stack of `numLayers` deep copies of `encoderLayer` (torch.nn.TransformerEncoder; the copies
 * start with equal weights, as PyTorch's `_get_clones`), then `norm` if given.
 * Keys: `layers.0.self_attn.in_proj_weight`, ..., `norm.weight`, `norm.bias`.
 *
 * # Shapes
 * - src: as the layer takes it, (T, B, E) or (B, T, E); output: the same
 *
 * @example
 * const enc = new TransformerEncoder(new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }), 2);
 * enc.forward(randn([5, 3, 8])).shape; // [5, 3, 8]
 */
export class TransformerEncoder extends Module {
  /** The layers (`layers.0`, `layers.1`, ...). */
  layers: ModuleList<TransformerEncoderLayer>;
  /** The final norm, or null. */
  norm: Norm | null;

  /**
   * @param encoderLayer - The layer to copy (it is not used itself).
   * @param numLayers - Number of copies.
   * @param opts - `norm`: a final norm module.
   */
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, opts: { norm?: Norm | null } = {}) {
    super();
    this.layers = clones(encoderLayer, numLayers, 'TransformerEncoder');
    this.norm = opts.norm ?? null;
  }

  /**
   * Runs every layer in order, then the final norm.
   * @param src - (T, B, E) or (B, T, E), as the layer takes it.
   * @param opts - `mask`, `srcKeyPaddingMask`, `isCausal`, `caches`, `rope`.
   * @returns src's shape.
   */
  forward(src: Tensor, opts: EncoderForwardOptions = {}): Tensor {
    let x = src;
    let i = 0;
    for (const layer of this.layers) {
      x = layer.forward(x, { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal, cache: opts.caches?.[i++], rope: opts.rope });
    }
    return this.norm ? this.norm.forward(x) : x;
  }
}

/** Options of TransformerDecoder.forward; `caches` holds one self-attention cache per layer. */
export interface DecoderForwardOptions extends Omit<DecoderLayerForwardOptions, 'cache' | 'memoryCache'> {
  /** One self-attention cache per layer, for incremental decoding. */
  caches?: readonly KVCache[];
  /** One cross-attention cache per layer: the memory's keys and values, projected once (see `staticKv`). */
  memoryCaches?: readonly KVCache[];
}

/**
 * A stack of `numLayers` deep copies of `decoderLayer` (torch.nn.TransformerDecoder), then `norm`.
 *
 * # Shapes
 * - tgt: (T, B, E) or (B, T, E); memory: (S, B, E) or (B, S, E); output: like tgt
 *
 * @example
 * const dec = new TransformerDecoder(new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }), 2);
 * dec.forward(randn([4, 3, 8]), randn([6, 3, 8]), { tgtIsCausal: true }).shape; // [4, 3, 8]
 */
export class TransformerDecoder extends Module {
  /** The layers (`layers.0`, `layers.1`, ...). */
  layers: ModuleList<TransformerDecoderLayer>;
  /** The final norm, or null. */
  norm: Norm | null;

  /**
   * @param decoderLayer - The layer to copy.
   * @param numLayers - Number of copies.
   * @param opts - `norm`: a final norm module.
   */
  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, opts: { norm?: Norm | null } = {}) {
    super();
    this.layers = clones(decoderLayer, numLayers, 'TransformerDecoder');
    this.norm = opts.norm ?? null;
  }

  /**
   * Runs every layer over the target with cross-attention to `memory`, then the final norm.
   * @param tgt - (T, B, E) or (B, T, E).
   * @param memory - The encoder output (S, B, E) or (B, S, E).
   * @param opts - Masks, causal flags, `caches`, `memoryCaches`.
   * @returns tgt's shape.
   */
  forward(tgt: Tensor, memory: Tensor, opts: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    let i = 0;
    for (const layer of this.layers) {
      x = layer.forward(x, memory, { ...opts, cache: opts.caches?.[i], memoryCache: opts.memoryCaches?.[i] });
      i++;
    }
    return this.norm ? this.norm.forward(x) : x;
  }
}

/** Options of Transformer (torch.nn.Transformer's arguments and defaults). */
export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width E (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** Use this encoder instead of building one. */
  customEncoder?: TransformerEncoder;
  /** Use this decoder instead of building one. */
  customDecoder?: TransformerDecoder;
}

/** Options of Transformer.forward (PyTorch's keyword arguments). */
export interface TransformerForwardOptions {
  /** Encoder self-attention mask (S, S). */
  srcMask?: Tensor | null;
  /** Decoder self-attention mask (T, T), usually {@link Transformer.generateSquareSubsequentMask}. */
  tgtMask?: Tensor | null;
  /** Cross-attention mask (T, S). */
  memoryMask?: Tensor | null;
  /** (B, S); bool true = padding in the source. */
  srcKeyPaddingMask?: Tensor | null;
  /** (B, T); bool true = padding in the target. */
  tgtKeyPaddingMask?: Tensor | null;
  /** (B, S); padding in the memory (usually srcKeyPaddingMask). */
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal encoder self-attention. */
  srcIsCausal?: boolean;
  /** Causal decoder self-attention. */
  tgtIsCausal?: boolean;
  /** Causal cross-attention (rare). */
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder Transformer (Vaswani et al. 2017; torch.nn.Transformer): an encoder stack
 * with a final LayerNorm and a decoder stack with a final LayerNorm; every parameter with more
 * than one dim is re-drawn with xavier_uniform_ as PyTorch's `_reset_parameters`.
 * Keys: `encoder.layers.0.…`, `encoder.norm.weight`, `decoder.layers.0.multihead_attn.…`, `decoder.norm.bias`.
 *
 * # Shapes
 * - src: (S, B, E), tgt: (T, B, E) ((B, S, E) and (B, T, E) with batchFirst)
 * - output: like tgt
 *
 * @example
 * const model = new Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
 * const tgtMask = Transformer.generateSquareSubsequentMask(4);
 * model.forward(randn([6, 2, 8]), randn([4, 2, 8]), { tgtMask }).shape; // [4, 2, 8]
 */
export class Transformer extends Module {
  /** The encoder stack, with a final LayerNorm. */
  encoder: TransformerEncoder;
  /** The decoder stack, with a final LayerNorm. */
  decoder: TransformerDecoder;
  /** Model width E. */
  readonly dModel: number;
  /** Attention heads. */
  readonly nhead: number;
  /** Inputs and outputs are (B, T, E). */
  readonly batchFirst: boolean;

  /**
   * @param opts - Sizes (`dModel`, `nhead`, layer counts), the layer options, or custom stacks.
   */
  constructor(opts: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...layerOpts } = opts;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOpts.batchFirst ?? false;
    const norm = () => new LayerNorm(dModel, { eps: layerOpts.layerNormEps ?? 1e-5, bias: layerOpts.bias ?? true });
    this.encoder = customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOpts), numEncoderLayers, { norm: norm() });
    this.decoder = customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOpts), numDecoderLayers, { norm: norm() });
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p);
  }

  /**
   * The causal float mask (sz, sz): 0 on and below the diagonal, -inf above (PyTorch's static method).
   * @param sz - Sequence length.
   * @param opts - `dtype`, `device`.
   * @returns The mask (sz, sz).
   */
  static generateSquareSubsequentMask(sz: number, opts: MaskOptions = {}): Tensor {
    return generateSquareSubsequentMask(sz, opts);
  }

  /**
   * Encodes `src` and decodes `tgt` against it.
   * @param src - Source (S, B, E), or (B, S, E) with batchFirst.
   * @param tgt - Target (T, B, E), or (B, T, E).
   * @param opts - Masks and causal flags for the three attentions.
   * @returns The decoder output, tgt's shape.
   */
  forward(src: Tensor, tgt: Tensor, opts: TransformerForwardOptions = {}): Tensor {
    const batchDim = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[batchDim] !== tgt.shape[batchDim]) {
      throw new ShapeError('Transformer', 'the batch number of src and tgt must be equal', { src: src.shape, tgt: tgt.shape });
    }
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ShapeError('Transformer', `the feature number of src and tgt must be equal to dModel (${this.dModel})`, { src: src.shape, tgt: tgt.shape });
    }
    const memory = this.encoder.forward(src, { mask: opts.srcMask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.srcIsCausal });
    return this.decoder.forward(tgt, memory, {
      tgtMask: opts.tgtMask, memoryMask: opts.memoryMask, tgtKeyPaddingMask: opts.tgtKeyPaddingMask,
      memoryKeyPaddingMask: opts.memoryKeyPaddingMask, tgtIsCausal: opts.tgtIsCausal, memoryIsCausal: opts.memoryIsCausal,
    });
  }
}
