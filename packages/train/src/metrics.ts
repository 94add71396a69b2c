// Evaluation metrics: accuracy, macro F1, perplexity, token accuracy, and edit-distance error
// rates (word and phoneme error rate) for sequence-to-sequence tasks.

import { Tensor, ValueError } from '@tsgrad/core';

/**
 * Class ids: an int tensor, an array or a TypedArray.
 * @inline
 */
type Ints = Tensor | ArrayLike<number>;

function values(x: Ints): ArrayLike<number> {
  return x instanceof Tensor ? x.dataSync() : x;
}

function pair(op: string, preds: Ints, labels: Ints): [ArrayLike<number>, ArrayLike<number>] {
  const p = values(preds);
  const l = values(labels);
  if (p.length !== l.length) throw new ValueError(op, `predictions and labels differ in length (${p.length} vs ${l.length})`);
  return [p, l];
}

/**
 * Fraction of predictions equal to the labels (NaN for no examples).
 * @param preds - Predicted class ids (an array, TypedArray or int32 tensor).
 * @param labels - True class ids, as many.
 * @returns The accuracy in [0, 1].
 * @example accuracy([1, 0, 1], [1, 1, 1]); // 0.666...
 */
export function accuracy(preds: Ints, labels: Ints): number {
  const [p, l] = pair('accuracy', preds, labels);
  let hit = 0;
  for (let i = 0; i < p.length; i++) if (p[i] === l[i]) hit++;
  return hit / p.length;
}

/**
 * Macro-averaged F1: the unweighted mean over classes of 2PR/(P+R) (a class with no predictions
 * and no labels is skipped; one with either but no hits scores 0).
 * @param preds - Predicted class ids.
 * @param labels - True class ids.
 * @param numClasses - Number of classes (default: the largest id + 1).
 * @returns The macro F1 in [0, 1].
 * @example macroF1([0, 1, 1], [0, 1, 0]); // 0.666...
 */
export function macroF1(preds: Ints, labels: Ints, numClasses?: number): number {
  const [p, l] = pair('macroF1', preds, labels);
  let c = numClasses ?? 0;
  for (let i = 0; i < p.length; i++) c = Math.max(c, p[i]! + 1, l[i]! + 1);
  const tp = new Float64Array(c);
  const fp = new Float64Array(c);
  const fn = new Float64Array(c);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === l[i]) tp[p[i]!]!++;
    else {
      fp[p[i]!]!++;
      fn[l[i]!]!++;
    }
  }
  let sum = 0;
  let n = 0;
  for (let k = 0; k < c; k++) {
    if (tp[k]! + fp[k]! + fn[k]! === 0) continue;
    sum += (2 * tp[k]!) / (2 * tp[k]! + fp[k]! + fn[k]!);
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

/**
 * exp(mean negative log-likelihood in nats).
 * @param meanNll - The mean cross-entropy loss.
 * @returns The perplexity.
 * @example perplexity(Math.log(4)); // 4
 */
export function perplexity(meanNll: number): number {
  return Math.exp(meanNll);
}

/**
 * Accuracy over target positions that are not `ignoreIndex` (predictions [N], targets [N]).
 * @param preds - Predicted ids.
 * @param targets - Target ids, `ignoreIndex` where none counts.
 * @param ignoreIndex - The ignored target (default -100).
 * @returns The accuracy over the counted positions.
 * @example tokenAccuracy([5, 6, 7], [5, 0, -100]); // 0.5
 */
export function tokenAccuracy(preds: Ints, targets: Ints, ignoreIndex = -100): number {
  const [p, t] = pair('tokenAccuracy', preds, targets);
  let hit = 0;
  let n = 0;
  for (let i = 0; i < p.length; i++) {
    if (t[i] === ignoreIndex) continue;
    n++;
    if (p[i] === t[i]) hit++;
  }
  return n === 0 ? NaN : hit / n;
}

/**
 * Levenshtein distance between two sequences (insertions, deletions, substitutions cost 1).
 * @param a - One sequence.
 * @param b - The other.
 * @returns The number of edits.
 * @example editDistance([...'kitten'], [...'sitting']); // 3
 */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Total edit distance over total reference length: the word error rate when items are words,
 * the phoneme error rate when they are phonemes.
 * @param hypotheses - Predicted sequences.
 * @param references - Reference sequences, as many.
 * @returns Edits per reference item.
 * @example errorRate([['a', 'b']], [['a', 'c']]); // 0.5
 */
export function errorRate<T>(hypotheses: readonly (readonly T[])[], references: readonly (readonly T[])[]): number {
  if (hypotheses.length !== references.length) throw new ValueError('errorRate', `${hypotheses.length} hypotheses for ${references.length} references`);
  let edits = 0;
  let total = 0;
  hypotheses.forEach((h, i) => {
    edits += editDistance(h, references[i]!);
    total += references[i]!.length;
  });
  return total === 0 ? NaN : edits / total;
}
