// An encoder-decoder Transformer for sequence-to-sequence tasks (the layout of PyTorch's translation
// tutorial): token embeddings scaled by sqrt(d), sinusoidal positions, torch.nn.Transformer, and a
// linear generator; greedy and beam-search decoding with KV caches on any device.

import { type Tensor, ValueError } from '@tsgrad/core';
import { KVCache } from '../attention/kv-cache.js';
import { Module } from '../module.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { SinusoidalPositionalEncoding } from '../attention/positional.js';
import { Transformer } from '../transformer/transformer.js';
import { beamDecode, greedyDecode, type Seq2SeqCaches } from './seq2seq-decode.js';

/** Sizes of a Seq2SeqTransformer. */
export interface Seq2SeqConfig {
  /** Source vocabulary size. */
  srcVocab: number;
  /** Target vocabulary size. */
  tgtVocab: number;
  /** Model width. */
  dModel: number;
  /** Attention heads. */
  nhead: number;
  /** Encoder layers. */
  numEncoderLayers: number;
  /** Decoder layers. */
  numDecoderLayers: number;
  /** Feed-forward size. */
  dimFeedforward: number;
  /** Dropout. */
  dropout: number;
  /** Longest source or target sequence. */
  maxLen: number;
  /** The padding id of both vocabularies. */
  padId: number;
}

/**
 * Encoder-decoder Transformer (Vaswani et al. 2017). Shapes: src (B, S) and tgt (B, T) int32
 * token ids -> logits (B, T, tgtVocab).
 * @example
 * const m = new Seq2SeqTransformer({ srcVocab: 30, tgtVocab: 40, dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64, dropout: 0, maxLen: 24, padId: 0 });
 * m.forward(tensor([[5, 6, 7]], { dtype: 'int32' }), tensor([[1, 8]], { dtype: 'int32' })).shape; // [1, 2, 40]
 */
export class Seq2SeqTransformer extends Module {
  /** The model-file type name. */
  static readonly modelType = 'seq2seq-transformer';
  /** Source token embedding. */
  src_tok_emb: Embedding;
  /** Target token embedding. */
  tgt_tok_emb: Embedding;
  /** Sinusoidal positions, shared by source and target. */
  positional_encoding: SinusoidalPositionalEncoding;
  /** The encoder-decoder (batch-first). */
  transformer: Transformer;
  /** Output projection to the target vocabulary. */
  generator: Linear;

  /**
   * @param config - The sizes.
   */
  constructor(readonly config: Seq2SeqConfig) {
    super();
    const c = config;
    this.src_tok_emb = new Embedding(c.srcVocab, c.dModel, { paddingIdx: c.padId });
    this.tgt_tok_emb = new Embedding(c.tgtVocab, c.dModel, { paddingIdx: c.padId });
    this.positional_encoding = new SinusoidalPositionalEncoding(c.dModel, c.maxLen + 2);
    this.transformer = new Transformer({ dModel: c.dModel, nhead: c.nhead, numEncoderLayers: c.numEncoderLayers, numDecoderLayers: c.numDecoderLayers, dimFeedforward: c.dimFeedforward, dropout: c.dropout, batchFirst: true, normFirst: true });
    this.generator = new Linear(c.dModel, c.tgtVocab);
  }

  private embed(emb: Embedding, ids: Tensor, offset = 0): Tensor {
    return this.positional_encoding.forward(emb.forward(ids).mul(Math.sqrt(this.config.dModel)), offset); // (B, L, D)
  }

  /**
   * Encoder states (B, S, D); `srcPad` (B, S) is true at padding.
   * @param src - Source ids (B, S) int32.
   * @param srcPad - Source padding mask (B, S) bool.
   * @returns The memory (B, S, D).
   */
  encode(src: Tensor, srcPad: Tensor): Tensor {
    return this.transformer.encoder.forward(this.embed(this.src_tok_emb, src), { srcKeyPaddingMask: srcPad });
  }

  /**
   * Next-token logits (B, T, V) for every target prefix, attending causally over tgt (one step of
   * {@link Seq2SeqTransformer.decode}, and the teacher-forced pass of `forward`).
   * @param tgt - Target ids so far (B, T) int32.
   * @param memory - From `encode` (B, S, D).
   * @param srcPad - Source padding mask (B, S).
   * @param tgtPad - Target padding mask (B, T), if any.
   * @returns Logits (B, T, tgtVocab).
   */
  decodeLogits(tgt: Tensor, memory: Tensor, srcPad: Tensor, tgtPad?: Tensor): Tensor {
    const h = this.transformer.decoder.forward(this.embed(this.tgt_tok_emb, tgt), memory, { tgtIsCausal: true, tgtKeyPaddingMask: tgtPad, memoryKeyPaddingMask: srcPad });
    return this.generator.forward(h);
  }

  /**
   * Empty KV caches for {@link Seq2SeqTransformer.decodeStep}: per decoder layer, one for the
   * self-attention and one for the memory's keys and values.
   * @returns The caches.
   */
  createCaches(): Seq2SeqCaches {
    const n = this.transformer.decoder.layers.length;
    return { self: Array.from({ length: n }, () => new KVCache()), memory: Array.from({ length: n }, () => new KVCache()) };
  }

