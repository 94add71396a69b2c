// adamStep_: one fused, in-place Adam/AdamW update of CPU float32/float64 tensors, matching the
// composite update of @tsgrad/train's adamUpdate bit for bit (float32 rounds after every step, as
// each op of the composite stores its result; every constant is a weak scalar in the param's dtype).

import { isGradEnabled } from '../../grad-mode.js';
import { ValueError } from '../../errors.js';
import type { TypedArray } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { contiguousData, dataOf } from './storage.js';
import { adamF32 } from './vector-wasm.js';

/** Hyper-parameters of one Adam(W) step (PyTorch's names). */
export interface AdamStepOptions {
  /** Learning rate. */
  lr: number;
  /** Decay rates (b1, b2) of the first and second moment averages. */
  betas: readonly [number, number];
  /** Added to the denominator. */
  eps: number;
  /** Weight decay (coupled for Adam, decoupled for AdamW). */
  weightDecay: number;
  /** AdamW: decay the parameter by (1 - lr wd); Adam: add wd p to the gradient. */
  decoupled: boolean;
  /** The step number this update makes (1 for the first), for the bias corrections. */
  step: number;
  /** AMSGrad: the running max of expAvgSq, updated in place (start it at zeros). */
  maxExpAvgSq?: Tensor;
}

function kernelView(op: string, name: string, t: Tensor, param: Tensor, writable: boolean): TypedArray {
  const ok = t.device === 'cpu' && t.dtype === param.dtype && t.numel() === param.numel() && t.shape.every((s, i) => s === param.shape[i]) && t.ndim === param.ndim;
  if (!ok || (writable && !t.isContiguous())) {
    throw new ValueError(op, `${name} must be a ${writable ? 'contiguous ' : ''}CPU ${param.dtype} tensor of the parameter's shape`,
      { [name]: { shape: t.shape, dtype: t.dtype }, param: { shape: param.shape, dtype: param.dtype } }, 'use the composite update (adamUpdate) otherwise');
  }
  return writable ? dataOf(t.storage) : contiguousData({ storage: t.storage, shape: t.shape, strides: t.strides, offset: t.offset, dtype: t.dtype });
}

/**
 * One Adam/AdamW step in place, in one pass: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), with AdamW's decay p (1 - lr wd)
 * first (or Adam's g + wd p). `param`, `expAvg`, `expAvgSq` (and `maxExpAvgSq`) are written and
 * their storage versions bumped; `grad` is read. CPU float32/float64, contiguous, one dtype.
 * Not differentiable (an in-place optimizer update; run it inside {@link noGrad}).
 * @param param - The parameter, updated in place.
 * @param grad - Its gradient (param's shape).
 * @param expAvg - First moment m, updated in place.
 * @param expAvgSq - Second moment v, updated in place.
 * @param o - Hyper-parameters and the step number.
 * @example
 * const p = zeros([3]), m = zeros([3]), v = zeros([3]);
 * noGrad(() => adamStep_(p, ones([3]), m, v, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: true, step: 1 }));
 * p.tolist(); // [-0.1, -0.1, -0.1] (about)
 */
export function adamStep_(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamStepOptions): void {
  const op = 'adamStep_';
  if (isGradEnabled() && param.requiresGrad) {
    throw new ValueError(op, 'in-place update of a tensor that requires grad while grad mode is on', { param: param.shape }, 'run it inside noGrad(() => ...), as optimizers do');
  }
  if (param.device !== 'cpu' || (param.dtype !== 'float32' && param.dtype !== 'float64') || !param.isContiguous()) {
    throw new ValueError(op, 'param must be a contiguous CPU float32 or float64 tensor', { param: { shape: param.shape, dtype: param.dtype } });
  }
  const p = dataOf(param.storage);
  const g = kernelView(op, 'grad', grad, param, false);
  const m = kernelView(op, 'expAvg', expAvg, param, true);
  const v = kernelView(op, 'expAvgSq', expAvgSq, param, true);
  const vmax = o.maxExpAvgSq ? kernelView(op, 'maxExpAvgSq', o.maxExpAvgSq, param, true) : null;
  const f = param.dtype === 'float32' ? Math.fround : (x: number) => x;
  const [b1, b2] = o.betas;
  const k = {
    decay: f(1 - o.lr * o.weightDecay), wd: f(o.weightDecay), b1: f(b1), c1: f(1 - b1), b2: f(b2), c2: f(1 - b2),
    sqrtBc2: f(Math.sqrt(1 - Math.pow(b2, o.step))), eps: f(o.eps), stepSize: f(o.lr / (1 - Math.pow(b1, o.step))),
  };
  const offsets = [param.offset, expAvg.offset, expAvgSq.offset, o.maxExpAvgSq?.offset ?? 0] as const;
  if (param.dtype === 'float32') adamLoop32(p, g, m, v, vmax, offsets, param.numel(), k, o);
  else adamLoop64(p, g, m, v, vmax, offsets, param.numel(), k, o);
  for (const t of [param, expAvg, expAvgSq, o.maxExpAvgSq]) if (t) t.storage.version++;
}

type Consts = { decay: number; wd: number; b1: number; c1: number; b2: number; c2: number; sqrtBc2: number; eps: number; stepSize: number };
type Offsets = readonly [number, number, number, number];
const fr = Math.fround;

// NOTE: every intermediate is rounded to float32, exactly where the composite stores one
function adamLoop32(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null, [po, mo, vo, xo]: Offsets, n: number, k: Consts, o: AdamStepOptions): void {
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

function adamLoop64(p: TypedArray, g: TypedArray, m: TypedArray, v: TypedArray, vmax: TypedArray | null, [po, mo, vo, xo]: Offsets, n: number, k: Consts, o: AdamStepOptions): void {
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
