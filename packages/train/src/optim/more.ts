// RMSprop, Adagrad (PyTorch's torch.optim.RMSprop / Adagrad, the same updates and defaults) and
// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms": sign of an interpolated
// momentum, decoupled weight decay), written with tensor ops on any device.

import { ValueError, type Tensor, zerosLike } from '@tsgrad/core';
import { finite } from './checks.js';
import { Optimizer, type ParamEntry, type ParamGroup, type ParamGroupSpec } from './optimizer.js';


/** RMSprop hyper-parameters (PyTorch's names and defaults). */
export interface RMSpropOptions {
  /** Learning rate (default 0.01). */
  lr?: number;
  /** Smoothing constant of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Normalise by the variance (v - mean(g)^2) instead of v (default false). */
  centered?: boolean;
}
/**
 * RMSprop's resolved hyper-parameters.
 * @inline
 */
type RH = Required<Omit<RMSpropOptions, 'lr'>>;

/**
 * RMSprop (torch.optim.RMSprop): v = alpha v + (1 - alpha) g^2; with `centered` the running mean
 * of g is subtracted (v - gAvg^2); p -= lr g / (sqrt(v) + eps), through a momentum buffer when
 * `momentum` > 0.
 * @example
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new RMSprop([w], { lr: 0.01 });
 * w.square().sum().backward();
 * opt.step();
 * w.tolist(); // [0.9, -1.9] (about)
 */
