// A classical baseline for text classification: multinomial Naive Bayes over bag-of-words counts
// with Laplace smoothing, to put the neural models' numbers in context.

import { ValueError } from '@tsgrad/core';

/**
 * Lower-cased word tokens (letters, digits and apostrophes).
 * @param text - The text.
 * @returns The words.
 * @example words("Don't stop, 2 go!"); // ["don't", 'stop', '2', 'go']
 */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

/**
 * Multinomial Naive Bayes (McCallum & Nigam, 1998) with add-`alpha` smoothing.
 * @example
 * const nb = NaiveBayes.fit([{ text: 'great fun', label: 1 }, { text: 'awful', label: 0 }]);
 * nb.predict('so much fun'); // 1
 */
export class NaiveBayes {
  private constructor(
    private readonly logPrior: number[],
    private readonly logLikelihood: Map<string, number[]>,
    private readonly logUnseen: number[],
  ) {}

  /**
   * Fits class priors and per-class word likelihoods from labelled texts (labels 0..C-1).
   * @param examples - Texts with class ids.
   * @param opts - `alpha`: the smoothing count (default 1).
   * @returns The fitted model.
   */
  static fit(examples: readonly { text: string; label: number }[], opts: { alpha?: number } = {}): NaiveBayes {
    const alpha = opts.alpha ?? 1;
    if (examples.length === 0) throw new ValueError('NaiveBayes.fit', 'no training examples');
    const classes = Math.max(...examples.map((e) => e.label)) + 1;
    const docs = new Array<number>(classes).fill(0);
    const totals = new Array<number>(classes).fill(0);
    const counts = new Map<string, number[]>();
    for (const { text, label } of examples) {
      if (!Number.isInteger(label) || label < 0) throw new ValueError('NaiveBayes.fit', `labels must be non-negative integers, got ${label}`);
      docs[label]!++;
      for (const w of words(text)) {
        let c = counts.get(w);
        if (!c) counts.set(w, (c = new Array<number>(classes).fill(0)));
        c[label]!++;
        totals[label]!++;
      }
    }
    const v = counts.size;
    const denom = totals.map((t) => t + alpha * v);
    const ll = new Map<string, number[]>();
    for (const [w, c] of counts) ll.set(w, c.map((n, k) => Math.log((n + alpha) / denom[k]!)));
    const prior = docs.map((d) => Math.log(Math.max(d, 1e-12) / examples.length));
    return new NaiveBayes(prior, ll, denom.map((d) => Math.log(alpha / d)));
  }

  /**
   * Log-probabilities (up to a constant) of each class for `text`.
   * @param text - The text.
   * @returns One score per class.
   */
  scores(text: string): number[] {
    const s = [...this.logPrior];
    for (const w of words(text)) {
      const l = this.logLikelihood.get(w);
      if (!l) continue; // words never seen in training carry no evidence
      for (let k = 0; k < s.length; k++) s[k]! += l[k]!;
    }
    return s;
  }

  /**
   * The most likely class.
   * @param text - The text.
   * @returns Its class id.
   */
  predict(text: string): number {
    const s = this.scores(text);
    return s.indexOf(Math.max(...s));
  }
}
