// The CPU kernel of adamStep: one Adam/AdamW update in one pass over float32/float64 data,
// matching the op's composite decomposition bit for bit (float32 rounds after every step, as each
// op of the composite stores its result; every constant is a weak scalar in the param's dtype).
// Float32 runs its multiple-of-4 head in the wasm f32x4 kernel on the helper threads.

import type { Attrs, Kernel, KernelInput, KernelOutput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import type { AdamAttrs } from '../../ops/fused/adam.js';
import { sizeOf } from '../../shape.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { adamF32 } from './vector-wasm.js';
import { allocOut } from './reuse.js';

// x's elements as one dense run: the storage array and where the run starts (a copy only for strided views)
function dense(x: KernelInput): { data: TypedArray; at: number } {
  let expected = 1;
  for (let i = x.shape.length - 1; i >= 0; i--) {
    if (x.shape[i] !== 1 && x.strides[i] !== expected) return { data: contiguousData(x), at: 0 };
    expected *= x.shape[i]!;
  }
  return { data: dataOf(x.storage), at: x.offset };
}

type Run = { data: TypedArray; at: number };

function constsOf(a: AdamAttrs, f32: boolean): Consts {
  const f = f32 ? Math.fround : (x: number) => x;
  return {
    decay: f(1 - a.lr * a.weightDecay), wd: f(a.weightDecay), b1: f(a.beta1), c1: f(1 - a.beta1), b2: f(a.beta2), c2: f(1 - a.beta2),
    sqrtBc2: f(Math.sqrt(1 - Math.pow(a.beta2, a.step))), eps: f(a.eps), stepSize: f(a.lr / (1 - Math.pow(a.beta1, a.step))),
  };
}

// one step from p, m, v (, vmax) into `dst` (their own runs for in place): float32 without AMSGrad
// runs its multiple-of-4 head in the wasm f32x4 kernel, the rest in the TypeScript loop (same bits)
function step(src: readonly (Run | undefined)[], dst: readonly (Run | undefined)[], g: TypedArray, n: number, f32: boolean, a: AdamAttrs): void {
  const [p, m, v, vmax] = src;
  const k = constsOf(a, f32);
  const head = f32 && !vmax ? n - (n % 4) : 0;
  const out = dst[0]!.data === p!.data && dst[0]!.at === p!.at ? undefined : { data: dst[0]!.data as Float32Array, at: [dst[0]!.at, dst[1]!.at, dst[2]!.at] as const };
  const start = head > 0 && adamF32(p!.data as Float32Array, g as Float32Array, m!.data as Float32Array, v!.data as Float32Array, [p!.at, m!.at, v!.at], head, k, !a.decoupled && a.weightDecay !== 0, out) ? head : 0;
  if (out) src.forEach((x, j) => x && dst[j]!.data.set(x.data.subarray(x.at + start, x.at + n) as never, dst[j]!.at + start));
  const [dp, dm, dv, dx] = dst;
  const offsets = [dp!.at, dm!.at, dv!.at, dx?.at ?? 0] as const;
  if (f32) adamLoop32(dp!.data, g, dm!.data, dv!.data, dx?.data ?? null, offsets, n, start, k, a);
  else adamLoop64(dp!.data, g, dm!.data, dv!.data, dx?.data ?? null, offsets, n, k, a);
}

const views = (inputs: readonly KernelInput[]) => [inputs[0]!, inputs[2]!, inputs[3]!, inputs[4]];

/**
 * adamStep's kernel: inputs param, grad, m, v (and vmax); output [k, ...shape] = new param, m, v
 * (and vmax). Its `inPlace` form writes them over the inputs' storages (dense views only).
 */
export const adamStepKernel: Kernel = Object.assign((inputs: readonly KernelInput[], out: KernelOutput, attrs: Attrs) => {
  const n = sizeOf(inputs[0]!.shape);
  const data = allocOut(out.dtype, (inputs.length - 1) * n);
  const src = views(inputs).map((x) => (x ? dense(x) : undefined));
  step(src, src.map((x, j) => x && { data, at: j * n }), contiguousData(inputs[1]!), n, out.dtype === 'float32', attrs as AdamAttrs);
  return wrap(data, out.dtype);
}, {
  inPlace(inputs: readonly KernelInput[], attrs: Attrs): boolean {
    const vs = views(inputs);
    if (vs.some((x) => x && dense(x).data !== dataOf(x.storage))) return false; // a strided view: the caller copies back
    const runs = vs.map((x) => x && { data: dataOf(x.storage), at: x.offset });
    step(runs, runs, contiguousData(inputs[1]!), sizeOf(inputs[0]!.shape), inputs[0]!.dtype === 'float32', attrs as AdamAttrs);
    return true;
  },
});

type Consts = { decay: number; wd: number; b1: number; c1: number; b2: number; c2: number; sqrtBc2: number; eps: number; stepSize: number };
type Offsets = readonly [number, number, number, number];
const fr = Math.fround;

// NOTE: every intermediate is rounded to float32, exactly where the composite stores one
function adamLoop32(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null, [po, mo, vo, xo]: Offsets, n: number, start: number, k: Consts, o: AdamAttrs): void {
  const decayP = o.decoupled && o.weightDecay !== 0;
  const l2 = !o.decoupled && o.weightDecay !== 0;
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
