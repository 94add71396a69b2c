// Metrics against hand-computed values.

import { expect, test } from 'vitest';
import { tensor } from '@tsgrad/core';
import { accuracy, editDistance, errorRate, macroF1, perplexity, tokenAccuracy } from '../src/metrics.js';

test('accuracy on arrays and tensors', () => {
  expect(accuracy([1, 0, 1, 1], [1, 1, 1, 0])).toBe(0.5);
  expect(accuracy(tensor([2, 2], { dtype: 'int32' }), [2, 2])).toBe(1);
  expect(() => accuracy([1], [1, 2])).toThrow(/differ in length \(1 vs 2\)/);
});

test('macro F1 averages per-class F1', () => {
  // class 0: tp 1, fp 0, fn 1 -> F1 = 2/3; class 1: tp 1, fp 1, fn 0 -> F1 = 2/3
  expect(macroF1([0, 1, 1], [0, 1, 0])).toBeCloseTo(2 / 3, 12);
  // class 2 never predicted nor seen; class 1 predicted once wrongly: F1 0
  expect(macroF1([0, 0, 1], [0, 0, 0], 3)).toBeCloseTo((0.8 + 0) / 2, 12);
});

test('perplexity and token accuracy', () => {
  expect(perplexity(Math.log(7))).toBeCloseTo(7, 12);
  expect(tokenAccuracy([1, 2, 3, 4], [1, -100, 0, 4])).toBeCloseTo(2 / 3, 12);
});

test('edit distance and error rates', () => {
  expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
  expect(editDistance([], ['a', 'b'])).toBe(2);
  expect(errorRate([['HH', 'AH0'], ['K', 'AE1', 'T']], [['HH', 'AH0', 'L'], ['K', 'AE1', 'T']])).toBeCloseTo(1 / 6, 12);
});
