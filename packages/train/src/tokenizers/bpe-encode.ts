// Applying learned BPE merges to one word: GPT-2's rule (merge the lowest-ranked adjacent pair everywhere,
// left to right, repeat), run with a heap over a linked list so a long word costs O(n log n), not O(n^2).

import { PairHeap } from './heap.js';

/** A merge table: pair key `left * stride + right` -> rank, and each rank's resulting id. */
export interface MergeTable {
  readonly stride: number;
  readonly rank: ReadonlyMap<number, number>;
  readonly result: Int32Array;
}

/**
 * Builds a merge table from `[left, right, result]` triples in rank order (the first listing of a pair wins).
 *
 * @example
 * const t = buildMergeTable([[0, 1, 2]], 3);
 * t.rank.get(0 * 3 + 1); // 0
 */
export function buildMergeTable(merges: readonly (readonly [number, number, number])[], stride: number): MergeTable {
  const rank = new Map<number, number>();
  const result = new Int32Array(merges.length);
  merges.forEach(([a, b, r], i) => {
    const key = a * stride + b;
    if (!rank.has(key)) rank.set(key, i);
    result[i] = r;
  });
  return { stride, rank, result };
}

/**
 * Merges the symbols of one word in place of GPT-2's `bpe()` loop and returns the final ids. Occurrences of
 * the same rank are merged left to right as one batch before any lower-ranked pair they create is considered,
 * which is exactly what GPT-2's loop does.
 *
 * @example
 * const t = buildMergeTable([[0, 1, 2], [2, 2, 3]], 4);
 * bpeWord([0, 1, 0, 1, 0], t); // [3, 0]
 */
export function bpeWord(symbols: ArrayLike<number>, table: MergeTable): number[] {
  const n = symbols.length;
  if (n < 2) return Array.from(symbols);
  const { stride, rank, result } = table;
  const sym = Int32Array.from(symbols);
  const next = new Int32Array(n), prev = new Int32Array(n);
  const heap = new PairHeap(); // (rank, position of the pair's left symbol)
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
    if (i + 1 < n) {
      const r = rank.get(sym[i]! * stride + sym[i + 1]!);
      if (r !== undefined) heap.push(r, i);
    }
  }
  const created: number[] = [];
  const stamp = new Int32Array(n); // batch number in which a symbol was produced by a merge
  let batch = 0;
  let hasEntry = heap.pop();
  while (hasEntry) {
    const r = heap.primary;
    created.length = 0;
    batch++;
    do { // one rank, all positions, left to right; a symbol made in this batch waits for the next (as GPT-2's pass)
      const i = heap.secondary;
      const j = sym[i] !== -1 && stamp[i] !== batch ? next[i]! : -1;
      if (j >= 0 && rank.get(sym[i]! * stride + sym[j]!) === r) {
        stamp[i] = batch;
        sym[i] = result[r]!;
        sym[j] = -1;
        const k = next[j]!;
        next[i] = k;
        if (k >= 0) prev[k] = i;
        created.push(i);
      }
      hasEntry = heap.pop();
    } while (hasEntry && heap.primary === r);
    if (hasEntry) heap.push(heap.primary, heap.secondary); // put back the first entry of the next rank
    for (const i of created) { // pairs the merged symbols now form with their neighbours
      if (sym[i] === -1) continue;
      const p = prev[i]!, k = next[i]!;
      if (p >= 0) {
        const rp = rank.get(sym[p]! * stride + sym[i]!);
        if (rp !== undefined) heap.push(rp, p);
      }
      if (k >= 0) {
        const rk = rank.get(sym[i]! * stride + sym[k]!);
        if (rk !== undefined) heap.push(rk, i);
      }
    }
    hasEntry = heap.pop();
  }
  const out: number[] = [];
  for (let i = 0; i !== -1; i = next[i]!) out.push(sym[i]!);
  return out;
}
