// The BPE merge learner: given unique words (as symbol ids) and their counts, repeatedly merge the most
// frequent adjacent pair. Pair counts are updated incrementally and a lazy max-heap picks the next pair, so
// the cost grows with the occurrences each merge touches, never with (merges x corpus) or word length squared.

import { PairHeap } from './heap.js';

/** Input to `learnMerges`. */
export interface LearnMergesInput {
  /** Each unique word as its initial symbol ids. */
  readonly words: readonly ArrayLike<number>[];
  /** How often each word occurs. */
  readonly counts: readonly number[];
  /** Token text of every id in use so far (`undefined` for ids never merged, such as special tokens). */
  readonly tokens: readonly (string | undefined)[];
  /** Stop once this many ids exist. */
  readonly vocabSize: number;
  /** Stop when the most frequent pair occurs fewer times than this. */
  readonly minFrequency: number;
}

/** Output of `learnMerges`. */
export interface LearnMergesResult {
  /** Merges in rank order: `[left, right, result]` ids. */
  readonly merges: [number, number, number][];
  /** Token text of every id, new ones appended. */
  readonly tokens: (string | undefined)[];
}

/**
 * Learns BPE merges (Sennrich et al. 2016, as in Hugging Face's `BpeTrainer`): the most frequent pair wins, ties
 * go to the smallest `(left, right)` ids. A merge whose text already is a token reuses that id (the vocabulary
 * then does not grow); a pair merged before is merged again but not listed twice. Merges apply left to right
 * within a word, exactly as encoding applies them.
 * - Paper: https://arxiv.org/abs/1508.07909
 *
 * @example
 * const r = learnMerges({ words: [[0, 1, 0, 1]], counts: [3], tokens: ['a', 'b'], vocabSize: 4, minFrequency: 1 });
 * r.merges; // [[0, 1, 2], [2, 2, 3]] ('ab', then 'abab')
 * @param input - Words as id sequences, their counts, the tokens so far, `vocabSize`, `minFrequency`.
 * @returns The merges `[left, right, newId]` and the grown token list.
 */
export function learnMerges(input: LearnMergesInput): LearnMergesResult {
  const { words, counts, vocabSize, minFrequency } = input;
  const tokens = [...input.tokens];
  const byText = new Map<string, number>();
  tokens.forEach((t, id) => { if (t !== undefined && !byText.has(t)) byText.set(t, id); });
  const M = Math.max(vocabSize, tokens.length); // pair key = left * M + right, below 2^53 for any sane vocab

  // Flat doubly linked symbol lists, one per word; sym = -1 marks a symbol merged into its left neighbour.
  let total = 0;
  for (const w of words) total += w.length;
  const sym = new Int32Array(total), next = new Int32Array(total), prev = new Int32Array(total);
  const freq = new Float64Array(total);
  const pairCount = new Map<number, number>();
  const pairPos = new Map<number, number[]>();
  const addPair = (key: number, f: number, pos: number): void => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + f);
    const list = pairPos.get(key);
    if (list) list.push(pos); else pairPos.set(key, [pos]);
  };
  let k = 0;
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!, f = counts[w]!;
    for (let i = 0; i < word.length; i++, k++) {
      sym[k] = word[i]!;
      freq[k] = f;
      prev[k] = i === 0 ? -1 : k - 1;
      next[k] = i === word.length - 1 ? -1 : k + 1;
      if (i > 0) addPair(sym[k - 1]! * M + sym[k]!, f, k - 1);
    }
  }

  const heap = new PairHeap(); // (-count, key): most frequent first, then smallest key
  for (const [key, c] of pairCount) heap.push(-c, key);
  const merges: [number, number, number][] = [];
  const merged = new Set<number>();
  const grown = new Set<number>();
  while (tokens.length < vocabSize && heap.pop()) {
    const key = heap.secondary;
    const count = pairCount.get(key) ?? 0;
    if (count !== -heap.primary) { // stale entry: the count fell since it was pushed
      if (count > 0) heap.push(-count, key);
      continue;
    }
    if (count < minFrequency || count <= 0) break;
    const a = Math.floor(key / M), b = key % M;
    const text = tokens[a]! + tokens[b]!;
    let id = byText.get(text);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(text);
      byText.set(text, id);
    }
    if (!merged.has(key)) merges.push([a, b, id]);
    merged.add(key);

    const positions = Int32Array.from(pairPos.get(key)!).sort(); // ascending: left to right in each word
    pairCount.delete(key);
    pairPos.delete(key);
    grown.clear();
    const dec = (kk: number, f: number): void => {
      const c = (pairCount.get(kk) ?? 0) - f;
      if (c > 0) pairCount.set(kk, c);
      else { pairCount.delete(kk); pairPos.delete(kk); } // no live occurrence is left
    };
    for (let j = 0; j < positions.length; j++) {
      const pos = positions[j]!;
      const right = next[pos]!;
      if (sym[pos] !== a || right < 0 || sym[right] !== b) continue; // stale occurrence
      const f = freq[pos]!, p = prev[pos]!, n = next[right]!;
      if (p >= 0) {
        dec(sym[p]! * M + a, f);
        addPair(sym[p]! * M + id, f, p);
        grown.add(sym[p]! * M + id);
      }
      if (n >= 0) {
        dec(b * M + sym[n]!, f);
        addPair(id * M + sym[n]!, f, pos);
        grown.add(id * M + sym[n]!);
        prev[n] = pos;
      }
      sym[pos] = id;
      sym[right] = -1;
      next[pos] = n;
    }
    pairCount.delete(key); // an overlapping run such as 'aaa' may have touched its own count
    for (const g of grown) {
      const c = pairCount.get(g) ?? 0;
      if (c > 0) heap.push(-c, g);
    }
  }
  return { merges, tokens };
}
