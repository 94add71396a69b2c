// SGD with momentum, dampening, Nesterov and L2 weight decay: PyTorch's torch.optim.SGD update.

import type { Tensor } from '@tsgrad/core';
import { ValueError } from '@tsgrad/core';
import { Optimizer, type ParamEntry, type ParamGroup, type ParamGroupSpec } from './optimizer.js';

/** SGD hyper-parameters (PyTorch's names and defaults). */
export interface SGDOptions {
  /** Learning rate. */
  lr: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/**
 * SGD's resolved hyper-parameters (a parameter group's settings).
 * @inline
 */
type H = Required<Omit<SGDOptions, 'lr'>>;
/**
 * SGD's per-parameter state: the momentum buffer when momentum is on.
 * @inline
 */
type S = {
  /** The momentum buffer. */
  momentumBuffer: Tensor;
} | Record<string, never>;

/**
 * One SGD step, as a pure function (PyTorch's functional sgd):
 * g += wd p; buf = momentum buf + (1 - dampening) g (buf = g on the first step);
 * g = nesterov ? g + momentum buf : buf; p -= lr g. Returns the new parameter value and buffer.
 * @param p - The parameter.
 * @param grad - Its gradient.
 * @param buf - The momentum buffer, undefined before the first step.
 * @param lr - Learning rate.
 * @param h - momentum, dampening, weightDecay, nesterov.
 * @returns The new parameter and buffer (the inputs are unchanged).
 * @example
 * const { param } = sgdUpdate(tensor([1, 2]), tensor([0.5, 0.5]), undefined, 0.1, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false });
 * param.tolist(); // [0.95, 1.95]
 */
export function sgdUpdate(p: Tensor, grad: Tensor, buf: Tensor | undefined, lr: number, h: H): {
  /** The updated parameter. */
  param: Tensor;
  /** The momentum buffer for the next step. */
  buf: Tensor | undefined;
} {
  let g = h.weightDecay !== 0 ? grad.add(p.mul(h.weightDecay)) : grad;
  let next = buf;
  if (h.momentum !== 0) {
    next = buf === undefined ? g.clone() : buf.mul(h.momentum).add(g.mul(1 - h.dampening));
    g = h.nesterov ? g.add(next.mul(h.momentum)) : next;
  }
  return { param: p.sub(g.mul(lr)), buf: next };
}

/**
 * Stochastic gradient descent (torch.optim.SGD).
 * @example
 * const w = randn([3], { requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
 * const before = w.square().sum().item();
 * w.square().sum().backward();
 * opt.step();
 * w.square().sum().item() < before; // true
 */
export class SGD extends Optimizer<S, H> {
  /**
   * @param params - Parameters (or `[name, param]` pairs, or groups with their own options).
   * @param opts - `lr`, `momentum`, `dampening`, `weightDecay`, `nesterov`.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, opts: SGDOptions) {
    const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = opts;
    if (!(lr >= 0)) throw new ValueError('SGD', `invalid learning rate ${lr}`);
    if (momentum < 0 || weightDecay < 0) throw new ValueError('SGD', `momentum and weightDecay must be >= 0, got ${momentum} and ${weightDecay}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) throw new ValueError('SGD', 'Nesterov momentum requires a momentum and zero dampening');
    super(params, { lr, momentum, dampening, weightDecay, nesterov });
  }

  protected initState(): S {
    return {};
  }

  protected update(p: Tensor, grad: Tensor, state: S, group: ParamGroup<H>): S {
    const { param, buf } = sgdUpdate(p, grad, (state as { momentumBuffer?: Tensor }).momentumBuffer, group.lr, group);
    p.copy_(param);
    return buf ? { momentumBuffer: buf } : {};
  }
}
