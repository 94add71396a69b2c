// Decoding for encoder-decoder models, one new token per row and step with KV caches: greedy
// decoding and beam search over the whole batch of sources at once. Rows whose output is finished
// leave the batch; beam search reorders the caches to each surviving hypothesis's parent row.

import { type Tensor, dispose, fromArray, keep, noGrad, scope } from '@tsgrad/core';
import { KVCache } from '../attention/kv-cache.js';

/** Per decoder layer: the self-attention cache and the memory's projected keys and values. */
export interface Seq2SeqCaches {
  /** Self-attention keys/values of the tokens fed so far, one cache per decoder layer. */
  self: KVCache[];
  /** Cross-attention keys/values of the encoder's memory, one cache per decoder layer (filled by the first step). */
  memory: KVCache[];
}

/** What decoding needs of an encoder-decoder model (Seq2SeqTransformer has it). */
export interface IncrementalSeq2Seq {
  /** `padId` marks source padding; `tgtVocab` is the width of the logits. */
  readonly config: { readonly padId: number; readonly tgtVocab: number };
  /** Encoder states (B, S, D) of src (B, S) with its padding mask (B, S). */
  encode(src: Tensor, srcPad: Tensor): Tensor;
  /** Empty caches, one pair per decoder layer. */
  createCaches(): Seq2SeqCaches;
  /** Logits (R, V) after `tokens` (R, T), the earlier tokens' keys and values being in `caches`. */
  decodeStep(tokens: Tensor, memory: Tensor, srcPad: Tensor, caches: Seq2SeqCaches): Tensor;
}

const cachesOf = (c: Seq2SeqCaches): KVCache[] => [...c.self, ...c.memory];
const tensorsOf = (c: Seq2SeqCaches): Tensor[] => cachesOf(c).flatMap((k) => (k.key && k.value ? [k.key, k.value] : []));

/**
 * One decoding run over a batch of sources: the encoder's memory, the caches and the rows alive.
 * Every tensor it makes is freed by `next` (the ones it replaces) or by `free`.
 */
class DecodeSession {
  private readonly caches: Seq2SeqCaches;
  private readonly memory: Tensor;
  private readonly srcPad: Tensor;
  private pad: Tensor; // the source padding of each live row (R, S)

  constructor(private readonly model: IncrementalSeq2Seq, src: Tensor) {
    ({ memory: this.memory, srcPad: this.srcPad } = scope(() => noGrad(() => {
      const srcPad = src.eq(model.config.padId);
      return { memory: model.encode(src, srcPad), srcPad };
    })));
    this.pad = this.srcPad;
    this.caches = model.createCaches();
  }

  /**
   * Log-probabilities (R x V, row-major) of the token after `tokens`: row r feeds tokens[r] and
   * continues row parents[r] of the previous step (null: the same rows as before).
   */
  async next(tokens: readonly number[], parents: readonly number[] | null): Promise<ArrayLike<number>> {
    const before = [...tensorsOf(this.caches), this.pad];
    const device = this.memory.device;
    const logp = scope(() => noGrad(() => {
      if (parents) {
        const idx = fromArray(Int32Array.from(parents), [parents.length], { dtype: 'int32', device });
        for (const c of cachesOf(this.caches)) {
          if (c.key && c.value) [c.key, c.value] = [c.key.indexSelect(0, idx), c.value.indexSelect(0, idx)];
        }
        this.pad = this.pad.indexSelect(0, idx);
      }
      const ids = fromArray(Int32Array.from(tokens), [tokens.length, 1], { dtype: 'int32', device });
      const out = this.model.decodeStep(ids, this.memory, this.pad, this.caches).logSoftmax(-1); // (R, V)
      keep([...tensorsOf(this.caches), this.pad]);
      return out;
    }));
    const live = new Set([...tensorsOf(this.caches), this.pad, this.srcPad]);
    dispose(before.filter((t) => !live.has(t)));
    try {
      return await logp.data();
    } finally {
      dispose(logp);
    }
  }

  /** Frees the memory, the masks and the caches. */
  free(): void {
    dispose([...tensorsOf(this.caches), this.memory, this.srcPad, ...(this.pad === this.srcPad ? [] : [this.pad])]);
    for (const c of cachesOf(this.caches)) c.reset();
  }
}

