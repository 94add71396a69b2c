// An encoder-decoder Transformer for sequence-to-sequence tasks (the layout of PyTorch's translation
// tutorial): token embeddings scaled by sqrt(d), sinusoidal positions, torch.nn.Transformer, and a
// linear generator; greedy and beam-search decoding.

import { Tensor, ValueError, fromArray, noGrad } from '@tsgrad/core';
import { Embedding, Linear, Module, SinusoidalPositionalEncoding, Transformer } from '@tsgrad/nn';

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

  private embed(emb: Embedding, ids: Tensor): Tensor {
    return this.positional_encoding.forward(emb.forward(ids).mul(Math.sqrt(this.config.dModel))); // (B, L, D)
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
   * Next-token logits (B, T, V) for every target prefix, attending causally over tgt.
   * @param tgt - Target ids so far (B, T) int32.
   * @param memory - From `encode` (B, S, D).
   * @param srcPad - Source padding mask (B, S).
   * @param tgtPad - Target padding mask (B, T), if any.
   * @returns Logits (B, T, tgtVocab).
   */
  decode(tgt: Tensor, memory: Tensor, srcPad: Tensor, tgtPad?: Tensor): Tensor {
    const h = this.transformer.decoder.forward(this.embed(this.tgt_tok_emb, tgt), memory, { tgtIsCausal: true, tgtKeyPaddingMask: tgtPad, memoryKeyPaddingMask: srcPad });
    return this.generator.forward(h);
  }

  /**
   * Logits for teacher forcing: `decode(tgt, encode(src))` with padding masks from `padId`.
   * @param src - Source ids (B, S) int32.
   * @param tgt - Target inputs (B, T) int32 (bos first).
   * @returns Logits (B, T, tgtVocab).
   */
  forward(src: Tensor, tgt: Tensor): Tensor {
    const pad = this.config.padId;
    const srcPad = src.eq(pad);
    return this.decode(tgt, this.encode(src, srcPad), srcPad, tgt.eq(pad));
  }
}

function ids2d(rows: readonly number[][]): Tensor {
  return fromArray(Int32Array.from(rows.flat()), [rows.length, rows[0]!.length], { dtype: 'int32' });
}

/**
 * Greedy decoding of a batch: the most likely token each step, until `eosId` or `maxLen`.
 * @param model - The model (eval mode).
 * @param src - Source ids (B, S) int32.
 * @param bosId - Start token.
 * @param eosId - End token.
 * @param maxLen - Most tokens per output.
 * @returns One id list per source row, without bos and eos.
 * @example
 * const m = new Seq2SeqTransformer({ srcVocab: 10, tgtVocab: 10, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0, maxLen: 8, padId: 0 }).eval();
 * greedyDecode(m, tensor([[4, 5]], { dtype: 'int32' }), 1, 2, 5).length; // 1
 */
export function greedyDecode(model: Seq2SeqTransformer, src: Tensor, bosId: number, eosId: number, maxLen: number): number[][] {
  return noGrad(() => {
    model.eval();
    const srcPad = src.eq(model.config.padId);
    const memory = model.encode(src, srcPad);
    const B = src.shape[0]!;
    const out: number[][] = Array.from({ length: B }, () => [bosId]);
    const done = new Array<boolean>(B).fill(false);
    for (let t = 0; t < maxLen && done.some((d) => !d); t++) {
      const logits = model.decode(ids2d(out), memory, srcPad); // (B, t + 1, V)
      const next = logits.select(1, t).argmax(-1).dataSync();
      out.forEach((row, b) => row.push(done[b] ? eosId : next[b]!));
      next.forEach((id, b) => (done[b] = done[b] || id === eosId));
    }
    return out.map((row) => {
      const body = row.slice(1);
      const end = body.indexOf(eosId);
      return end < 0 ? body : body.slice(0, end);
    });
  });
}

/**
 * Beam search for one source (1, S): keeps the `beam` best prefixes by total log-probability;
 * finished hypotheses are ranked by log-probability / length^alpha (GNMT's length penalty form).
 * Returns the best hypothesis (without bos/eos) and its normalised score.
 * @param model - The model (eval mode).
 * @param src - One source (1, S) int32.
 * @param bosId - Start token.
 * @param eosId - End token.
 * @param maxLen - Most tokens.
 * @param beam - Beam width.
 * @param alpha - Length-penalty exponent.
 * @returns The best ids and score.
 * @example
 * const m = new Seq2SeqTransformer({ srcVocab: 10, tgtVocab: 10, dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32, dropout: 0, maxLen: 8, padId: 0 }).eval();
 * beamDecode(m, tensor([[4, 5]], { dtype: 'int32' }), 1, 2, 5, 3).ids.length <= 5; // true
 */
export function beamDecode(model: Seq2SeqTransformer, src: Tensor, bosId: number, eosId: number, maxLen: number, beam = 4, alpha = 0.6): {
  /** The best hypothesis, without bos and eos. */
  ids: number[];
  /** Its length-normalised log-probability. */
  score: number;
} {
  if (src.shape[0] !== 1) throw new ValueError('beamDecode', `decodes one source at a time, got a batch of ${src.shape[0]}`);
  return noGrad(() => {
    model.eval();
    const srcPad = src.eq(model.config.padId);
    const memory = model.encode(src, srcPad);
    let live: { ids: number[]; logp: number }[] = [{ ids: [bosId], logp: 0 }];
    const finished: { ids: number[]; score: number }[] = [];
    const norm = (logp: number, len: number) => logp / Math.pow(Math.max(1, len), alpha);
    for (let t = 0; t < maxLen && live.length > 0; t++) {
      const k = live.length;
      const logits = model.decode(ids2d(live.map((h) => h.ids)), memory.expand([k, ...memory.shape.slice(1)]), srcPad.expand([k, srcPad.shape[1]!]));
      const logp = logits.select(1, t).logSoftmax(-1).dataSync(); // (k, V)
      const V = logits.shape[2]!;
      const cand: { ids: number[]; logp: number }[] = [];
      live.forEach((h, i) => {
        for (let v = 0; v < V; v++) cand.push({ ids: [...h.ids, v], logp: h.logp + logp[i * V + v]! });
      });
      cand.sort((a, b) => b.logp - a.logp);
      live = [];
      // take candidates best-first: those ending in eos are finished, the first `beam` others live on
      for (const c of cand) {
        if (c.ids[c.ids.length - 1] === eosId) finished.push({ ids: c.ids.slice(1, -1), score: norm(c.logp, c.ids.length - 1) });
        else live.push(c);
        if (live.length >= beam) break;
      }
      if (finished.length >= beam) break;
    }
    for (const h of live) finished.push({ ids: h.ids.slice(1), score: norm(h.logp, h.ids.length - 1) });
    finished.sort((a, b) => b.score - a.score);
    return finished[0]!;
  });
}
