// Adam and AdamW (decoupled weight decay): PyTorch's torch.optim.Adam / AdamW update, bias-corrected,
// with optional AMSGrad. The update is a pure function; the classes hold the state and, for CPU
// float tensors, run it as core's fused in-place adamStep_ (the same arithmetic, bit for bit).

import type { Tensor } from '@tsgrad/core';
import { ValueError, adamStep_, zerosLike } from '@tsgrad/core';
import { Optimizer, type OptimizerStateDict, type ParamEntry, type ParamGroup, type ParamGroupSpec } from './optimizer.js';

/** Adam/AdamW hyper-parameters (PyTorch's names; betas as a pair). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the moment averages (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Weight decay (default 0 for Adam, 0.01 for AdamW). */
  weightDecay?: number;
  /** AMSGrad's running maximum of v (default false). */
  amsgrad?: boolean;
}

/**
 * Adam's resolved hyper-parameters (a parameter group's settings).
 * @inline
 */
type H = {
  /** Decay rates of the moment averages. */
  betas: readonly [number, number];
  /** Added to the denominator. */
  eps: number;
  /** Weight decay. */
  weightDecay: number;
  /** AMSGrad. */
  amsgrad: boolean;
  /** Decoupled decay (AdamW) instead of an L2 term (Adam). */
  decoupled: boolean;
};
/** Per-parameter Adam state (PyTorch's step, exp_avg, exp_avg_sq, max_exp_avg_sq). */
export type AdamState = {
  /** Steps taken. */
  step: number;
  /** First moment m. */
  expAvg: Tensor;
  /** Second moment v. */
  expAvgSq: Tensor;
  /** AMSGrad's running maximum of v. */
  maxExpAvgSq?: Tensor;
};

/**
 * One Adam(W) step as a pure function. AdamW first decays p by (1 - lr wd); Adam adds wd p to g.
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * @param p - The parameter.
 * @param grad - Its gradient.
 * @param s - The state before the step (step 0 with zero moments at first).
 * @param lr - Learning rate.
 * @param h - betas, eps, weightDecay, amsgrad, decoupled (AdamW).
 * @returns The new parameter and state (the inputs are unchanged).
 * @example
 * const s = { step: 0, expAvg: zeros([2]), expAvgSq: zeros([2]) };
 * const { param, state } = adamUpdate(tensor([1, 1]), tensor([1, -1]), s, 0.1, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, decoupled: true });
 * param.tolist(); // [0.9, 1.1] (about)
 * state.step; // 1
 */
export function adamUpdate(p: Tensor, grad: Tensor, s: AdamState, lr: number, h: H): {
  /** The updated parameter. */
  param: Tensor;
  /** The state after the step. */
  state: AdamState;
} {
  const [b1, b2] = h.betas;
  const step = s.step + 1;
  let param = p;
  let g = grad;
  if (h.weightDecay !== 0) {
    if (h.decoupled) param = p.mul(1 - lr * h.weightDecay);
    else g = g.add(p.mul(h.weightDecay));
  }
  const expAvg = s.expAvg.mul(b1).add(g.mul(1 - b1));
  const expAvgSq = s.expAvgSq.mul(b2).add(g.square().mul(1 - b2));
  const bc1 = 1 - Math.pow(b1, step);
  const bc2 = 1 - Math.pow(b2, step);
  const maxExpAvgSq = h.amsgrad ? (s.maxExpAvgSq ? s.maxExpAvgSq.maximum(expAvgSq) : expAvgSq) : undefined;
  const denom = (maxExpAvgSq ?? expAvgSq).sqrt().div(Math.sqrt(bc2)).add(h.eps);
  param = param.sub(expAvg.div(denom).mul(lr / bc1));
  return { param, state: { step, expAvg, expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) } };
}

function checkOptions(name: string, o: AdamOptions): void {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  if (!(o.lr === undefined || o.lr >= 0)) throw new ValueError(name, `invalid learning rate ${o.lr}`);
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new ValueError(name, `betas must be in [0, 1), got [${b1}, ${b2}]`);
  if (!((o.eps ?? 1e-8) >= 0) || !((o.weightDecay ?? 0) >= 0)) throw new ValueError(name, 'eps and weightDecay must be >= 0');
}

