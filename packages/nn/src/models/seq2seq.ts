// An encoder-decoder Transformer for sequence-to-sequence tasks (the layout of PyTorch's translation
// tutorial): token embeddings scaled by sqrt(d), sinusoidal positions, torch.nn.Transformer, and a
// linear generator; greedy and beam-search decoding on any device.

import { Tensor, ValueError, dispose, fromArray, noGrad, scope, scopeData } from '@tsgrad/core';
import { Module } from '../module.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import { SinusoidalPositionalEncoding } from '../attention/positional.js';
import { Transformer } from '../transformer/transformer.js';

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
   * `eosId` or `maxLength` new tokens, with autograd off and the model in eval mode. Runs on the
   * model's device (it reads one small tensor back per step); every tensor it makes is freed.
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
    if (beamSize === 1) return greedy(this, src, bosId, eosId, maxLength);
    const out: number[][] = [];
    for (let b = 0; b < src.shape[0]!; b++) out.push(await beam(this, src.narrow(0, b, 1), bosId, eosId, maxLength, beamSize, lengthPenalty));
    return out;
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

function ids2d(rows: readonly number[][], device: string): Tensor {
  return fromArray(Int32Array.from(rows.flat()), [rows.length, rows[0]!.length], { dtype: 'int32', device });
}

/** Encoder memory and source padding mask of `src` (the encoder's intermediates freed; the caller frees these two). */
function encoded(model: Seq2SeqTransformer, src: Tensor): { memory: Tensor; srcPad: Tensor } {
  return scope(() => noGrad(() => {
    const srcPad = src.eq(model.config.padId);
    return { memory: model.encode(src, srcPad), srcPad };
  }));
}

async function greedy(model: Seq2SeqTransformer, src: Tensor, bosId: number, eosId: number, maxLength: number): Promise<number[][]> {
  const { memory, srcPad } = encoded(model, src);
  const B = src.shape[0]!;
  const out: number[][] = Array.from({ length: B }, () => [bosId]);
  const done = new Array<boolean>(B).fill(false);
  try {
    for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
      const next = await scopeData(() => noGrad(() => model.decodeLogits(ids2d(out, src.device), memory, srcPad).select(1, t).argmax(-1)));
      out.forEach((row, b) => row.push(done[b] ? eosId : next[b]!));
      next.forEach((id, b) => (done[b] = done[b] || id === eosId));
    }
  } finally {
    dispose([memory, srcPad]);
  }
  return out.map((row) => {
    const body = row.slice(1);
    const end = body.indexOf(eosId);
    return end < 0 ? body : body.slice(0, end);
  });
}

/** The n best (value, index) pairs of row i of a (k, V) array, best first. */
function topOfRow(logp: ArrayLike<number>, i: number, V: number, n: number): [number, number][] {
  const best: [number, number][] = [];
  for (let v = 0; v < V; v++) {
    const x = logp[i * V + v]!;
    if (best.length === n && x <= best[n - 1]![0]) continue;
    let j = best.length === n ? n - 1 : best.length;
    while (j > 0 && best[j - 1]![0] < x) j--;
    best.splice(j, 0, [x, v]);
    if (best.length > n) best.pop();
  }
  return best;
}

// beam search of one source (1, S): the `beamSize` best prefixes by total log-probability live on;
// finished outputs are ranked by log-probability / length^lengthPenalty
async function beam(model: Seq2SeqTransformer, src: Tensor, bosId: number, eosId: number, maxLength: number, beamSize: number, lengthPenalty: number): Promise<number[]> {
  const { memory, srcPad } = encoded(model, src);
  let live: { ids: number[]; logp: number }[] = [{ ids: [bosId], logp: 0 }];
  const finished: { ids: number[]; score: number }[] = [];
  const norm = (logp: number, len: number) => logp / Math.pow(Math.max(1, len), lengthPenalty);
  try {
    for (let t = 0; t < maxLength && live.length > 0; t++) {
      const k = live.length;
      const V = model.config.tgtVocab;
      const logp = await scopeData(() => noGrad(() =>
        model.decodeLogits(ids2d(live.map((h) => h.ids), src.device), memory.expand([k, ...memory.shape.slice(1)]), srcPad.expand([k, srcPad.shape[1]!])).select(1, t).logSoftmax(-1)));
      // 2 x beam candidates per hypothesis leave at least `beamSize` that do not end in eos
      const cand = live.flatMap((h, i) => topOfRow(logp, i, V, 2 * beamSize).map(([x, v]) => ({ ids: [...h.ids, v], logp: h.logp + x })));
      cand.sort((a, b) => b.logp - a.logp);
      live = [];
      for (const c of cand) {
        if (c.ids[c.ids.length - 1] === eosId) finished.push({ ids: c.ids.slice(1, -1), score: norm(c.logp, c.ids.length - 1) });
        else live.push(c);
        if (live.length >= beamSize) break;
      }
      if (finished.length >= beamSize) break;
    }
  } finally {
    dispose([memory, srcPad]);
  }
  for (const h of live) finished.push({ ids: h.ids.slice(1), score: norm(h.logp, h.ids.length - 1) });
  finished.sort((a, b) => b.score - a.score);
  return finished[0]!.ids;
}

