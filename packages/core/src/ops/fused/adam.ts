// adamStep: one Adam/AdamW update as a fused primitive. Its decomposition is the composite update
// (the arithmetic of PyTorch's torch.optim.Adam/AdamW, op by op); the CPU kernel does the same
// arithmetic in one pass (float32 in wasm f32x4), rounded where the composite rounds: the same bits.

import { DTypeError, ValueError } from '../../errors.js';
import { isGradEnabled } from '../../grad-mode.js';
import { shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { stack } from '../cat.js';
import { getBackend } from '../../backend.js';
import { apply, argInfo, definePrimitive, kernelFor, kernelInput, type PrimitiveDef } from '../define.js';
import { checkShapes } from '../helpers.js';

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
  /** AMSGrad: the running max of expAvgSq so far (start it at zeros). */
  maxExpAvgSq?: Tensor;
}

/** @internal adamStep's attributes: the options as plain numbers. */
export type AdamAttrs = {
  readonly lr: number; readonly beta1: number; readonly beta2: number; readonly eps: number;
  readonly weightDecay: number; readonly decoupled: boolean; readonly step: number; readonly amsgrad: boolean;
};

/** The new parameter and moments of one step. */
export interface AdamStepResult {
  /** The updated parameter. */
  param: Tensor;
  /** The new first moment m. */
  expAvg: Tensor;
  /** The new second moment v. */
  expAvgSq: Tensor;
  /** AMSGrad's new running maximum of v (when `maxExpAvgSq` was given). */
  maxExpAvgSq?: Tensor;
}

/**
 * The composite Adam(W) update: what backends without an adamStep kernel run, op by op.
 * @internal
 */
export function adamComposite(p: Tensor, grad: Tensor, m: Tensor, v: Tensor, vmax: Tensor | undefined, a: AdamAttrs): AdamStepResult {
  let param = p;
  let g = grad;
  if (a.weightDecay !== 0) {
    if (a.decoupled) param = p.mul(1 - a.lr * a.weightDecay);
    else g = g.add(p.mul(a.weightDecay));
  }
  const expAvg = m.mul(a.beta1).add(g.mul(1 - a.beta1));
  const expAvgSq = v.mul(a.beta2).add(g.square().mul(1 - a.beta2));
  const bc1 = 1 - Math.pow(a.beta1, a.step);
  const bc2 = 1 - Math.pow(a.beta2, a.step);
  const maxExpAvgSq = a.amsgrad ? (vmax ? vmax.maximum(expAvgSq) : expAvgSq) : undefined;
  const denom = (maxExpAvgSq ?? expAvgSq).sqrt().div(Math.sqrt(bc2)).add(a.eps);
  param = param.sub(expAvg.div(denom).mul(a.lr / bc1));
  return { param, expAvg, expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) };
}

/** @internal The primitive behind {@link adamStep}: output [k, ...shape] stacks param, m, v (and vmax). */
export const adamStepOp: PrimitiveDef<AdamAttrs> = definePrimitive<AdamAttrs>({
  name: 'adamStep',
  kind: 'other',
  args: ['param', 'grad', 'expAvg', 'expAvgSq', 'maxExpAvgSq'],
  shape: (inputs, a) => {
    const p = inputs[0]!;
    checkShapes(inputs.length === (a.amsgrad ? 5 : 4), adamStepOp, inputs, `expected ${a.amsgrad ? 5 : 4} tensors, got ${inputs.length}`);
    checkShapes(inputs.every((t) => shapesEqual(t.shape, p.shape)), adamStepOp, inputs, "grad and the moments must have the parameter's shape");
    return [inputs.length - 1, ...p.shape];
  },
  dtype: (inputs) => {
    const d = inputs[0]!.dtype;
    if ((d !== 'float32' && d !== 'float64') || inputs.some((t) => t.dtype !== d)) {
      throw new DTypeError('adamStep', 'expected float32 or float64 tensors of one dtype', argInfo(adamStepOp, inputs), "convert the gradient and state to the parameter's dtype");
    }
    return d;
  },
  // not differentiable: an optimizer update
  decompose: ([p, g, m, v, vmax], a) => {
    const r = adamComposite(p!, g!, m!, v!, vmax, a);
    return stack([r.param, r.expAvg, r.expAvgSq, ...(r.maxExpAvgSq ? [r.maxExpAvgSq] : [])]);
  },
});

