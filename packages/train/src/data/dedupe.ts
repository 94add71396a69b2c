// Finding the sentences of a corpus that repeat or nearly repeat a task's examples, so that text
// a model is evaluated on is never pretrained on: word 3-gram overlap against an index of the
// task's 3-grams, plus exact matches after normalisation (for sentences too short for 3-grams).

/** Lower case, letters and digits only, one space between words. */
function words(s: string): string[] {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim().split(' ').filter((w) => w.length > 0);
}

function shingles(ws: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= ws.length; i++) out.add(`${ws[i]} ${ws[i + 1]} ${ws[i + 2]}`);
  return out;
}

/**
 * Which `sentences` repeat or nearly repeat one of `references`: the same words after
 * normalisation; or at least `overlap` of the longer one's word 3-grams shared (the same sentence
 * changed in a word or two); or a reference of 6 words or more quoted inside the sentence (80% of
 * its 3-grams). Short common phrases ("it wasn't worth it") alone do not make a duplicate.
 * @param sentences - The candidates (e.g. pretraining sentences).
 * @param references - The texts to keep out (e.g. every sentence of the task, all splits).
 * @param overlap - Share of 3-grams that makes a near duplicate (default 0.5).
 * @returns A flag per sentence: true where it duplicates a reference.
 * @example
 * nearDuplicates(['Great movie, loved it!', 'The cat sat.', 'Honestly, the plot of this film was a total mess.'], ['great movie loved it', 'The plot of this film was a total mess']);
 * // [true, false, true]
 */
export function nearDuplicates(sentences: readonly string[], references: readonly string[], overlap = 0.5): boolean[] {
  const exact = new Set<string>();
  const index = new Map<string, number[]>();
  const sizes: number[] = [];
  references.forEach((r, id) => {
    const ws = words(r);
    exact.add(ws.join(' '));
    const sh = shingles(ws);
    sizes.push(sh.size);
    for (const s of sh) {
      const list = index.get(s);
      if (list) list.push(id);
      else index.set(s, [id]);
    }
  });
  return sentences.map((text) => {
    const ws = words(text);
    if (ws.length === 0) return false;
    if (exact.has(ws.join(' '))) return true;
    const sh = shingles(ws);
    const shared = new Map<number, number>();
    for (const s of sh) for (const id of index.get(s) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
    for (const [id, n] of shared) {
      const ref = sizes[id]!;
      if (n >= overlap * Math.max(sh.size, ref) || (ref >= 4 && n >= 0.8 * ref)) return true;
    }
    return false;
  });
}
