// GELU forward and backward in one pass each (exact erf and tanh forms), in the same operation
// order as the ops' decompositions, so float64 results match them bit for bit. Float32 exact GELU
// runs in the wasm SIMD kernels (polynomial erf and exp, within float32 rounding), threaded.

import type { Attrs, Kernel } from '../../backend.js';
import { erfScalar } from '../../ops/unary/erf.js';
import { contiguousData, wrap } from './storage.js';
import { geluF32 } from './vector-wasm.js';
import { allocOut } from './reuse.js';

const TANH_C = Math.sqrt(2 / Math.PI);
const TANH_A = 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * erf(x): erfScalar's |x| < 1 branch written out here (the same coefficients in the same order,
 * so bit-identical) because erfScalar is too big for V8 to inline into a loop; larger |x| calls it.
 */
function erf(x: number): number {
  if (!(x < 1 && x > -1)) return erfScalar(x);
  const t = x * x;
  let p = -6.414718223632148e-10;
  p = p * t + 1.2998292222155284e-8;
  p = p * t + -1.6046093961600597e-7;
  p = p * t + 1.6426850427026525e-6;
  p = p * t + -1.492312519350185e-5;
  p = p * t + 0.00012055214240090328;
  p = p * t + -0.0008548323402147063;
  p = p * t + 0.005223977556539965;
  p = p * t + -0.02686617063756267;
  p = p * t + 0.11283791670913787;
  p = p * t + -0.3761263890318285;
  p = p * t + 1.1283791670955134;
  return x * p;
}

// x^3 as the decomposition's pow(x, 3) computes it (Math.pow) for float64; x x x for float32,
// where the two agree after rounding and Math.pow costs more than the rest of the loop
const cube64 = (v: number) => Math.pow(v, 3);
const cube32 = (v: number) => v * v * v;

/**
 * Exact (erf) GELU of x into y (y may be x): float32 on the wasm SIMD kernel where it runs, else
 * the loop (in float64, rounded once to y's type).
 */
export function geluExact(x: ArrayLike<number>, y: Float32Array | Float64Array): void {
  if (x instanceof Float32Array && y instanceof Float32Array && geluF32(x, y)) return;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    y[i] = v * 0.5 * (erf(v * Math.SQRT1_2) + 1);
  }
}

/** y = x/2 (1 + erf(x / sqrt 2)), or x/2 (1 + tanh(c (x + a x^3))). */
export const geluKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const x = contiguousData(inputs[0]!);
  const n = x.length;
  const y = allocOut(out.dtype, n, false); // every element is written
  if (attrs['approximate'] === 'tanh') {
    const cube = out.dtype === 'float64' ? cube64 : cube32;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = v * 0.5 * (Math.tanh((v + cube(v) * TANH_A) * TANH_C) + 1);
    }
  } else geluExact(x, y as Float32Array | Float64Array);
  return wrap(y, out.dtype);
};

/** dx = g gelu'(x): Phi(x) + x phi(x), or (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 a x^2). */
export const geluBackwardKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const g = contiguousData(inputs[0]!);
  const x = contiguousData(inputs[1]!);
  const n = x.length;
  const dx = allocOut(out.dtype, n, false); // every element is written
  if (attrs['approximate'] !== 'tanh' && x instanceof Float32Array && g instanceof Float32Array && geluF32(x, dx as Float32Array, g)) return wrap(dx, out.dtype);
  if (attrs['approximate'] === 'tanh') {
    const cube = out.dtype === 'float64' ? cube64 : cube32;
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      const t = Math.tanh((v + cube(v) * TANH_A) * TANH_C);
      const du = (v * v * (3 * TANH_A) + 1) * TANH_C;
      dx[i] = g[i]! * ((t + 1) * 0.5 + v * 0.5 * (-(t * t) + 1) * du);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      const cdf = (erf(v * Math.SQRT1_2) + 1) * 0.5;
      const pdf = Math.exp(v * v * -0.5) * INV_SQRT_2PI;
      dx[i] = g[i]! * (cdf + v * pdf);
    }
  }
  return wrap(dx, out.dtype);
};
