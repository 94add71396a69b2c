// Adam and AdamW (decoupled weight decay): PyTorch's torch.optim.Adam / AdamW update, bias-corrected,
// with optional AMSGrad. The classes hold the state and run core's fused primitive in place
// (adamStep_: one pass on the CPU, its composite of ops elsewhere; the same bits); adamUpdate is
// that composite as a pure function.

import { Tensor, ValueError, adamComposite, adamStep_, zerosLike } from '@tsgrad/core';
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
  const step = s.step + 1;
  const r = adamComposite(p, grad, s.expAvg, s.expAvgSq, s.maxExpAvgSq, { lr, beta1: h.betas[0], beta2: h.betas[1], eps: h.eps, weightDecay: h.weightDecay, decoupled: h.decoupled, step, amsgrad: h.amsgrad });
  return { param: r.param, state: { step, expAvg: r.expAvg, expAvgSq: r.expAvgSq, ...(r.maxExpAvgSq ? { maxExpAvgSq: r.maxExpAvgSq } : {}) } };
}

function checkOptions(name: string, o: AdamOptions): void {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  if (!(o.lr === undefined || o.lr >= 0)) throw new ValueError(name, `invalid learning rate ${o.lr}`);
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new ValueError(name, `betas must be in [0, 1), got [${b1}, ${b2}]`);
  if (!((o.eps ?? 1e-8) >= 0) || !((o.weightDecay ?? 0) >= 0)) throw new ValueError(name, 'eps and weightDecay must be >= 0');
}

// The optimizer alone holds its state tensors (state dicts get copies, loaded ones are copied),
// so core's adamStep_ updates them in place: the CPU's one-pass kernel allocates nothing.
abstract class AdamBase extends Optimizer<AdamState, H> {
  protected initState(p: Tensor): AdamState {
    return { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  }

  protected update(p: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<H>): AdamState {
    const step = state.step + 1;
    const maxExpAvgSq = group.amsgrad ? (state.maxExpAvgSq ?? zerosLike(p)) : undefined;
    adamStep_(p, grad, state.expAvg, state.expAvgSq, { lr: group.lr, betas: group.betas, eps: group.eps, weightDecay: group.weightDecay, decoupled: group.decoupled, step, maxExpAvgSq });
    return { step, expAvg: state.expAvg, expAvgSq: state.expAvgSq, ...(maxExpAvgSq ? { maxExpAvgSq } : {}) };
  }

  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    for (const s of Object.values(sd.state)) for (const [k, v] of Object.entries(s)) if (v instanceof Tensor) s[k] = v.clone();
    return sd;
  }

  override loadStateDict(sd: OptimizerStateDict): void {
    super.loadStateDict(sd);
    for (const [p, s] of this.state) this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v])) as AdamState);
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
