// crossEntropy with class indices, forward (loss without a log-probability tensor) and backward
// (g n ((1 - e) w_t (p - onehot) + e/C (p sum(w) - w))), a row of C logits at a time, in the
// decompositions' operation order (float64 results match them bit for bit). Row-major float32
// logits take the wasm SIMD row kernels (threaded exp, max and sum), within float32 rounding.

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { contiguousStrides } from '../../shape.js';
import { offsetsOf } from '../../strided.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { expRowsF32 } from './vector-wasm.js';
import { allocOut } from './reuse.js';

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

/** [N, C] with unit class stride and row stride C: the layout the wasm row kernels take. */
function isRowMajor(x: KernelInput): boolean {
  return x.shape.length === 2 && x.strides[1] === 1 && x.strides[0] === x.shape[1];
}

/** (max, sum exp(x - max)) of every row: the wasm kernel for row-major float32, else expRow. */
function rowStats(x: KernelInput, xd: TypedArray, starts: Int32Array, cs: number, classes: number): Float64Array {
  const n = starts.length;
  if (xd instanceof Float32Array && isRowMajor(x)) {
    const st = expRowsF32(xd.subarray(x.offset, x.offset + n * classes), n, classes);
    if (st) return st;
  }
  const stats = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) [stats[2 * i], stats[2 * i + 1]] = expRow(xd, starts[i]!, cs, classes);
  return stats;
}

interface BackwardArgs {
  n: number; classes: number; ignoreIndex: number; ls: number; wTotal: number;
  coefs: (i: number) => [number, number];
}

/**
 * The float32 backward on the wasm kernels: res = p (coef + coefS wTotal) per row, then the
 * target's -coef and label smoothing's -coefS w_j; ignored rows are exactly 0.
 */
function backwardF32(res: Float32Array, x: Float32Array, t: TypedArray, w: TypedArray | null, a: BackwardArgs): boolean {
  const { n, classes, ignoreIndex, ls } = a;
  const valid = (i: number) => t[i] !== ignoreIndex;
  const ok = expRowsF32(x, n, classes, (i, _m, s) => {
    if (!valid(i)) return 0;
    const [coef, coefS] = a.coefs(i);
    return (coef + coefS * a.wTotal) / s;
  }, res);
  if (!ok) return false;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    if (!valid(i)) {
      res.fill(0, row, row + classes);
      continue;
    }
    const [coef, coefS] = a.coefs(i);
    const at = row + t[i]!;
    res[at] = res[at]! - coef;
    if (ls > 0) for (let j = row; j < row + classes; j++) res[j] = res[j]! - coefS * (w ? w[j - row]! : 1);
  }
  return true;
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
  const stats = rowStats(x, xd, starts, cs, classes);
  const none = reduction === 'none';
  const res = allocOut(out.dtype, none ? n : 1);
  let lossSum = 0;
  let wSum = 0;
  let smoothSum = 0;
  let validCount = 0;
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    const valid = ti !== ignoreIndex;
    const safe = valid ? ti : 0;
    const b = starts[i]!;
    const m = stats[2 * i]!;
    const logS = Math.log(stats[2 * i + 1]!);
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
  const res = allocOut(out.dtype, x.shape.reduce((a, b) => a * b, 1));
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
  const coefs = (i: number): [number, number] => {
    const gi = perPosition ? g[i]! : g[0]!;
    return [(gi * (1 - ls) * (w ? w[t[i]!]! : 1)) / denom, ls > 0 ? (gi * (ls / classes)) / denom : 0];
  };
  if (res instanceof Float32Array && isRowMajor(x) && backwardF32(res, dataOf(x.storage).subarray(x.offset, x.offset + res.length) as Float32Array, t, w, { n, classes, ignoreIndex, ls, wTotal, coefs })) {
    return wrap(res, out.dtype);
  }
  for (let i = 0; i < n; i++) {
    const ti = t[i]!;
    const valid = ti !== ignoreIndex;
    const safe = valid ? ti : 0;
    const ob = o.starts[i]!;
    if (!valid) continue; // NOTE: ignored positions get exactly 0 (as PyTorch), even where 'mean' divides by 0
    const [coef, coefS] = coefs(i);
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
