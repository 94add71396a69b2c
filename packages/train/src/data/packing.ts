// Language-model data: documents' token ids concatenated into one stream with an EOS id after each document,
// cut into windows of T + 1 tokens; a batch's inputs are the first T and its targets the last T (shifted by one).

import { fromArray, ValueError, type Tensor } from '@tsgrad/core';

/**
 * Concatenates token sequences into one stream, `eosId` after each (GPT-2's `<|endoftext|>` separator), with
 * an optional `bosId` before each.
 *
 * @example
 * packSequences([[1, 2], [3]], { eosId: 0 }); // [1, 2, 0, 3, 0]
 * @param docs - Token ids per document.
 * @param opts - `eosId` (after each document), `bosId` (before each).
 * @returns The stream.
 */
export function packSequences(docs: Iterable<ArrayLike<number>>, opts: { eosId: number; bosId?: number }): Int32Array {
  if (!Number.isInteger(opts.eosId)) throw new ValueError('packSequences', `eosId must be an integer, got ${opts.eosId}`, {}, 'the tokenizer may have no eos token');
  const parts: ArrayLike<number>[] = [];
  let n = 0;
  for (const d of docs) {
    parts.push(d);
    n += d.length + 1 + (opts.bosId === undefined ? 0 : 1);
  }
  const out = new Int32Array(n);
  let k = 0;
  for (const d of parts) {
    if (opts.bosId !== undefined) out[k++] = opts.bosId;
    out.set(d, k);
    k += d.length;
    out[k++] = opts.eosId;
  }
  return out;
}

/**
 * The windows of a packed stream: window `i` is `stream[i*T .. i*T + T]` (T + 1 tokens), so consecutive windows
 * share one token and every token after the first is a target exactly once. Works with `DataLoader` (it has
 * `length` and `at`).
 *
 * @example
 * const ds = new PackedLMDataset(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 3);
 * ds.length; // 2
 * Array.from(ds.at(1)!); // [3, 4, 5, 6]
 */
export class PackedLMDataset {
  /** Number of windows. */
  readonly length: number;

  /**
   * @param stream - A packed token stream.
   * @param blockSize - Context length T (windows hold T + 1 tokens).
   */
  constructor(readonly stream: Int32Array, readonly blockSize: number) {
    if (!Number.isInteger(blockSize) || blockSize < 1) throw new ValueError('PackedLMDataset', `blockSize must be a positive integer, got ${blockSize}`);
    this.length = Math.max(0, Math.floor((stream.length - 1) / blockSize));
    if (this.length === 0) throw new ValueError('PackedLMDataset', `a stream of ${stream.length} tokens holds no window of ${blockSize + 1}`, {}, 'use more text or a smaller blockSize');
  }

  /**
   * Window `i` (T + 1 tokens, a view on the stream), or undefined when out of range.
   * @param i - Window index.
   * @returns The window, or undefined.
   */
  at(i: number): Int32Array | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    return this.stream.subarray(i * this.blockSize, i * this.blockSize + this.blockSize + 1);
  }
}

/** An LM batch: inputs and next-token targets. */
export interface LMBatch {
  /** int32 [B, T]. */
  readonly inputIds: Tensor;
  /** int32 [B, T]: `targets[b, t]` is the token after `inputIds[b, t]`. */
  readonly targets: Tensor;
}

/**
 * Stacks windows of T + 1 tokens into inputs (first T) and targets (last T).
 *
 * @example
 * const b = collateLM([Int32Array.from([1, 2, 3]), Int32Array.from([4, 5, 6])]);
 * b.inputIds.tolist(); // [[1, 2], [4, 5]]
 * b.targets.tolist(); // [[2, 3], [5, 6]]
 * @param windows - Windows of T + 1 tokens each.
 * @returns `inputIds` [B, T] and `targets` [B, T], int32.
 */
export function collateLM(windows: readonly ArrayLike<number>[]): LMBatch {
  const B = windows.length;
  if (B === 0) throw new ValueError('collateLM', 'empty batch');
  const T = windows[0]!.length - 1;
  if (T < 1) throw new ValueError('collateLM', 'windows need at least 2 tokens');
  const x = new Int32Array(B * T), y = new Int32Array(B * T);
  windows.forEach((w, b) => {
    if (w.length !== T + 1) throw new ValueError('collateLM', `window ${b} has ${w.length} tokens, window 0 has ${T + 1}`);
    for (let t = 0; t < T; t++) {
      x[b * T + t] = w[t]!;
      y[b * T + t] = w[t + 1]!;
    }
  });
  return { inputIds: fromArray(x, [B, T], { dtype: 'int32' }), targets: fromArray(y, [B, T], { dtype: 'int32' }) }; // (B, T) each
}