// CPU float tensors of one dtype, the param contiguous: core's fused in-place step applies
function fusable(p: Tensor, grad: Tensor, s: AdamState): boolean {
  const like = (t: Tensor) => t.device === 'cpu' && t.dtype === p.dtype && t.ndim === p.ndim && t.shape.every((d, i) => d === p.shape[i]);
  return (p.dtype === 'float32' || p.dtype === 'float64') && p.isContiguous() && like(grad) && like(s.expAvg) && like(s.expAvgSq) && (!s.maxExpAvgSq || like(s.maxExpAvgSq));
}

abstract class AdamBase extends Optimizer<AdamState, H> {
  // State tensors this optimizer made and alone holds: the fused step updates those in place. Any
  // other (loaded from, or handed out by, a state dict) is copied first, so no one sees it change.
  private owned = new WeakSet<Tensor>();

  private own(t: Tensor): Tensor {
    if (this.owned.has(t) && t.isContiguous()) return t;
    const c = t.clone();
    this.owned.add(c);
    return c;
  }

  protected initState(p: Tensor): AdamState {
    const s = { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
    this.owned.add(s.expAvg).add(s.expAvgSq);
    return s;
  }

  protected update(p: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<H>): AdamState {
    if (fusable(p, grad, state)) {
      // NOTE: the same arithmetic as adamUpdate, rounded where it rounds: results are bit-identical
      const [expAvg, expAvgSq] = [this.own(state.expAvg), this.own(state.expAvgSq)];
      const maxExpAvgSq = group.amsgrad ? (state.maxExpAvgSq ? this.own(state.maxExpAvgSq) : this.own(zerosLike(p))) : undefined;
      const step = state.step + 1;
      adamStep_(p, grad, expAvg, expAvgSq, { lr: group.lr, betas: group.betas, eps: group.eps, weightDecay: group.weightDecay, decoupled: group.decoupled, step, maxExpAvgSq });
      return { step, expAvg, expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) };
    }
    const { param, state: next } = adamUpdate(p, grad, state, group.lr, group);
    p.copy_(param);
    return next;
  }

  override stateDict(): OptimizerStateDict {
    this.owned = new WeakSet(); // the dict shares the state tensors: later steps must not write them
    return super.stateDict();
  }
}

/**
 * Adam (Kingma & Ba, https://arxiv.org/abs/1412.6980) with L2 weight decay, as torch.optim.Adam.
 * @example
 * const model = new Linear(4, 1);
 * const opt = new Adam(model.namedParameters(), { lr: 1e-3 });
 * opt.defaults.betas; // [0.9, 0.999]
 */
export class Adam extends AdamBase {
  /**
   * @param params - Parameters (or `[name, param]` pairs, or groups with their own options).
   * @param opts - `lr`, `betas`, `eps`, `weightDecay`, `amsgrad`.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, opts: AdamOptions = {}) {
    checkOptions('Adam', opts);
    super(params, { lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0, amsgrad: opts.amsgrad ?? false, decoupled: false });
  }
}

/**
 * AdamW (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101): decoupled weight decay, as
 * torch.optim.AdamW (default weightDecay 0.01). Use `decayGroups(model)` to exempt biases, norms
 * and embeddings.
 * @example
 * const model = new GPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
 * const opt = new AdamW(decayGroups(model, 0.1), { lr: 3e-4 });
 * opt.paramGroups.map((g) => g.weightDecay); // [0, 0.1] (embeddings, norms and biases first; then the matrices)
 */
export class AdamW extends AdamBase {
  /**
   * @param params - Parameters (or `[name, param]` pairs, or groups with their own options).
   * @param opts - `lr`, `betas`, `eps`, `weightDecay` (default 0.01), `amsgrad`.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, opts: AdamOptions = {}) {
    checkOptions('AdamW', opts);
    super(params, { lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0.01, amsgrad: opts.amsgrad ?? false, decoupled: true });
  }
}
