// crossEntropy with class indices, forward (loss without a log-probability tensor) and backward
// (g n ((1 - e) w_t (p - onehot) + e/C (p sum(w) - w))), a row of C logits at a time, in the
// decompositions' operation order (float64 results match them bit for bit).

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import { allocArray, type TypedArray } from '../../dtype.js';
import { contiguousStrides } from '../../shape.js';
import { offsetsOf } from '../../strided.js';
import { contiguousData, dataOf, wrap } from './storage.js';

type CeAttrs = { ignoreIndex: number; reduction: 'mean' | 'sum' | 'none'; labelSmoothing: number; hasWeight: boolean };

let rowBuf = new Float64Array(256); // exp(x - max) of one row, reused across calls

/** Where each position's row of classes starts, its class stride, and the class count. */
function classRows(x: KernelInput, strides: readonly number[], offset: number): { starts: Int32Array; cs: number; classes: number } {
  const cd = x.shape.length === 1 ? 0 : 1;
  const classes = x.shape[cd]!;
  return { starts: offsetsOf(x.shape.map((s, i) => (i === cd ? 1 : s)), strides, offset), cs: strides[cd]!, classes };
}

/** Fills rowBuf with exp(x_j - max) for one row and returns [max, sum]. */
function expRow(xd: TypedArray, b: number, cs: number, classes: number): [number, number] {
  if (rowBuf.length < classes) rowBuf = new Float64Array(classes);
  let m = -Infinity;
  for (let j = 0; j < classes; j++) {
    const v = xd[b + j * cs]!;
    if (v > m || v !== v) m = v;
  }
  if (m === -Infinity) m = 0; // an all -inf row: exp(-inf) = 0, giving NaN as PyTorch does
  let s = 0;
  for (let j = 0; j < classes; j++) {
    const e = Math.exp(xd[b + j * cs]! - m);
    rowBuf[j] = e;
    s += e;
  }
  return [m, s];
}

/** Loss per position ('none'), or summed / averaged over the non-ignored positions. */
export const crossEntropyKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const { ignoreIndex, reduction, labelSmoothing: ls, hasWeight } = attrs as CeAttrs;
  const x = inputs[0]!;
  const { starts, cs, classes } = classRows(x, x.strides, x.offset);
  const xd = dataOf(x.storage);
  const t = contiguousData(inputs[1]!);
  const w = hasWeight ? contiguousData(inputs[2]!) : null;
  const n = starts.length;
  const none = reduction === 'none';
  const res = allocArray(out.dtype, none ? n : 1);
  let lossSum = 0;
  let wSum = 0;
  let smoothSum = 0;
  let validCount = 0;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    const valid = ti !== ignoreIndex;
    const safe = valid ? ti : 0;
    const b = starts[i]!;
    const [m, s] = expRow(xd, b, cs, classes);
    const logS = Math.log(s);
    const picked = xd[b + safe * cs]! - m - logS; // logp[t] as logSoftmax computes it
    const wi = w ? (valid ? w[safe]! : 0) : valid ? 1 : 0;
    const loss = (valid ? -picked : 0) * wi;
    let smooth = 0;
    if (ls > 0 && valid) {
      let acc = 0;
      if (w) for (let j = 0; j < classes; j++) acc += (xd[b + j * cs]! - m - logS) * w[j]!;
      else for (let j = 0; j < classes; j++) acc += xd[b + j * cs]! - m - logS;
      smooth = -acc;
    }
    if (none) res[i] = ls > 0 ? loss * (1 - ls) + smooth * (ls / classes) : loss;
    lossSum += loss;
    wSum += wi;
    smoothSum += smooth;
    if (valid) validCount++;
  }
  if (!none) {
    const nllRed = reduction === 'mean' ? lossSum / wSum : lossSum;
    const smoothRed = reduction === 'mean' ? smoothSum / (w ? wSum : validCount) : smoothSum;
    res[0] = ls > 0 ? nllRed * (1 - ls) + smoothRed * (ls / classes) : nllRed;
  }
  return wrap(res, out.dtype);
};

/** d loss / d input, laid out as the input (contiguous). */
export const crossEntropyBackwardKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const { ignoreIndex, reduction, labelSmoothing: ls, hasWeight } = attrs as CeAttrs;
  const x = inputs[1]!;
  const { starts, cs, classes } = classRows(x, x.strides, x.offset);
  const o = classRows(x, contiguousStrides(x.shape), 0);
  const xd = dataOf(x.storage);
  const g = contiguousData(inputs[0]!);
  const t = contiguousData(inputs[2]!);
  const w = hasWeight ? contiguousData(inputs[3]!) : null;
  const n = starts.length;
  const res = allocArray(out.dtype, x.shape.reduce((a, b) => a * b, 1));
  let wTotal = classes;
  if (w) {
    wTotal = 0;
    for (let j = 0; j < classes; j++) wTotal += w[j]!;
  }
  let denom = 1;
  if (reduction === 'mean') {
    denom = 0;
    for (let i = 0; i < n; i++) denom += t[i] === ignoreIndex ? 0 : w ? w[t[i]!]! : 1;
  }
  const perPosition = reduction === 'none';
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    const valid = ti !== ignoreIndex;
    const safe = valid ? ti : 0;
    const ob = o.starts[i]!;
    if (!valid) continue; // NOTE: ignored positions get exactly 0 (as PyTorch), even where 'mean' divides by 0
    const gi = perPosition ? g[i]! : g[0]!;
    const coef = (gi * (1 - ls) * (w ? w[safe]! : 1)) / denom;
    const coefS = ls > 0 ? (gi * (ls / classes)) / denom : 0;
    const [, s] = expRow(xd, starts[i]!, cs, classes);
    const inv = 1 / s;
    for (let j = 0; j < classes; j++) {
      const p = rowBuf[j]! * inv;
      let d = coef * (p - (j === safe ? 1 : 0));
      if (ls > 0) d = d + coefS * (p * wTotal - (w ? w[j]! : 1));
      res[ob + j * o.cs] = d;
    }
  }
  return wrap(res, out.dtype);
};
