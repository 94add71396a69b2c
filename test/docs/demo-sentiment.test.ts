// The browser demo's sentiment classifier (docs/demo/src/sentiment.ts), in Node on the CPU backend:
// the split keeps the held-out sentences out of training, a few dozen steps lift held-out accuracy
// well above chance, and its explanations cover every token with attributions that add up to the
// logit difference (integrated gradients' completeness) and rollout weights that sum to 1.

import { manualSeed } from '@tsgrad/core';
import { loadSentiment } from '@tsgrad/train';
import { describe, expect, test } from 'vitest';
import { SentimentClassifier } from '../../docs/demo/src/sentiment.js';

describe('demo sentiment classifier (docs/demo/src/sentiment.ts)', () => {
  const sentences = loadSentiment().map(({ text, label }) => ({ text, label }));

  test('trains to better than chance on held-out sentences and explains a prediction completely', () => {
    manualSeed(0);
    const clf = new SentimentClassifier(sentences, 0);
    expect(clf.heldOut).toHaveLength(300);
    const before = clf.accuracy();
    const losses = Array.from({ length: 80 }, () => clf.step());
    expect(losses.every(Number.isFinite)).toBe(true);
    const after = clf.accuracy();
    expect(after).toBeGreaterThan(0.62);
    expect(after).toBeGreaterThan(before + 0.05);

    const text = 'The food was great but the service was terrible.';
    const e = clf.explain(text);
    expect(e.tokens.map((t) => t.token).join('')).toBe(`<cls>${text}`);
    expect(e.completenessError).toBeLessThan(0.01);
    const sum = e.tokens.reduce((s, t) => s + t.ig, 0);
    expect(sum).toBeCloseTo(e.logit - e.baselineLogit, 2);
    expect(e.tokens.reduce((s, t) => s + t.rollout, 0)).toBeCloseTo(1, 5);
    expect(clf.model.training).toBe(true); // back in training mode after explaining
  }, 120_000);

  test('a sentence longer than the context is refused with a clear error', () => {
    manualSeed(0);
    const clf = new SentimentClassifier(sentences.slice(0, 200), 1);
    expect(() => clf.explain('good '.repeat(100))).toThrow(/explainClassifier.*more than the model's 64/);
  });
});
