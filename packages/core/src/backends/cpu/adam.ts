// The CPU kernel of adamStep: one Adam/AdamW update in one pass over float32/float64 data,
// matching the op's composite decomposition bit for bit (float32 rounds after every step, as each
// op of the composite stores its result; every constant is a weak scalar in the param's dtype).
// Float32 runs its multiple-of-4 head in the wasm f32x4 kernel on the helper threads.

import type { Kernel, KernelInput } from '../../backend.js';
import { allocArray, type TypedArray } from '../../dtype.js';
import type { AdamAttrs } from '../../ops/fused/adam.js';
import { sizeOf } from '../../shape.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { adamF32 } from './vector-wasm.js';

// writes x's n elements, row-major, into out from `at` (one block copy when x is a dense run)
function place(x: KernelInput, out: TypedArray, at: number, n: number): void {
  let dense = true;
  let expected = 1;
  for (let i = x.shape.length - 1; i >= 0 && dense; i--) {
    if (x.shape[i] !== 1 && x.strides[i] !== expected) dense = false;
    expected *= x.shape[i]!;
  }
  const src = dense ? dataOf(x.storage).subarray(x.offset, x.offset + n) : contiguousData(x);
  out.set(src as never, at);
}

/** adamStep's kernel: inputs param, grad, m, v (and vmax); output [k, ...shape] = new param, m, v (and vmax). */
export const adamStepKernel: Kernel = (inputs, out, attrs) => {
  const a = attrs as AdamAttrs;
  const n = sizeOf(inputs[0]!.shape);
  const k = inputs.length - 1;
  const data = allocArray(out.dtype, k * n);
  place(inputs[0]!, data, 0, n);
  for (let j = 2; j < inputs.length; j++) place(inputs[j]!, data, (j - 1) * n, n);
  const g = contiguousData(inputs[1]!);
  const f = out.dtype === 'float32' ? Math.fround : (x: number) => x;
  const consts = {
    decay: f(1 - a.lr * a.weightDecay), wd: f(a.weightDecay), b1: f(a.beta1), c1: f(1 - a.beta1), b2: f(a.beta2), c2: f(1 - a.beta2),
    sqrtBc2: f(Math.sqrt(1 - Math.pow(a.beta2, a.step))), eps: f(a.eps), stepSize: f(a.lr / (1 - Math.pow(a.beta1, a.step))),
  };
  const vmax = a.amsgrad ? data : null;
  const offsets = [0, n, 2 * n, 3 * n] as const;
  if (out.dtype === 'float32') adamLoop32(data, g, data, data, vmax, offsets, n, consts, a);
  else adamLoop64(data, g, data, data, vmax, offsets, n, consts, a);
  return wrap(data, out.dtype);
};

type Consts = { decay: number; wd: number; b1: number; c1: number; b2: number; c2: number; sqrtBc2: number; eps: number; stepSize: number };
type Offsets = readonly [number, number, number, number];
const fr = Math.fround;

// NOTE: every intermediate is rounded to float32, exactly where the composite stores one
function adamLoop32(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null, [po, mo, vo, xo]: Offsets, n: number, k: Consts, o: AdamAttrs): void {
  const decayP = o.decoupled && o.weightDecay !== 0;
  const l2 = !o.decoupled && o.weightDecay !== 0;
  // the wasm f32x4 kernel (same bits) takes the multiple-of-4 head; AMSGrad stays here
  const head = vmax ? 0 : n - (n % 4);
  const start = head > 0 && adamF32(p as Float32Array, g as Float32Array, m as Float32Array, v as Float32Array, [po, mo, vo], head, k, l2) ? head : 0;
  for (let i = start; i < n; i++) {
    const pi = p[po + i]!;
    const param = decayP ? fr(pi * k.decay) : pi;
    const gi = l2 ? fr(g[i]! + fr(pi * k.wd)) : g[i]!;
    const mi = fr(fr(m[mo + i]! * k.b1) + fr(gi * k.c1));
    const vi = fr(fr(v[vo + i]! * k.b2) + fr(fr(gi * gi) * k.c2));
    m[mo + i] = mi;
    v[vo + i] = vi;
    let vm = vi;
    if (vmax) {
      const prev = vmax[xo + i]!;
      vm = prev !== prev || vi !== vi ? NaN : prev > vi ? prev : vi; // maximum, NaN-propagating
      vmax[xo + i] = vm;
    }
    const denom = fr(fr(fr(Math.sqrt(vm)) / k.sqrtBc2) + k.eps);
    p[po + i] = fr(param - fr(fr(mi / denom) * k.stepSize));
  }
}

function adamLoop64(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null, [po, mo, vo, xo]: Offsets, n: number, k: Consts, o: AdamAttrs): void {
  const decayP = o.decoupled && o.weightDecay !== 0;
  const l2 = !o.decoupled && o.weightDecay !== 0;
  for (let i = 0; i < n; i++) {
    const pi = p[po + i]!;
    const param = decayP ? pi * k.decay : pi;
    const gi = l2 ? g[i]! + pi * k.wd : g[i]!;
    const mi = m[mo + i]! * k.b1 + gi * k.c1;
    const vi = v[vo + i]! * k.b2 + gi * gi * k.c2;
    m[mo + i] = mi;
    v[vo + i] = vi;
    let vm = vi;
    if (vmax) {
      const prev = vmax[xo + i]!;
      vm = prev !== prev || vi !== vi ? NaN : prev > vi ? prev : vi;
      vmax[xo + i] = vm;
    }
    p[po + i] = param - (mi / (Math.sqrt(vm) / k.sqrtBc2 + k.eps)) * k.stepSize;
  }
}