/**
 * One Adam/AdamW step as a pure function: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), with AdamW's decay p (1 - lr wd)
 * first (or Adam's g + wd p). A fused primitive: the CPU runs it in one pass, other backends as
 * the composite of ops; both give the same bits. The results are views of one new tensor
 * (nothing is written in place). Gradient: none (an optimizer update; optimizers run it inside {@link noGrad}).
 * @param param - The parameter.
 * @param grad - Its gradient (param's shape and dtype).
 * @param expAvg - First moment m.
 * @param expAvgSq - Second moment v.
 * @param o - Hyper-parameters, the step number and AMSGrad's running maximum.
 * @returns The new parameter, m and v (and AMSGrad's maximum).
 * @example
 * const r = adamStep(zeros([3]), ones([3]), zeros([3]), zeros([3]), { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: true, step: 1 });
 * r.param.tolist(); // [-0.1, -0.1, -0.1] (about)
 * r.expAvg.tolist(); // [0.1, 0.1, 0.1] (about)
 */
export function adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamStepOptions): AdamStepResult {
  const [inputs, a] = prepare('adamStep', param, grad, expAvg, expAvgSq, o);
  const out = apply(adamStepOp, inputs, a);
  const at = (i: number) => out.select(0, i);
  return { param: at(0), expAvg: at(1), expAvgSq: at(2), ...(o.maxExpAvgSq ? { maxExpAvgSq: at(3) } : {}) };
}

function prepare(op: string, param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamStepOptions): [Tensor[], AdamAttrs] {
  if (isGradEnabled() && [param, grad, expAvg, expAvgSq].some((t) => t.requiresGrad)) {
    throw new ValueError(op, 'an optimizer update is not differentiable', { param: param.shape }, 'run it inside noGrad(() => ...), as optimizers do');
  }
  const a: AdamAttrs = { lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay, decoupled: o.decoupled, step: o.step, amsgrad: o.maxExpAvgSq !== undefined };
  return [[param, grad, expAvg, expAvgSq, ...(o.maxExpAvgSq ? [o.maxExpAvgSq] : [])], a];
}

/**
 * {@link adamStep} in place: writes the new parameter, moments (and AMSGrad's maximum) over
 * `param`, `expAvg`, `expAvgSq` (and `maxExpAvgSq`), bumping their versions. Where the backend's
 * adamStep kernel has an in-place form (the CPU's one pass), nothing is allocated; elsewhere the
 * result is computed as `adamStep` and copied back. Optimizers call this once per parameter.
 * Gradient: none (an optimizer update; run it inside {@link noGrad}).
 * @param param - The parameter, updated in place.
 * @param grad - Its gradient.
 * @param expAvg - First moment m, updated in place.
 * @param expAvgSq - Second moment v, updated in place.
 * @param o - Hyper-parameters, the step number and AMSGrad's running maximum (updated in place).
 * @example
 * const p = zeros([3]), m = zeros([3]), v = zeros([3]);
 * noGrad(() => adamStep_(p, ones([3]), m, v, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, decoupled: true, step: 1 }));
 * p.tolist(); // [-0.1, -0.1, -0.1] (about)
 */
export function adamStep_(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, o: AdamStepOptions): void {
  const [inputs, a] = prepare('adamStep_', param, grad, expAvg, expAvgSq, o);
  adamStepOp.shape(inputs, a);
  const dtype = adamStepOp.dtype(inputs, a);
  const written = [param, expAvg, expAvgSq, ...(o.maxExpAvgSq ? [o.maxExpAvgSq] : [])];
  const devices = new Set(inputs.map((t) => t.device));
  const k = devices.size === 1 ? kernelFor(adamStepOp, getBackend(param.device), dtype) : undefined;
  if (k?.inPlace?.(inputs.map(kernelInput), a)) {
    for (const t of written) t.storage.version++;
    return;
  }
  const r = adamStep(param, grad, expAvg, expAvgSq, o);
  const results = [r.param, r.expAvg, r.expAvgSq, ...(r.maxExpAvgSq ? [r.maxExpAvgSq] : [])];
  written.forEach((t, i) => t.copy_(results[i]!));
}