/**
 * Greedy decoding of a batch of sources (B, S): the likeliest next token per row until `eosId` or
 * `maxLength` new tokens; finished rows leave the batch.
 * @param model - The encoder-decoder.
 * @param src - Source ids (B, S) int32, padded with `padId`.
 * @param bosId - Start token.
 * @param eosId - End token.
 * @param maxLength - Most new tokens.
 * @returns One id list per source, without bos and eos.
 */
export async function greedyDecode(model: IncrementalSeq2Seq, src: Tensor, bosId: number, eosId: number, maxLength: number): Promise<number[][]> {
  const B = src.shape[0]!;
  const out: number[][] = Array.from({ length: B }, () => []);
  const session = new DecodeSession(model, src);
  try {
    let rows = out.map((_, b) => b); // the source of each live row
    let parents: number[] | null = null;
    let tokens = rows.map(() => bosId);
    for (let t = 0; t < maxLength && rows.length > 0; t++) {
      const logp = await session.next(tokens, parents);
      const next = rows.map((_, r) => topOfRow(logp, r, model.config.tgtVocab, 1)[0]![1]); // the first of equal maxima, as argmax
      const keepRows = rows.flatMap((b, r) => (next[r] === eosId ? [] : [r]));
      rows.forEach((b, r) => next[r] !== eosId && out[b]!.push(next[r]!));
      parents = keepRows.length === rows.length ? null : keepRows;
      tokens = keepRows.map((r) => next[r]!);
      rows = keepRows.map((r) => rows[r]!);
    }
  } finally {
    session.free();
  }
  return out;
}

/** The n best (value, index) pairs of row i of a (R, V) array, best first. */
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

interface Hypothesis {
  ids: number[];
  logp: number;
  row: number; // its row in the step that fed its last token
}

/**
 * Beam search over a batch of sources (B, S) at once: per source, the `beamSize` best prefixes by
 * total log-probability live on (all sources' in one batch); a source stops when it holds
 * `beamSize` finished outputs, or at `maxLength` new tokens. Finished outputs are ranked by
 * log-probability / length^lengthPenalty (fairseq's `lenpen`).
 * @param model - The encoder-decoder.
 * @param src - Source ids (B, S) int32, padded with `padId`.
 * @param opts - Start and end ids, the length limit, the beam width and the length penalty.
 * @returns One id list per source, without bos and eos.
 */
export async function beamDecode(model: IncrementalSeq2Seq, src: Tensor, opts: { bosId: number; eosId: number; maxLength: number; beamSize: number; lengthPenalty: number }): Promise<number[][]> {
  const { bosId, eosId, maxLength, beamSize, lengthPenalty } = opts;
  const B = src.shape[0]!;
  const V = model.config.tgtVocab;
  const norm = (logp: number, len: number) => logp / Math.pow(Math.max(1, len), lengthPenalty);
  const live: Hypothesis[][] = Array.from({ length: B }, (_, b) => [{ ids: [bosId], logp: 0, row: b }]);
  const finished: { ids: number[]; score: number }[][] = Array.from({ length: B }, () => []);
  const active = new Set(live.keys());
  const session = new DecodeSession(model, src);
  try {
    let parents: number[] | null = null;
    for (let t = 0; t < maxLength && active.size > 0; t++) {
      const order = [...active].flatMap((b) => live[b]!); // this step's rows
      const logp = await session.next(order.map((h) => h.ids[h.ids.length - 1]!), parents);
      order.forEach((h, r) => (h.row = r));
      for (const b of active) {
        // 2 x beam candidates per hypothesis leave at least `beamSize` that do not end in eos
        const cand = live[b]!.flatMap((h) => topOfRow(logp, h.row, V, 2 * beamSize).map(([x, v]) => ({ ids: [...h.ids, v], logp: h.logp + x, row: h.row })));
        cand.sort((x, y) => y.logp - x.logp);
        live[b] = [];
        for (const c of cand) {
          if (c.ids[c.ids.length - 1] === eosId) finished[b]!.push({ ids: c.ids.slice(1, -1), score: norm(c.logp, c.ids.length - 1) });
          else live[b]!.push(c);
          if (live[b]!.length >= beamSize) break;
        }
        if (finished[b]!.length >= beamSize || live[b]!.length === 0) active.delete(b);
      }
      parents = [...active].flatMap((b) => live[b]!.map((h) => h.row));
    }
  } finally {
    session.free();
  }
  return finished.map((f, b) => {
    const all = [...f, ...live[b]!.map((h) => ({ ids: h.ids.slice(1), score: norm(h.logp, h.ids.length - 1) }))];
    all.sort((x, y) => y.score - x.score);
    return all[0]!.ids;
  });
}
