// Classification batches: tokenise examples (with optional [CLS]/[SEP]-style ids and truncation), then pad
// a batch into an int32 ids tensor [B, T], a bool attention mask [B, T] and int32 labels [B].

import { fromArray, ValueError, type Tensor } from '@tsgrad/core';
import type { Tokenizer } from '../tokenizers/types.js';
import type { LabelledText } from './split.js';

/** A tokenised classification example. */
export interface EncodedExample {
  /** The token ids. */
  readonly ids: readonly number[];
  /** The class id. */
  readonly label: number;
}

/** A padded classification batch (Hugging Face's names). */
export interface ClassificationBatch {
  /** Token ids, padded with the pad id: int32 [B, T]. */
  readonly inputIds: Tensor;
  /**
   * True at real tokens, false at padding: bool [B, T]. This is the convention of `scaledDotProductAttention`'s
   * boolean `attnMask` (true = takes part); PyTorch's `src_key_padding_mask` is its `logicalNot()`.
   */
  readonly attentionMask: Tensor;
  /** Class ids: int32 [B]. */
  readonly labels: Tensor;
}

/**
 * Keeps the first `maxLength` ids (or the last, with `side: 'left'`).
 *
 * @example
 * truncate([1, 2, 3, 4], 2); // [1, 2]
 * truncate([1, 2, 3, 4], 2, 'left'); // [3, 4]
 * @param ids - Token ids.
 * @param maxLength - The most to keep.
 * @param side - `'right'` cuts the end (default), `'left'` the start.
 * @returns The kept ids.
 */
export function truncate(ids: readonly number[], maxLength: number, side: 'left' | 'right' = 'right'): number[] {
  if (!Number.isInteger(maxLength) || maxLength < 0) throw new ValueError('truncate', `maxLength must be a whole number, got ${maxLength}`);
  if (ids.length <= maxLength) return [...ids];
  return side === 'right' ? ids.slice(0, maxLength) : ids.slice(ids.length - maxLength);
}

/** Options for `encodeExamples`. */
export interface EncodeExamplesOptions {
  /** Longest sequence kept, prefix and suffix included; the text's ids are cut to fit. */
  readonly maxLength?: number;
  /** Ids put before the text, e.g. `[tok.clsTokenId]` or `[tok.bosTokenId]`. */
  readonly prefix?: readonly number[];
  /** Ids put after the text, e.g. `[tok.sepTokenId]` or `[tok.eosTokenId]`. */
  readonly suffix?: readonly number[];
}

/**
 * Tokenises labelled texts: `prefix + encode(text) + suffix`, the text's ids truncated so the whole fits in
 * `maxLength`.
 *
 * @example
 * const tok = CharTokenizer.fromText('abc', { specialTokens: ['<pad>', '<cls>'] });
 * encodeExamples(tok, [{ text: 'abcab', label: 1 }], { maxLength: 4, prefix: [1] }); // [{ ids: [1, 2, 3, 4], label: 1 }]
 * @param tokenizer - Anything with `encode`.
 * @param examples - Texts with class ids.
 * @param opts - `maxLength`, `prefix`, `suffix`.
 * @returns The tokenised examples.
 */
export function encodeExamples(tokenizer: Pick<Tokenizer, 'encode'>, examples: readonly LabelledText<number>[], opts: EncodeExamplesOptions = {}): EncodedExample[] {
  const prefix = opts.prefix ?? [], suffix = opts.suffix ?? [];
  for (const id of [...prefix, ...suffix]) {
    if (!Number.isInteger(id)) throw new ValueError('encodeExamples', `prefix/suffix ids must be integers, got ${id}`, {}, 'the tokenizer may lack that special token');
  }
  const room = opts.maxLength === undefined ? Infinity : opts.maxLength - prefix.length - suffix.length;
  if (room < 0) throw new ValueError('encodeExamples', `maxLength ${opts.maxLength} is shorter than prefix + suffix (${prefix.length + suffix.length})`);
  return examples.map(({ text, label }) => {
    const body = tokenizer.encode(text);
    return { ids: [...prefix, ...(body.length > room ? body.slice(0, room) : body), ...suffix], label };
  });
}

/**
 * Pads rows of token ids on the right into one int32 tensor (B, T), T the longest row: PyTorch's
 * `pad_sequence(..., batch_first=True, padding_value=padId)` for id lists, as seq2seq batches need.
 *
 * @example
 * padTokenIds([[5, 6, 7], [8]], 0).tolist(); // [[5, 6, 7], [8, 0, 0]]
 * @param rows - Token ids per sequence (at least one row, none of them empty for a non-empty T).
 * @param padId - The id written after each shorter row.
 * @param opts - `device` of the result (default 'cpu').
 * @returns The padded ids (B, T).
 */
export function padTokenIds(rows: readonly (readonly number[])[], padId: number, opts: { device?: string } = {}): Tensor {
  if (rows.length === 0) throw new ValueError('padTokenIds', 'no rows to pad', {}, 'pass at least one sequence');
  if (!Number.isInteger(padId)) throw new ValueError('padTokenIds', `padId must be an integer, got ${padId}`);
  const T = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const ids = new Int32Array(rows.length * T).fill(padId);
  rows.forEach((r, b) => ids.set(r, b * T));
  return fromArray(ids, [rows.length, T], { dtype: 'int32', device: opts.device ?? 'cpu' });
}

/** Options for `collateClassification`. */
export interface CollateOptions {
  /** The id written at padded positions (masked out anyway). */
  readonly padId: number;
  /** Pad (and cut) every batch to this length; by default the batch's longest sequence. */
  readonly padTo?: number;
}

/**
 * Pads a batch of tokenised examples on the right into tensors (PyTorch's `pad_sequence` + a mask).
 *
 * @example
 * const b = collateClassification([{ ids: [5, 6, 7], label: 1 }, { ids: [8], label: 0 }], { padId: 0 });
 * b.inputIds.tolist(); // [[5, 6, 7], [8, 0, 0]]
 * b.attentionMask.tolist(); // [[true, true, true], [true, false, false]]
 * b.labels.tolist(); // [1, 0]
 * @param batch - Tokenised examples.
 * @param opts - `padId`, `padTo`.
 * @returns `inputIds` [B, T], `attentionMask` [B, T], `labels` [B].
 */
export function collateClassification(batch: readonly EncodedExample[], opts: CollateOptions): ClassificationBatch {
  const B = batch.length;
  if (B === 0) throw new ValueError('collateClassification', 'empty batch');
  if (!Number.isInteger(opts.padId)) throw new ValueError('collateClassification', `padId must be an integer, got ${opts.padId}`, {}, 'the tokenizer may have no pad token; pass another id');
  const T = opts.padTo ?? Math.max(...batch.map((x) => x.ids.length));
  const ids = new Int32Array(B * T).fill(opts.padId);
  const mask = new Uint8Array(B * T);
  const labels = new Int32Array(B);
  batch.forEach((x, b) => {
    const n = Math.min(x.ids.length, T);
    for (let t = 0; t < n; t++) {
      ids[b * T + t] = x.ids[t]!;
      mask[b * T + t] = 1;
    }
    if (!Number.isInteger(x.label)) throw new ValueError('collateClassification', `example ${b} has label ${x.label}; labels must be class ids`, {}, 'map labels with labelsToIds first');
    labels[b] = x.label;
  });
  return {
    inputIds: fromArray(ids, [B, T], { dtype: 'int32' }), // (B, T)
    attentionMask: fromArray(mask, [B, T], { dtype: 'bool' }), // (B, T)
    labels: fromArray(labels, [B], { dtype: 'int32' }), // (B)
  };
}