export class RMSprop extends Optimizer<Record<string, Tensor>, RH> {
  /**
   * @param params - Parameters (or `[name, param]` pairs, or groups with their own options).
   * @param opts - `lr`, `alpha`, `eps`, `weightDecay`, `momentum`, `centered`.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<RH>>, opts: RMSpropOptions = {}) {
    const { lr = 0.01, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false } = opts;
    finite('RMSprop', { lr, alpha, eps, weightDecay, momentum });
    super(params, { lr, alpha, eps, weightDecay, momentum, centered });
  }

  protected initState(p: Tensor): Record<string, Tensor> {
    return { squareAvg: zerosLike(p) };
  }

  protected update(p: Tensor, grad: Tensor, s: Record<string, Tensor>, h: ParamGroup<RH>): Record<string, Tensor> {
    const g = h.weightDecay !== 0 ? grad.add(p.mul(h.weightDecay)) : grad;
    const squareAvg = s['squareAvg']!.mul(h.alpha).add(g.square().mul(1 - h.alpha));
    const next: Record<string, Tensor> = { squareAvg };
    let avg: Tensor;
    if (h.centered) {
      const gradAvg = (s['gradAvg'] ?? zerosLike(p)).mul(h.alpha).add(g.mul(1 - h.alpha));
      next['gradAvg'] = gradAvg;
      avg = squareAvg.sub(gradAvg.square()).sqrt().add(h.eps);
    } else avg = squareAvg.sqrt().add(h.eps);
    if (h.momentum > 0) {
      const buf = (s['momentumBuffer'] ?? zerosLike(p)).mul(h.momentum).add(g.div(avg));
      next['momentumBuffer'] = buf;
      p.copy_(p.sub(buf.mul(h.lr)));
    } else p.copy_(p.sub(g.div(avg).mul(h.lr)));
    return next;
  }
}

/** Adagrad hyper-parameters (PyTorch's names and defaults). */
export interface AdagradOptions {
  /** Learning rate (default 0.01). */
  lr?: number;
  /** The LR is divided by 1 + (step - 1) lrDecay (default 0). */
  lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Starting value of the squared-gradient sum (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator (default 1e-10). */
  eps?: number;
}
/**
 * Adagrad's resolved hyper-parameters.
 * @inline
 */
type AH = Required<Omit<AdagradOptions, 'lr'>>;

/**
 * Adagrad (torch.optim.Adagrad): sum += g^2; p -= lr / (1 + (t - 1) lrDecay) g / (sqrt(sum) + eps).
 * @example
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new Adagrad([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * w.tolist(); // [0.9, -1.9] (about)
 */
export class Adagrad extends Optimizer<Record<string, Tensor | number>, AH> {
  /**
   * @param params - Parameters (or `[name, param]` pairs, or groups with their own options).
   * @param opts - `lr`, `lrDecay`, `weightDecay`, `initialAccumulatorValue`, `eps`.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<AH>>, opts: AdagradOptions = {}) {
    const { lr = 0.01, lrDecay = 0, weightDecay = 0, initialAccumulatorValue = 0, eps = 1e-10 } = opts;
    finite('Adagrad', { lr, lrDecay, weightDecay, initialAccumulatorValue, eps });
    super(params, { lr, lrDecay, weightDecay, initialAccumulatorValue, eps });
  }

  protected initState(p: Tensor): Record<string, Tensor | number> {
    const g = this.paramGroups.find((x) => x.params.includes(p))!;
    return { step: 0, sum: zerosLike(p).add(g.initialAccumulatorValue) };
  }

  protected update(p: Tensor, grad: Tensor, s: Record<string, Tensor | number>, h: ParamGroup<AH>): Record<string, Tensor | number> {
    const step = (s['step'] as number) + 1;
    const g = h.weightDecay !== 0 ? grad.add(p.mul(h.weightDecay)) : grad;
    const clr = h.lr / (1 + (step - 1) * h.lrDecay);
    const sum = (s['sum'] as Tensor).add(g.square());
    p.copy_(p.sub(g.div(sum.sqrt().add(h.eps)).mul(clr)));
    return { step, sum };
  }
}

/** Lion hyper-parameters (the paper's names; its defaults). */
export interface LionOptions {
  /** Learning rate (default 1e-4; typically 3-10x smaller than AdamW's). */
  lr?: number;
  /** Interpolation factor of the update (b1) and decay of the momentum (b2) (default [0.9, 0.99]). */
  betas?: readonly [number, number];
  /** Decoupled weight decay (default 0; typically 3-10x larger than AdamW's). */
  weightDecay?: number;
}
/**
 * Lion's resolved hyper-parameters.
 * @inline
 */
type LH = {
  /** (b1, b2). */
  betas: readonly [number, number];
  /** Decoupled weight decay. */
  weightDecay: number;
};

/**
 * Lion (Chen et al. 2023): p *= 1 - lr wd; p -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g.
 * Every coordinate moves by exactly lr (or 0) per step, whatever the gradient's scale.
 * @example
 * const w = tensor([1, -2], { requiresGrad: true });
 * const opt = new Lion([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * w.tolist(); // [0.9, -1.9] (about)
 */
export class Lion extends Optimizer<Record<string, Tensor>, LH> {
  /**
   * @param params - Parameters (or `[name, param]` pairs, or groups with their own options).
   * @param opts - `lr`, `betas`, `weightDecay`.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<LH>>, opts: LionOptions = {}) {
    const { lr = 1e-4, betas = [0.9, 0.99] as const, weightDecay = 0 } = opts;
    finite('Lion', { lr, weightDecay });
    if (!betas.every((b) => b >= 0 && b < 1)) throw new ValueError('Lion', `betas must be in [0, 1), got [${betas.join(', ')}]`);
    super(params, { lr, betas, weightDecay });
  }

  protected initState(p: Tensor): Record<string, Tensor> {
    return { expAvg: zerosLike(p) };
  }

  protected update(p: Tensor, grad: Tensor, s: Record<string, Tensor>, h: ParamGroup<LH>): Record<string, Tensor> {
    const [b1, b2] = h.betas;
    const m = s['expAvg']!;
    const decayed = h.weightDecay !== 0 ? p.mul(1 - h.lr * h.weightDecay) : p;
    p.copy_(decayed.sub(m.mul(b1).add(grad.mul(1 - b1)).sign().mul(h.lr)));
    return { expAvg: m.mul(b2).add(grad.mul(1 - b2)) };
  }
}