  /**
   * Incremental decoding: next-token logits after the last of `tokens`, the earlier target tokens'
   * keys and values being in `caches` (which this call extends; their positions continue there).
   * The first call fills the memory caches from `memory`; later calls reuse them, so after
   * reordering the caches' rows (beam search) `memory` is not read again.
   * @param tokens - New target ids (R, T) int32 (T = 1 when decoding token by token).
   * @param memory - From `encode` (R, S, D); read only while the memory caches are empty.
   * @param srcPad - Source padding mask of each row (R, S).
   * @param caches - From `createCaches`, extended in place.
   * @returns Logits (R, tgtVocab) for the token after tokens[:, -1].
   * @example
   * const m = new Seq2SeqTransformer({ srcVocab: 10, tgtVocab: 12, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0, maxLen: 8, padId: 0 }).eval();
   * const src = tensor([[4, 5, 6]], { dtype: 'int32' });
   * const srcPad = src.eq(0);
   * const memory = m.encode(src, srcPad);
   * const caches = m.createCaches();
   * m.decodeStep(tensor([[1]], { dtype: 'int32' }), memory, srcPad, caches).shape; // [1, 12]
   * m.decodeStep(tensor([[7]], { dtype: 'int32' }), memory, srcPad, caches).shape; // [1, 12]
   * caches.self[0].length; // 2
   */
  decodeStep(tokens: Tensor, memory: Tensor, srcPad: Tensor, caches: Seq2SeqCaches): Tensor {
    const offset = caches.self[0]?.length ?? 0;
    const h = this.transformer.decoder.forward(this.embed(this.tgt_tok_emb, tokens, offset), memory, { tgtIsCausal: true, memoryKeyPaddingMask: srcPad, caches: caches.self, memoryCaches: caches.memory });
    return this.generator.forward(h.select(1, -1)); // (R, V): only the last position is projected
  }

  /**
   * Logits for teacher forcing: `decodeLogits(tgt, encode(src))` with padding masks from `padId`.
   * @param src - Source ids (B, S) int32.
   * @param tgt - Target inputs (B, T) int32 (bos first).
   * @returns Logits (B, T, tgtVocab).
   */
  forward(src: Tensor, tgt: Tensor): Tensor {
    const pad = this.config.padId;
    const srcPad = src.eq(pad);
    return this.decodeLogits(tgt, this.encode(src, srcPad), srcPad, tgt.eq(pad));
  }

  /**
   * Translates a batch of sources: greedy decoding (`beamSize` 1, the default) or beam search, until
   * `eosId` or `maxLength` new tokens, with autograd off and the model in eval mode. One token per
   * row and step through KV caches, every source's hypotheses in one batch; finished rows leave it.
   * Runs on the model's device (it reads the step's log-probabilities back); every tensor it makes is freed.
   * @param src - Source ids (B, S) int32, padded with the config's `padId`.
   * @param opts - Start and end ids, the length limit, the beam width and the length penalty.
   * @returns One id list per source row, without bos and eos.
   * @example
   * const m = new Seq2SeqTransformer({ srcVocab: 10, tgtVocab: 10, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0, maxLen: 8, padId: 0 });
   * const out = await m.decode(tensor([[4, 5], [6, 0]], { dtype: 'int32' }), { bosId: 1, eosId: 2, maxLength: 5, beamSize: 3 });
   * out.length; // 2
   * out.every((ids) => ids.length <= 5); // true
   */
  async decode(src: Tensor, opts: Seq2SeqDecodeOptions): Promise<number[][]> {
    const { bosId, eosId, maxLength, beamSize = 1, lengthPenalty = 0.6 } = opts;
    if (src.ndim !== 2 || src.dtype !== 'int32') throw new ValueError('Seq2SeqTransformer.decode', `src must be int32 ids of shape (B, S), got ${src.dtype} [${src.shape.join(', ')}]`);
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new ValueError('Seq2SeqTransformer.decode', `maxLength must be a positive integer, got ${maxLength}`);
    if (!Number.isInteger(beamSize) || beamSize < 1) throw new ValueError('Seq2SeqTransformer.decode', `beamSize must be a positive integer, got ${beamSize}`);
    this.eval();
    if (beamSize === 1) return greedyDecode(this, src, bosId, eosId, maxLength);
    return beamDecode(this, src, { bosId, eosId, maxLength, beamSize, lengthPenalty });
  }
}

/** Options of {@link Seq2SeqTransformer.decode}. */
export interface Seq2SeqDecodeOptions {
  /** The start token every output begins with. */
  bosId: number;
  /** The end token (not included in the result). */
  eosId: number;
  /** Most new tokens per output. */
  maxLength: number;
  /** Beam width (1: greedy decoding). Default 1. */
  beamSize?: number;
  /** Beam search ranks finished outputs by log-probability / length^lengthPenalty (fairseq's `lenpen`). Default 0.6. */
  lengthPenalty?: number;
}
