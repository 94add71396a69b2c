// Adam and AdamW (decoupled weight decay): PyTorch's torch.optim.Adam / AdamW update, bias-corrected,
// with optional AMSGrad. The update is a pure function; the classes hold the state.

import type { Tensor } from '@tsgrad/core';
import { ValueError, zerosLike } from '@tsgrad/core';
import { Optimizer, type ParamEntry, type ParamGroup, type ParamGroupSpec } from './optimizer.js';

/** Adam/AdamW hyper-parameters (PyTorch's names; betas as a pair). */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

type H = { betas: readonly [number, number]; eps: number; weightDecay: number; amsgrad: boolean; decoupled: boolean };
/** Per-parameter Adam state (PyTorch's step, exp_avg, exp_avg_sq, max_exp_avg_sq). */
export type AdamState = { step: number; expAvg: Tensor; expAvgSq: Tensor; maxExpAvgSq?: Tensor };

/**
 * One Adam(W) step as a pure function. AdamW first decays p by (1 - lr wd); Adam adds wd p to g.
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
export function adamUpdate(p: Tensor, grad: Tensor, s: AdamState, lr: number, h: H): { param: Tensor; state: AdamState } {
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

abstract class AdamBase extends Optimizer<AdamState, H> {
  protected initState(p: Tensor): AdamState {
    return { step: 0, expAvg: zerosLike(p), expAvgSq: zerosLike(p) };
  }

  protected update(p: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<H>): AdamState {
    const { param, state: next } = adamUpdate(p, grad, state, group.lr, group);
    p.copy_(param);
    return next;
  }
}

/**
 * Adam (Kingma & Ba, https://arxiv.org/abs/1412.6980) with L2 weight decay, as torch.optim.Adam.
 * @example const opt = new Adam(model.namedParameters(), { lr: 1e-3 });
 */
export class Adam extends AdamBase {
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, opts: AdamOptions = {}) {
    checkOptions('Adam', opts);
    super(params, { lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0, amsgrad: opts.amsgrad ?? false, decoupled: false });
  }
}

/**
 * AdamW (Loshchilov & Hutter, https://arxiv.org/abs/1711.05101): decoupled weight decay, as
 * torch.optim.AdamW (default weightDecay 0.01). Use `decayGroups(model)` to exempt biases, norms
 * and embeddings. @example const opt = new AdamW(decayGroups(model, 0.1), { lr: 3e-4 });
 */
export class AdamW extends AdamBase {
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, opts: AdamOptions = {}) {
    checkOptions('AdamW', opts);
    super(params, { lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0.01, amsgrad: opts.amsgrad ?? false, decoupled: true });
  }
}
