// SQuAD v1.1's answer metrics, as its official evaluation script computes them: exact match and
// token F1 after normalising both strings (lowercase, ASCII punctuation removed, the articles
// a/an/the removed, whitespace collapsed), each the best over the gold answers, averaged in percent.

import { ValueError } from '@tsgrad/core';

/** Python's string.punctuation (ASCII only, as the script). */
const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
/** Python's str.split() whitespace (it includes \x1c-\x1f, which JS's \s does not, and not \ufeff). */
const WHITESPACE = /[ \t\n\r\v\f\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
/** Python's Unicode \b(a|an|the)\b: a word character is a letter, a number or '_'. */
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * SQuAD's answer normalisation (`normalize_answer` of the v1.1 script): lowercase, remove ASCII
 * punctuation, replace the words a, an and the by a space, then collapse whitespace.
 * @param s - An answer string.
 * @returns The normalised string.
 * @example
 * normalizeAnswer('The  Eiffel-Tower!'); // 'eiffeltower'
 * normalizeAnswer('an apple a day'); // 'apple day'
 */
export function normalizeAnswer(s: string): string {
  const lower = s.toLowerCase();
  let noPunct = '';
  for (const ch of lower) if (!PUNCTUATION.has(ch)) noPunct += ch;
  return noPunct.replace(ARTICLES, ' ').split(WHITESPACE).filter((w) => w !== '').join(' ');
}

/**
 * Whether a prediction equals a gold answer after {@link normalizeAnswer} (1 or 0).
 * @param prediction - The predicted answer.
 * @param gold - One gold answer.
 * @returns 1 for a match, else 0.
 * @example squadExactMatch('the Louvre.', 'Louvre'); // 1
 */
export function squadExactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

/**
 * Token F1 between a prediction and a gold answer (`f1_score` of the v1.1 script): the tokens are
 * the normalised strings split on whitespace, overlap counts repeated tokens at most as often as
 * both have them, F1 = 2PR / (P + R), and 0 when nothing overlaps (also when both are empty).
 * @param prediction - The predicted answer.
 * @param gold - One gold answer.
 * @returns F1 in [0, 1].
 * @example squadF1('in the big city', 'big city hall'); // 0.666... (2 common of 3 and 3 tokens)
 */
export function squadF1(prediction: string, gold: string): number {
  const p = normalizeAnswer(prediction).split(' ').filter((w) => w !== '');
  const g = normalizeAnswer(gold).split(' ').filter((w) => w !== '');
  const counts = new Map<string, number>();
  for (const w of g) counts.set(w, (counts.get(w) ?? 0) + 1);
  let same = 0;
  for (const w of p) {
    const c = counts.get(w) ?? 0;
    if (c > 0) (same++, counts.set(w, c - 1));
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Corpus-level SQuAD scores, in percent. */
export interface SquadScores {
  /** Mean over questions of the best exact match over the gold answers, times 100. */
  exactMatch: number;
  /** Mean over questions of the best token F1 over the gold answers, times 100. */
  f1: number;
}

/**
 * SQuAD v1.1's `evaluate`: per question the best exact match and the best F1 over its gold answers,
 * averaged over the questions, in percent.
 * @param predictions - One predicted answer per question.
 * @param golds - The gold answers of each question (at least one each).
 * @returns Exact match and F1 in [0, 100].
 * @example squadScores(['Denver Broncos', 'Paris'], [['Denver Broncos', 'The Broncos'], ['the city of Paris']]); // { exactMatch: 50, f1: 75 }
 */
export function squadScores(predictions: readonly string[], golds: readonly (readonly string[])[]): SquadScores {
  if (predictions.length !== golds.length) throw new ValueError('squadScores', `predictions and gold answer lists differ in length (${predictions.length} vs ${golds.length})`);
  if (predictions.length === 0) throw new ValueError('squadScores', 'no questions to score');
  let em = 0;
  let f1 = 0;
  predictions.forEach((p, i) => {
    const g = golds[i]!;
    if (g.length === 0) throw new ValueError('squadScores', `question ${i} has no gold answers`, {}, 'give every question at least one gold answer');
    em += Math.max(...g.map((a) => squadExactMatch(p, a)));
    f1 += Math.max(...g.map((a) => squadF1(p, a)));
  });
  return { exactMatch: (100 * em) / predictions.length, f1: (100 * f1) / predictions.length };
}
