// The word-by-word baseline of the translation report: a bilingual dictionary learned from the
// training pairs alone with IBM Model 1 (Brown et al. 1993): EM over the word alignments of
// every pair, t(target word | source word) with a NULL source word, then each source word's most
// likely target word. Words are 13a tokens (sacreBLEU's), case kept.

import { tokenize13a } from './bleu.js';

/** A learned source-word -> target-word dictionary. */
export interface WordDictionary {
  /** Best target word per source word. */
  readonly entries: ReadonlyMap<string, string>;
  /**
   * Word-by-word translation: each source token replaced by its entry; unknown tokens are copied
   * (names and numbers often survive translation unchanged).
   * @param text - A source sentence.
   * @returns The target sentence, tokens joined by spaces.
   */
  translate(text: string): string;
}

/**
 * Learns a word dictionary from sentence pairs with IBM Model 1.
 * @param pairs - Training pairs `{ src, tgt }`.
 * @param opts - `iterations` of EM (default 5).
 * @returns The dictionary.
 * @example
 * const d = learnDictionary([
 *   { src: 'the house', tgt: 'la casa' }, { src: 'the book', tgt: 'el libro' },
 *   { src: 'a book', tgt: 'un libro' }, { src: 'a house', tgt: 'una casa' },
 * ], { iterations: 10 });
 * d.entries.get('house'); // 'casa'
 * d.entries.get('book'); // 'libro'
 */
export function learnDictionary(pairs: readonly { src: string; tgt: string }[], opts: { iterations?: number } = {}): WordDictionary {
  const srcIds = new Map<string, number>([['<null>', 0]]);
  const tgtIds = new Map<string, number>();
  const id = (m: Map<string, number>, w: string) => {
    let i = m.get(w);
    if (i === undefined) m.set(w, (i = m.size));
    return i;
  };
  const data = pairs.map((p) => ({
    s: Int32Array.from([0, ...tokenize13a(p.src).split(' ').filter(Boolean).map((w) => id(srcIds, w))]),
    t: Int32Array.from(tokenize13a(p.tgt).split(' ').filter(Boolean).map((w) => id(tgtIds, w))),
  }));
  const F = tgtIds.size;
  const key = (e: number, f: number) => e * F + f;
  let t = new Map<number, number>(); // t(f | e), uniform at the start
  for (const { s, t: tt } of data) for (const e of s) for (const f of tt) t.set(key(e, f), 1);
  for (let it = 0; it < (opts.iterations ?? 5); it++) {
    const count = new Map<number, number>();
    const total = new Float64Array(srcIds.size);
    for (const { s, t: tt } of data) {
      for (const f of tt) {
        let z = 0;
        for (const e of s) z += t.get(key(e, f))!;
        for (const e of s) {
          const c = t.get(key(e, f))! / z;
          const k = key(e, f);
          count.set(k, (count.get(k) ?? 0) + c);
          total[e]! += c;
        }
      }
    }
    for (const [k, c] of count) count.set(k, c / total[Math.floor(k / F)]!);
    t = count;
  }
  const best = new Map<number, [number, number]>();
  for (const [k, p] of t) {
    const e = Math.floor(k / F);
    const b = best.get(e);
    if (!b || p > b[1]) best.set(e, [k - e * F, p]);
  }
  const srcWords = [...srcIds.keys()];
  const tgtWords = [...tgtIds.keys()];
  const entries = new Map<string, string>();
  for (const [e, [f]] of best) if (e > 0) entries.set(srcWords[e]!, tgtWords[f]!);
  return {
    entries,
    translate: (text) => tokenize13a(text).split(' ').filter(Boolean).map((w) => entries.get(w) ?? w).join(' '),
  };
}
