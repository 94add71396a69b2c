// The question-answering span head: the loss and the span decoding against hand-worked values,
// loading a pretrained BERT body, padding, and the loss's gradient (float64 finite differences).

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { manualSeed, tensor } from '@tsgrad/core';
import { assertClose, gradcheck } from '@tsgrad/core/testing';
import { BertMLM, QuestionAnswering, bestSpan, spanLoss } from '@tsgrad/nn';

const bertCfg = { vocabSize: 6, maxPositions: 5, nLayer: 1, nHead: 2, nEmbd: 4, dimFeedforward: 6, padId: 0 };

describe('spanLoss', () => {
  test('the mean of the start and end cross-entropies, by hand', () => {
    // one example, T = 3: start logits [0, ln 2, 0] (softmax [1/4, 1/2, 1/4]), end logits [0, 0, 0]
    const logits = tensor([[[0, 0], [Math.log(2), 0], [0, 0]]], { dtype: 'float64' });
    const loss = spanLoss(logits, tensor([1], { dtype: 'int32' }), tensor([2], { dtype: 'int32' }));
    expect(loss.item()).toBeCloseTo((Math.log(2) + Math.log(3)) / 2, 12); // (-ln 1/2 - ln 1/3) / 2
    // the batch mean: a second example with start 0 (p 1/4), end 0 (p 1/3)
    const two = tensor([[[0, 0], [Math.log(2), 0], [0, 0]], [[0, 0], [Math.log(2), 0], [0, 0]]], { dtype: 'float64' });
    const l2 = spanLoss(two, tensor([1, 0], { dtype: 'int32' }), tensor([2, 0], { dtype: 'int32' }));
    expect(l2.item()).toBeCloseTo(((Math.log(2) + Math.log(3)) / 2 + (Math.log(4) + Math.log(3)) / 2) / 2, 12);
  });

  test('shapes are checked', () => {
    const pos = tensor([0], { dtype: 'int32' });
    expect(() => spanLoss(tensor([[[0, 0, 0]]]), pos, pos)).toThrow(/spanLoss.*\(B, T, 2\)/s);
    expect(() => spanLoss(tensor([[[0, 0]]]), tensor([0, 0], { dtype: 'int32' }), pos)).toThrow(/start and end positions of shape \(1\)/);
  });

  test('gradient w.r.t. the logits matches finite differences (float64)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (B, T, seed) => {
      manualSeed(seed);
      const x = tensor(Array.from({ length: B * T * 2 }, (_, i) => Math.sin(seed + i * 1.7) * 2), { dtype: 'float64', shape: [B, T, 2] });
      const s = tensor(Array.from({ length: B }, (_, i) => (seed + i) % T), { dtype: 'int32' });
      const e = tensor(Array.from({ length: B }, (_, i) => (seed + 2 * i + 1) % T), { dtype: 'int32' });
      gradcheck((l) => spanLoss(l, s, e), [x.requiresGrad_()], { name: 'spanLoss' });
    }), { seed: 7, numRuns: 12 });
  });
});

describe('bestSpan', () => {
  test('maximises start + end over start <= end < start + maxAnswerLen inside the window', () => {
    const st = [0, 5, 1, 0];
    const en = [0, 1, 0, 4];
    expect(bestSpan(st, en)).toEqual({ start: 1, end: 3, score: 9 });
    expect(bestSpan(st, en, { maxAnswerLen: 2 })).toEqual({ start: 1, end: 1, score: 6 }); // (1, 3) is 3 tokens long
    expect(bestSpan(st, [0, 0, 0, 4], { maxAnswerLen: 2 })).toEqual({ start: 1, end: 1, score: 5 }); // ties (1,1), (1,2), (2,3): earliest, shortest
    expect(bestSpan(st, en, { maxAnswerLen: 1 })).toEqual({ start: 1, end: 1, score: 6 });
    // end before start is never chosen, even when its sum is larger
    expect(bestSpan([0, 0, 9], [9, 0, 0])).toEqual({ start: 0, end: 0, score: 9 });
    // the window keeps answers out of the question: only positions 2..3
    expect(bestSpan(st, en, { from: 2, to: 4 })).toEqual({ start: 2, end: 3, score: 5 });
    // ties: the earliest start, then the shortest span
    expect(bestSpan([1, 1], [1, 1])).toEqual({ start: 0, end: 0, score: 2 });
  });

  test('bad input', () => {
    expect(() => bestSpan([1, 2], [1])).toThrow(/differ in length \(2 vs 1\)/);
    expect(() => bestSpan([1], [1], { maxAnswerLen: 0 })).toThrow(/maxAnswerLen must be a positive integer, got 0/);
    expect(() => bestSpan([1, 2], [1, 2], { from: 2 })).toThrow(/window \[2, 2\) must be a non-empty range/);
  });
});

describe('QuestionAnswering', () => {
  test('loads a pretrained BERT body; qa_outputs is a Linear on the hidden states; padId masks keys', () => {
    manualSeed(4);
    const mlm = BertMLM.fromConfig(bertCfg);
    const qa = QuestionAnswering.fromConfig({ body: { arch: 'bert', ...bertCfg } });
    const r = qa.loadStateDict(mlm.stateDict(), { strict: false });
    expect(r.missingKeys).toEqual(['qa_outputs.weight', 'qa_outputs.bias']);
    expect(qa.qa_outputs.weight.shape).toEqual([2, 4]);
    qa.eval();
    const ids = tensor([[2, 3, 4, 0]], { dtype: 'int32' });
    const out = qa.forward(ids);
    expect(out.shape).toEqual([1, 4, 2]);
    assertClose(out, qa.qa_outputs.forward(mlm.eval().transformer.forward(ids)), { rtol: 1e-5, atol: 1e-6 });
    // padding leaves the real tokens' logits unchanged
    assertClose(qa.forward(tensor([[2, 3, 4]], { dtype: 'int32' })), out.narrow(1, 0, 3), { rtol: 1e-5, atol: 1e-6 });
    expect(() => qa.forward(tensor([1, 2], { dtype: 'int32' }))).toThrow(/QuestionAnswering.*\(B, T\)/s);
  });
});
