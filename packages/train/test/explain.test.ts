// Explanations against hand-worked values: Gauss-Legendre nodes, integrated gradients of linear and
// cubic functions (exact), completeness on Transformer classifiers at 64 steps, and attention rollout.

import { describe, expect, test } from 'vitest';
import { manualSeed, noGrad, tensor, zeros } from '@tsgrad/core';
import { SequenceClassifier } from '@tsgrad/nn';
import { attentionRollout, classifierFor, explainClassifier, gaussLegendre, integratedGradients, recordAttention, trainRecipeTokenizer, MODEL_PRESETS } from '@tsgrad/train';

describe('gaussLegendre', () => {
  test('known nodes and weights; exact for polynomials of degree 2n - 1', () => {
    const two = gaussLegendre(2);
    expect(two.nodes[0]).toBeCloseTo((1 - 1 / Math.sqrt(3)) / 2, 14);
    expect(two.nodes[1]).toBeCloseTo((1 + 1 / Math.sqrt(3)) / 2, 14);
    expect(two.weights).toEqual([expect.closeTo(0.5, 14), expect.closeTo(0.5, 14)]);
    const three = gaussLegendre(3); // nodes (1 ∓ √(3/5)) / 2 and 1/2; weights 5/18, 8/18, 5/18
    expect(three.nodes.map((v) => +v.toFixed(12))).toEqual([(1 - Math.sqrt(0.6)) / 2, 0.5, (1 + Math.sqrt(0.6)) / 2].map((v) => +v.toFixed(12)));
    expect(three.weights.map((v) => +v.toFixed(12))).toEqual([5 / 18, 8 / 18, 5 / 18].map((v) => +v.toFixed(12)));
    expect(gaussLegendre(1)).toEqual({ nodes: [0.5], weights: [1] });
    for (const n of [4, 7, 64]) {
      const { nodes, weights } = gaussLegendre(n);
      const integral = (k: number) => nodes.reduce((s, a, i) => s + weights[i]! * a ** k, 0);
      expect(integral(2 * n - 1)).toBeCloseTo(1 / (2 * n), 12); // ∫ a^k da = 1 / (k + 1)
      expect(integral(0)).toBeCloseTo(1, 13);
    }
    expect(() => gaussLegendre(0)).toThrow(/integer in \[1, 1024\], got 0/);
  });
});

describe('integratedGradients', () => {
  test('a linear function: the attributions are (x - x\') * w exactly', () => {
    const w = tensor([0.5, -2, 3, 1], { dtype: 'float64' });
    const x = tensor([1, 2, -1, 4], { dtype: 'float64' });
    const x0 = tensor([0, 1, 1, 4], { dtype: 'float64' });
    const ig = integratedGradients((p) => p.mul(w).sum(-1), x, x0, { steps: 3 });
    // the weights sum to 1 up to rounding: exact to 1e-13
    (ig.attributions.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.5, -2, -6, 0][i]!, 13));
    expect(ig.sum).toBeCloseTo(ig.output - ig.baselineOutput, 12);
  });

  test('f = Σ x³ from a zero baseline: attribution i is x_i³ (the path integral by hand), exact with 2 points', () => {
    const x = tensor([[1, -2], [0.5, 3]], { dtype: 'float64' });
    const ig = integratedGradients((p) => p.pow(3).sum([-1, -2]), x, zeros([2, 2], { dtype: 'float64' }), { steps: 2 });
    // ∫0^1 3 (a x)² x da = x³
    const a = ig.attributions.tolist() as number[][];
    [[1, -8], [0.125, 27]].forEach((row, i) => row.forEach((v, j) => expect(a[i]![j]).toBeCloseTo(v, 12)));
    // the midpoint rule with 2 points is not exact: 3 x³ (1/16 + 9/16) / 2 = 15/16 x³
    const mid = integratedGradients((p) => p.pow(3).sum([-1, -2]), x, zeros([2, 2], { dtype: 'float64' }), { steps: 2, rule: 'riemann-midpoint' });
    expect((mid.attributions.tolist() as number[][])[1]![1]).toBeCloseTo((15 / 16) * 27, 12);
  });

  test('batched path points give the same attributions; bad shapes are refused', () => {
    const f = (p: ReturnType<typeof tensor>) => p.sin().sum(-1);
    const x = tensor([0.3, 1.2, -0.7], { dtype: 'float64' });
    const a = integratedGradients(f, x, zeros([3], { dtype: 'float64' }), { steps: 10 });
    const b = integratedGradients(f, x, zeros([3], { dtype: 'float64' }), { steps: 10, batchSize: 3 });
    (a.attributions.tolist() as number[]).forEach((v, i) => expect((b.attributions.tolist() as number[])[i]).toBeCloseTo(v, 13));
    // ∫ cos(a x) x da = sin x: exact up to quadrature error
    (a.attributions.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(Math.sin([0.3, 1.2, -0.7][i]!), 12));
    expect(() => integratedGradients(f, x, zeros([2]))).toThrow(/baseline's shape \[2\] differs from the input's \[3\]/);
  });
});

