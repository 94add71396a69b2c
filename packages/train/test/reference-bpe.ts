// Slow, obviously-correct reference implementations of BPE for the property tests: the textbook trainer
// (recount every pair after every merge) and GPT-2's original `bpe()` loop (openai/gpt-2 encoder.py).

/** Textbook BPE training with the same tie-break and stopping rules as `learnMerges`. */
export function naiveLearnMerges(
  words: number[][],
  counts: number[],
  tokens: (string | undefined)[],
  vocabSize: number,
  minFrequency: number,
): { merges: [number, number, number][]; tokens: (string | undefined)[] } {
  const ws = words.map((w) => [...w]);
  const toks = [...tokens];
  const merges: [number, number, number][] = [];
  const merged = new Set<string>();
  while (toks.length < vocabSize) {
    const pc = new Map<string, { a: number; b: number; c: number }>();
    ws.forEach((w, wi) => {
      for (let i = 0; i + 1 < w.length; i++) {
        const k = `${w[i]},${w[i + 1]}`;
        const e = pc.get(k) ?? { a: w[i]!, b: w[i + 1]!, c: 0 };
        e.c += counts[wi]!;
        pc.set(k, e);
      }
    });
    let best: { a: number; b: number; c: number } | undefined;
    for (const e of pc.values()) {
      if (!best || e.c > best.c || (e.c === best.c && (e.a < best.a || (e.a === best.a && e.b < best.b)))) best = e;
    }
    if (!best || best.c < minFrequency) break;
    const text = toks[best.a]! + toks[best.b]!;
    let id = toks.indexOf(text);
    if (id < 0) { id = toks.length; toks.push(text); }
    const key = `${best.a},${best.b}`;
    if (!merged.has(key)) merges.push([best.a, best.b, id]);
    merged.add(key);
    for (let wi = 0; wi < ws.length; wi++) ws[wi] = mergeAll(ws[wi]!, best.a, best.b, id);
  }
  return { merges, tokens: toks };
}

function mergeAll(w: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) {
    if (i + 1 < w.length && w[i] === a && w[i + 1] === b) { out.push(id); i++; } else out.push(w[i]!);
  }
  return out;
}

/** GPT-2's `bpe()`: merge the lowest-ranked adjacent pair everywhere (one left-to-right pass), repeat. */
export function naiveBpeWord(symbols: number[], merges: readonly (readonly [number, number, number])[]): number[] {
  const rank = new Map<string, number>();
  merges.forEach(([a, b], r) => { if (!rank.has(`${a},${b}`)) rank.set(`${a},${b}`, r); });
  let word = [...symbols];
  for (;;) {
    let bestRank = Infinity;
    for (let i = 0; i + 1 < word.length; i++) bestRank = Math.min(bestRank, rank.get(`${word[i]},${word[i + 1]}`) ?? Infinity);
    if (bestRank === Infinity) return word;
    const [a, b, id] = merges[bestRank]!;
    word = mergeAll(word, a, b, id);
  }
}
