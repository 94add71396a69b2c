// SQuAD v1.1 exact match and F1 against values worked by hand from the official script's rules.

import { describe, expect, test } from 'vitest';
import { normalizeAnswer, squadExactMatch, squadF1, squadScores } from '../src/qa/squad-metrics.js';

describe('normalizeAnswer (the v1.1 script: lower, punctuation, articles, whitespace)', () => {
  test('each step, in the script order', () => {
    expect(normalizeAnswer('Hello, World!')).toBe('hello world');
    expect(normalizeAnswer('  multiple\t spaces\n')).toBe('multiple spaces');
    // punctuation is removed before articles: "the-end" becomes "theend", which keeps its "the"
    expect(normalizeAnswer('the-end')).toBe('theend');
    expect(normalizeAnswer("the end's")).toBe('ends');
    // articles only as whole words, in any case
    expect(normalizeAnswer('The Theatre, an Anthem, A day')).toBe('theatre anthem day');
    expect(normalizeAnswer('another banana')).toBe('another banana');
    // a, an, the are removed everywhere, not only at the start
    expect(normalizeAnswer('in a box of the king')).toBe('in box of king');
    // Python's \b is Unicode-aware: "éa" is one word, so its "a" stays
    expect(normalizeAnswer('café a')).toBe('café');
    expect(normalizeAnswer('éa')).toBe('éa');
    // only ASCII punctuation goes ("—" and "¿" stay; '_' is ASCII punctuation too)
    expect(normalizeAnswer('¿qué—sí? $1,000_000')).toBe('¿qué—sí 1000000');
    // Python's split() treats \x1c..\x1f and NBSP as whitespace
    expect(normalizeAnswer('a\x1fb\u00a0c')).toBe('b c');
    expect(normalizeAnswer('')).toBe('');
    expect(normalizeAnswer('The.')).toBe('');
  });
});

describe('exact match and F1', () => {
  test('exact match compares normalised strings', () => {
    expect(squadExactMatch('The Broncos', 'broncos.')).toBe(1);
    expect(squadExactMatch('Broncos', 'Denver Broncos')).toBe(0);
    expect(squadExactMatch('', 'the')).toBe(1); // both normalise to ''
  });

  test('F1 by hand', () => {
    // pred [denver broncos], gold [broncos]: common 1, P 1/2, R 1 -> 2/3
    expect(squadF1('Denver Broncos', 'Broncos')).toBeCloseTo(2 / 3, 15);
    // repeated tokens count at most min(count): pred [big big city] vs [big city city]: common 2, P=R=2/3
    expect(squadF1('big big city', 'big city city')).toBeCloseTo(2 / 3, 15);
    // pred [1 2 3 4] vs gold [3 4 5]: common 2, P 1/2, R 2/3 -> 2*(1/3)/(7/6) = 4/7
    expect(squadF1('1 2 3 4', '3 4 5')).toBeCloseTo(4 / 7, 15);
    expect(squadF1('red', 'blue')).toBe(0);
    // both empty after normalisation: the v1.1 script returns 0 (no common tokens)
    expect(squadF1('the', 'an')).toBe(0);
    expect(squadF1('Paris!', 'paris')).toBe(1);
  });

  test('corpus scores take the best gold answer per question and average in percent', () => {
    // q1: EM 1 (second gold), F1 1; q2: EM 0, F1 max(2/3, 0) = 2/3; q3: EM 0, F1 0
    const s = squadScores(['broncos', 'Denver Broncos', 'x'], [['Denver', 'The Broncos'], ['Broncos', 'y'], ['z']]);
    expect(s.exactMatch).toBeCloseTo(100 / 3, 12);
    expect(s.f1).toBeCloseTo((100 * (1 + 2 / 3)) / 3, 12);
    expect(() => squadScores(['a'], [])).toThrow(/differ in length \(1 vs 0\)/);
    expect(() => squadScores(['a'], [[]])).toThrow(/question 0 has no gold answers/);
    expect(() => squadScores([], [])).toThrow(/no questions/);
  });
});