describe('explainClassifier', () => {
  const tok = trainRecipeTokenizer(['a good film with a great cast', 'a bad film and an awful plot'], 320);
  // weights scaled up 3x so the logit is far from linear along the path; smooth poolings only (see the max-pooling test)
  for (const objective of ['mlm', 'clm'] as const) {
    for (const pooling of ['mean', 'cls', 'last'] as const) {
      test(`completeness within 1% at 64 steps: ${objective} body, ${pooling} pooling, zero and pad baselines; rollout sums to 1`, () => {
        manualSeed(objective === 'mlm' ? 1 : 2);
        const clf = classifierFor({ objective, vocabSize: tok.vocabSize, padId: 0, shape: { ...MODEL_PRESETS.tiny, nLayer: 2 } }, 3, { pooling });
        noGrad(() => clf.parameters().forEach((p) => (p.ndim === 2 ? p.mul_(3) : undefined)));
        const prefix = [objective === 'mlm' ? tok.clsTokenId! : tok.bosTokenId!];
        for (const baseline of ['zeros', 'pad'] as const) {
          const e = explainClassifier(clf, tok, 'a good film with an awful plot', { prefix, baseline, target: 1 });
          expect(Math.abs(e.logit - e.baselineLogit), 'a non-trivial difference to explain').toBeGreaterThan(0.01);
          expect(e.completenessError, baseline).toBeLessThan(0.01);
          const sum = e.tokens.reduce((s, t) => s + t.ig, 0);
          expect(Math.abs(sum - (e.logit - e.baselineLogit))).toBeLessThan(0.01 * Math.abs(e.logit - e.baselineLogit));
          expect(e.tokens.reduce((s, t) => s + t.rollout, 0)).toBeCloseTo(1, 5);
          expect(e.tokens.map((t) => t.token).join('')).toBe(`${objective === 'mlm' ? '<cls>' : '<bos>'}a good film with an awful plot`);
        }
      });
    }
  }

  test('max pooling has kinks along the path: the error is reported, and more steps reduce it', () => {
    manualSeed(2);
    const clf = classifierFor({ objective: 'clm', vocabSize: tok.vocabSize, padId: 0, shape: { ...MODEL_PRESETS.tiny, nLayer: 2 } }, 3, { pooling: 'mean+max' });
    const e = (steps: number) => explainClassifier(clf, tok, 'a good film with an awful plot', { prefix: [tok.bosTokenId!], target: 1, steps });
    const [a, b] = [e(64), e(512)];
    expect(a.completenessError).toBeGreaterThan(1e-3);
    expect(b.completenessError).toBeLessThan(a.completenessError);
  });

  test('the hooks are removed afterwards and bad input is refused', () => {
    const clf = classifierFor({ objective: 'mlm', vocabSize: tok.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny }, 2).eval();
    const ids = tensor([[5, 6, 7]], { dtype: 'int32' });
    const before = clf.forward(ids).tolist();
    explainClassifier(clf, tok, 'good');
    expect(clf.forward(ids).tolist()).toEqual(before);
    expect(() => explainClassifier(clf, tok, '')).toThrow(/no tokens/);
    expect(() => explainClassifier(clf, tok, 'good', { target: 2 })).toThrow(/target must be a class in \[0, 2\), got 2/);
    expect(() => explainClassifier(clf, tok, 'good '.repeat(40))).toThrow(/more than the model's 32/);
  });
});

describe('attention rollout', () => {
  test('one and two layers by hand', () => {
    // layer 1: token 0 attends to 1, token 1 to itself -> rownorm(0.5 A + 0.5 I) = [[.5, .5], [0, 1]]
    const A1 = [[0, 1], [0, 1]];
    expect(attentionRollout([A1])).toEqual([[0.5, 0.5], [0, 1]]);
    // layer 2 uniform: Â2 = [[.75, .25], [.25, .75]]; R = Â2 Â1 = [[.375, .625], [.125, .875]]
    expect(attentionRollout([A1, [[0.5, 0.5], [0.5, 0.5]]])).toEqual([[0.375, 0.625], [0.125, 0.875]]);
    expect(() => attentionRollout([])).toThrow(/no attention maps/);
    expect(() => attentionRollout([[[1]], [[1, 0], [0, 1]]])).toThrow(/layer 1's map is not 1 x 1/);
  });

  test('recordAttention reads every layer\'s head-averaged map (rows sum to 1, causal for GPT)', () => {
    manualSeed(3);
    const clf = SequenceClassifier.fromConfig({ body: { arch: 'gpt', vocabSize: 16, blockSize: 8, nLayer: 3, nHead: 2, nEmbd: 8 }, numLabels: 2 }).eval();
    const { maps } = recordAttention(clf, () => clf.forward(tensor([[1, 2, 3, 4]], { dtype: 'int32' })));
    expect(maps.map((m) => m.shape)).toEqual([[1, 4, 4], [1, 4, 4], [1, 4, 4]]);
    for (const m of maps) {
      const a = m.squeeze(0).tolist() as number[][];
      a.forEach((row, i) => {
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        row.forEach((v, j) => (j > i ? expect(v).toBe(0) : undefined));
      });
    }
  });
});
