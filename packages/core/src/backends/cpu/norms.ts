// layerNorm / rmsNorm forward and backward, one row (the trailing D elements) at a time, in the
// decompositions' operation order (float64 results match them bit for bit; float32 is rounded once,
// and forward and backward run in the wasm kernels layernorm_f32 / layernormgrad_f32 when the row
// length is a multiple of 4, in float64 lanes whose sums may differ from the loop's in their last
// bits), and sumSquares (a whole tensor's squared 2-norm).

import type { Attrs, Kernel } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { contiguousData, wrap } from './storage.js';
import { normGradRowsF32, normRowsF32 } from './vector-wasm.js';
import { allocOut } from './reuse.js';

// per-row scratch (the centred row, then gh), grown as needed and reused across calls
let scratch = new Float64Array(256);
let scratch2 = new Float64Array(256);
function rowScratch(d: number): void {
  if (scratch.length < d) {
    scratch = new Float64Array(d);
    scratch2 = new Float64Array(d);
  }
}

/** Writes the row's centred values (layerNorm) or the values (rmsNorm) to scratch; returns 1/sqrt(mean(c^2) + eps). */
function centreRow(x: TypedArray, base: number, d: number, rms: boolean, eps: number): number {
  const c = scratch;
  let mean = 0;
  if (!rms) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[base + j]!;
    mean = s / d;
  }
  let ss = 0;
  for (let j = 0; j < d; j++) {
    const v = rms ? x[base + j]! : x[base + j]! - mean;
    c[j] = v;
    ss += v * v;
  }
  return 1 / Math.sqrt(ss / d + eps);
}

function sizes(shape: readonly number[], k: number): [number, number] {
  let rows = 1;
  let d = 1;
  shape.forEach((s, i) => (i < shape.length - k ? (rows *= s) : (d *= s)));
  return [rows, d];
}

/** y = centred(x) rstd (* weight) (+ bias), row by row. */
export function normKernel(rms: boolean): Kernel {
  return (inputs, out, attrs: Attrs) => {
    const { k, eps, hasWeight, hasBias } = attrs as { k: number; eps: number; hasWeight: boolean; hasBias: boolean };
    const x = contiguousData(inputs[0]!);
    const w = hasWeight ? contiguousData(inputs[1]!) : null;
    const b = hasBias ? contiguousData(inputs[hasWeight ? 2 : 1]!) : null;
    const [rows, d] = sizes(inputs[0]!.shape, k);
    const y = allocOut(out.dtype, rows * d, false); // every element is written
    const f32 = (a: TypedArray | null) => a === null || a instanceof Float32Array;
    if (x instanceof Float32Array && y instanceof Float32Array && f32(w) && f32(b) && normRowsF32(x, rows, d, w as Float32Array | null, b as Float32Array | null, eps, rms, y)) return wrap(y, out.dtype);
    rowScratch(d);
    const c = scratch;
    for (let r = 0, base = 0; r < rows; r++, base += d) {
      const rstd = centreRow(x, base, d, rms, eps);
      if (w && b) for (let j = 0; j < d; j++) y[base + j] = c[j]! * rstd * w[j]! + b[j]!;
      else if (w) for (let j = 0; j < d; j++) y[base + j] = c[j]! * rstd * w[j]!;
      else if (b) for (let j = 0; j < d; j++) y[base + j] = c[j]! * rstd + b[j]!;
      else for (let j = 0; j < d; j++) y[base + j] = c[j]! * rstd;
    }
    return wrap(y, out.dtype);
  };
}

/**
 * Packed [rows (+1) (+1), D]: dx = rstd (gh - mean(gh) - xhat mean(gh xhat)) (rmsNorm drops
 * mean(gh)), then dweight = sum_rows g xhat, then dbias = sum_rows g.
 */
export function normBackwardKernel(rms: boolean): Kernel {
  return (inputs, out, attrs: Attrs) => {
    const { k, eps, hasWeight, hasBias } = attrs as { k: number; eps: number; hasWeight: boolean; hasBias: boolean };
    const g = contiguousData(inputs[0]!);
    const x = contiguousData(inputs[1]!);
    const w = hasWeight ? contiguousData(inputs[2]!) : null;
    const [rows, d] = sizes(inputs[1]!.shape, k);
    const res = allocOut(out.dtype, out.shape[0]! * d);
    const dw = hasWeight ? new Float64Array(d) : null;
    const db = hasBias ? new Float64Array(d) : null;
    const f32 = g instanceof Float32Array && x instanceof Float32Array && res instanceof Float32Array && (w === null || w instanceof Float32Array);
    if (f32 && normGradRowsF32(g, x, rows, d, w as Float32Array | null, eps, rms, res, dw, db)) return wrap(packGrads(res, rows * d, dw, db), out.dtype);
    rowScratch(d);
    const xhat = scratch;
    const gh = scratch2;
    for (let r = 0, base = 0; r < rows; r++, base += d) {
      const rstd = centreRow(x, base, d, rms, eps);
      let sg = 0;
      let sgx = 0;
      for (let j = 0; j < d; j++) {
        const gj = g[base + j]!;
        const xh = xhat[j]! * rstd;
        const h = w ? gj * w[j]! : gj;
        xhat[j] = xh;
        gh[j] = h;
        sg += h;
        sgx += h * xh;
        if (dw) dw[j]! += gj * xh;
        if (db) db[j]! += gj;
      }
      const mg = rms ? 0 : sg / d;
      const mgx = sgx / d;
      if (rms) for (let j = 0; j < d; j++) res[base + j] = (gh[j]! - xhat[j]! * mgx) * rstd;
      else for (let j = 0; j < d; j++) res[base + j] = (gh[j]! - mg - xhat[j]! * mgx) * rstd;
    }
    return wrap(packGrads(res, rows * d, dw, db), out.dtype);
  };
}

/** Writes dweight then dbias (when present) after the first `at` elements of res; returns res. */
function packGrads(res: TypedArray, at: number, dw: Float64Array | null, db: Float64Array | null): TypedArray {
  if (dw) res.set(dw, at);
  if (db) res.set(db, at + (dw ? dw.length : 0));
  return res;
}

/** sum(x^2) in one pass: each square rounded to x's dtype, then added in order (the composite's bits). */
export const sumSquaresKernel: Kernel = (inputs, out) => {
  const x = contiguousData(inputs[0]!);
  let acc = 0;
  if (x instanceof Float32Array) for (let i = 0; i < x.length; i++) acc += Math.fround(x[i]! * x[i]!);
  else for (let i = 0; i < x.length; i++) acc += x[i]! * x[i]!;
  const res = allocOut(out.dtype, 1);
  res[0] = acc;
  return wrap(res, out.dtype);
};
