// Losses against formulas written out here: crossEntropy (ignoreIndex, label smoothing, weights, probability
// targets, (N, C, d1) inputs), nllLoss, mseLoss and binaryCrossEntropyWithLogits.
import { describe, expect, test } from 'vitest';
import { binaryCrossEntropyWithLogits, crossEntropy, mseLoss, nllLoss, tensor, type NestedArray } from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });
const idx = (d: NestedArray) => tensor(d, { dtype: 'int32' });
const lse = (row: number[]) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
const logp = (row: number[]) => row.map((v) => v - lse(row));
const sumOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const X = [[1, 2, 3], [1, 1, 1], [0.5, -1, 2]];
const T = [2, 0, 1];
const W = [1, 2, 3];
const C = 3;
const nllRow = (i: number) => -logp(X[i]!)[T[i]!]!; // -log p_{t_i}
// sum_c -w_c log p_c (the smoothing term of one row)
const smoothRow = (i: number, w = [1, 1, 1]) => sumOf(logp(X[i]!).map((l, c) => -w[c]! * l));

describe('crossEntropy with class indices', () => {
  test('reductions none, sum and mean', () => {
    const per = [0, 1, 2].map(nllRow);
    expectClose(crossEntropy(f64(X), idx(T), { reduction: 'none' }), per, 1e-14);
    expectClose(crossEntropy(f64(X), idx(T), { reduction: 'sum' }), sumOf(per), 1e-14);
    expectClose(crossEntropy(f64(X), idx(T)), sumOf(per) / 3, 1e-14);
    expectClose(nllRow(1), Math.log(3), 1e-15); // a uniform row costs ln C
  });

  test('ignoreIndex rows contribute 0 and leave the mean denominator', () => {
    expectClose(crossEntropy(f64(X), idx([2, -100, 1])), (nllRow(0) + nllRow(2)) / 2, 1e-14);
    expectClose(crossEntropy(f64(X), idx([2, 0, 1]), { ignoreIndex: 0, reduction: 'none' }), [nllRow(0), 0, nllRow(2)], 1e-14);
  });

  test('class weights: mean divides by the summed weights of the targets', () => {
    const per = [0, 1, 2].map((i) => W[T[i]!]! * nllRow(i));
    expectClose(crossEntropy(f64(X), idx(T), { weight: f64(W), reduction: 'none' }), per, 1e-14);
    expectClose(crossEntropy(f64(X), idx(T), { weight: f64(W) }), sumOf(per) / (3 + 1 + 2), 1e-14);
  });

  test('label smoothing e: (1 - e) nll + e/C sum_c -log p_c, each part averaged over the rows', () => {
    const e = 0.1;
    const nllMean = sumOf([0, 1, 2].map(nllRow)) / 3;
    const smoothMean = sumOf([0, 1, 2].map((i) => smoothRow(i))) / 3;
    expectClose(crossEntropy(f64(X), idx(T), { labelSmoothing: e }), (1 - e) * nllMean + (e / C) * smoothMean, 1e-14);
    const none = [0, 1, 2].map((i) => (1 - e) * nllRow(i) + (e / C) * smoothRow(i));
    expectClose(crossEntropy(f64(X), idx(T), { labelSmoothing: e, reduction: 'none' }), none, 1e-14);
    expectClose(crossEntropy(f64(X), idx(T), { labelSmoothing: e, reduction: 'sum' }), sumOf(none), 1e-14);
  });

  test('label smoothing with weights: both parts divide by the summed target weights (PyTorch mean)', () => {
    const e = 0.2;
    const wsum = 3 + 1 + 2;
    const nll = sumOf([0, 1, 2].map((i) => W[T[i]!]! * nllRow(i))) / wsum;
    const smooth = sumOf([0, 1, 2].map((i) => smoothRow(i, W))) / wsum;
    expectClose(crossEntropy(f64(X), idx(T), { weight: f64(W), labelSmoothing: e }), (1 - e) * nll + (e / C) * smooth, 1e-14);
  });

  test('label smoothing with ignored rows: they drop out of both parts', () => {
    const e = 0.1;
    const want = (1 - e) * ((nllRow(0) + nllRow(2)) / 2) + (e / C) * ((smoothRow(0) + smoothRow(2)) / 2);
    expectClose(crossEntropy(f64(X), idx([2, -100, 1]), { labelSmoothing: e }), want, 1e-14);
  });

  test('(N, C, d1) input with (N, d1) targets: the class dim is dim 1', () => {
    // position (n, d) has logits x[n, :, d]
    const x = [[[1, 0], [2, 0], [3, 5]], [[0, 1], [0, 1], [0, 1]]];
    const t = [[2, 2], [0, 1]];
    const row = (n: number, d: number) => x[n]!.map((c) => c[d]!);
    const per = [[0, 0], [0, 1], [1, 0], [1, 1]].map(([n, d]) => -logp(row(n!, d!))[t[n!]![d!]!]!);
    const out = crossEntropy(f64(x), idx(t), { reduction: 'none' });
    expect(out.shape).toEqual([2, 2]);
    expectClose(out, [[per[0]!, per[1]!], [per[2]!, per[3]!]], 1e-14);
    expectClose(crossEntropy(f64(x), idx(t)), sumOf(per) / 4, 1e-14);
  });

  test('1-D logits with a 0-d target', () => {
    expectClose(crossEntropy(f64([1, 2, 3]), idx(2)), -logp([1, 2, 3])[2]!, 1e-15);
  });

  test('a -inf logit in an ignored row does not turn the loss into NaN', () => {
    expectClose(crossEntropy(f64([[-Infinity, 0], [1, 2]]), idx([-100, 1])), -logp([1, 2])[1]!, 1e-15);
  });
});

