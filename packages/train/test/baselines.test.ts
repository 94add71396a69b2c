// Naive Bayes against probabilities computed by hand.

import { expect, test } from 'vitest';
import { NaiveBayes, words } from '../src/baselines.js';

test('word tokens are lower-cased letters, digits and apostrophes', () => {
  expect(words("Don't STOP, 2 go!")).toEqual(["don't", 'stop', '2', 'go']);
});

test('scores are log prior + sum of smoothed log likelihoods', () => {
  const nb = NaiveBayes.fit([
    { text: 'good good fun', label: 1 },
    { text: 'bad fun', label: 0 },
    { text: 'good', label: 1 },
  ]);
  // vocabulary {good, fun, bad} (3); class 1 has 4 words (good x3, fun), class 0 has 2 (bad, fun)
  const s = nb.scores('good bad');
  expect(s[1]).toBeCloseTo(Math.log(2 / 3) + Math.log(4 / 7) + Math.log(1 / 7), 12);
  expect(s[0]).toBeCloseTo(Math.log(1 / 3) + Math.log(1 / 5) + Math.log(2 / 5), 12);
  expect(nb.predict('good bad')).toBe(1);
  expect(nb.predict('bad bad unseen')).toBe(0);
  expect(() => NaiveBayes.fit([])).toThrow(/no training examples/);
});