describe('crossEntropy with probability targets', () => {
  const P = [[0.2, 0.3, 0.5], [1, 0, 0], [0, 0.5, 0.5]];
  const rowLoss = (i: number, p: number[], w = [1, 1, 1]) => -sumOf(logp(X[i]!).map((l, c) => w[c]! * p[c]! * l));

  test('-sum_c t_c log p_c, mean over rows', () => {
    const per = P.map((p, i) => rowLoss(i, p));
    expectClose(crossEntropy(f64(X), f64(P), { reduction: 'none' }), per, 1e-14);
    expectClose(crossEntropy(f64(X), f64(P)), sumOf(per) / 3, 1e-14);
  });

  test('smoothing mixes in the uniform distribution: t (1 - e) + e / C', () => {
    const e = 0.3;
    const per = P.map((p, i) => rowLoss(i, p.map((v) => v * (1 - e) + e / C)));
    expectClose(crossEntropy(f64(X), f64(P), { labelSmoothing: e, reduction: 'sum' }), sumOf(per), 1e-14);
  });

  test('weights scale each class, and the mean still divides by N', () => {
    const per = P.map((p, i) => rowLoss(i, p, W));
    expectClose(crossEntropy(f64(X), f64(P), { weight: f64(W) }), sumOf(per) / 3, 1e-14);
  });
});

describe('nllLoss', () => {
  const lp = () => f64([[-1, -2], [-3, -4]]);

  test('picks -input[i, t_i]; weighted mean divides by the summed weights', () => {
    expectClose(nllLoss(lp(), idx([1, 0])), (2 + 3) / 2, 1e-15);
    expectClose(nllLoss(lp(), idx([1, 0]), { weight: f64([0.5, 2]) }), (2 * 2 + 0.5 * 3) / (2 + 0.5), 1e-15);
    expectClose(nllLoss(lp(), idx([1, -100]), { reduction: 'none' }), [2, 0], 1e-15);
    expectClose(nllLoss(lp(), idx([1, 1]), { ignoreIndex: 1 }), NaN); // nothing left to average: 0 / 0
  });
});

describe('mseLoss', () => {
  test('mean, sum and none, with a broadcast target', () => {
    expect(mseLoss(tensor([1, 2]), tensor([1, 4])).item()).toBe(2);
    expect(mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: 'sum' }).item()).toBe(4);
    expect(mseLoss(tensor([1, 2]), tensor([1, 4]), { reduction: 'none' }).tolist()).toEqual([0, 4]);
    expect(mseLoss(tensor([[1, 2], [3, 4]]), tensor([1, 2])).item()).toBe((0 + 0 + 4 + 4) / 4);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const sig = (x: number) => 1 / (1 + Math.exp(-x));
  // -[pw t log s(x) + (1 - t) log(1 - s(x))]
  const ref = (x: number, t: number, pw = 1) => -(pw * t * Math.log(sig(x)) + (1 - t) * Math.log(1 - sig(x)));
  const xs = [-2, -0.5, 0, 1, 3];
  const ts = [0, 1, 0.5, 1, 0.2];

  test('matches the logistic log-likelihood on moderate logits', () => {
    const per = xs.map((x, i) => ref(x, ts[i]!));
    expectClose(binaryCrossEntropyWithLogits(f64(xs), f64(ts), { reduction: 'none' }), per, 1e-14);
    expectClose(binaryCrossEntropyWithLogits(f64(xs), f64(ts)), sumOf(per) / 5, 1e-14);
    expectClose(binaryCrossEntropyWithLogits(f64([0]), f64([1])), Math.LN2, 1e-15);
  });

  test('posWeight scales the positive term, weight scales each element', () => {
    const per = xs.map((x, i) => ref(x, ts[i]!, 3));
    expectClose(binaryCrossEntropyWithLogits(f64(xs), f64(ts), { posWeight: f64([3]), reduction: 'none' }), per, 1e-14);
    const w = [1, 0, 2, 0.5, 1];
    const weighted = xs.map((x, i) => w[i]! * ref(x, ts[i]!));
    expectClose(binaryCrossEntropyWithLogits(f64(xs), f64(ts), { weight: f64(w), reduction: 'sum' }), sumOf(weighted), 1e-14);
  });

  test('large |x| stays finite: the loss is |x| when wrong and 0 when right', () => {
    const out = binaryCrossEntropyWithLogits(f64([1000, -1000, 1000, -1000]), f64([0, 1, 1, 0]), { reduction: 'none' });
    expectClose(out, [1000, 1000, 0, 0], 1e-12);
    const f32 = binaryCrossEntropyWithLogits(tensor([100, -100]), tensor([0, 0]), { reduction: 'none' });
    expectClose(f32, [100, Math.exp(-100)], 1e-6);
  });
});
