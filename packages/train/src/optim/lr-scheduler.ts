// PyTorch's learning-rate scheduler classes (torch.optim.lr_scheduler), on tsgrad's optimizers:
// construct one after the optimizer (that sets the LR of step 0), call `step()` after each
// `optimizer.step()`. The LRs are the closed forms PyTorch documents, per parameter group, from
// each group's initial LR. (The functions in schedule.ts are the stateless alternative.)

import { ValueError } from '@tsgrad/core';
import { finite } from './checks.js';

/** What a scheduler drives: an optimizer's groups (their `lr` and starting `initialLr`). */
export interface SchedulableOptimizer {
  /** The parameter groups. */
  paramGroups: Array<{
    /** The current learning rate. */
    lr: number;
    /** The learning rate the group started with (PyTorch's initial_lr). */
    initialLr: number;
  }>;
}

/** A scheduler's state for checkpoints. */
export interface SchedulerState {
  /** The step count (PyTorch's last_epoch). */
  lastEpoch: number;
  /** Scheduler-specific numbers (ReduceLROnPlateau's best value and counters). */
  [key: string]: number;
}

/**
 * The base of the closed-form schedulers: `lrAt(epoch, baseLr)` gives a group's LR at a step.
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 1 });
 * const s = new LambdaLR(opt, (e) => 1 / (e + 1));
 * s.step();
 * s.getLastLr(); // [0.5]
 */
export abstract class LRScheduler {
  /** Steps taken (0 after construction, as PyTorch's last_epoch). */
  lastEpoch = -1;
  /** Each group's initial LR. */
  readonly baseLrs: number[];
  private lastLr: number[] = [];

  /** @param optimizer - The optimizer whose groups' `lr` this sets. */
  constructor(readonly optimizer: SchedulableOptimizer) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr);
  }

  /**
   * The LR of a group whose initial LR is `base`, at step `epoch`.
   * @param epoch - The step.
   * @param base - The group's initial LR.
   * @returns The learning rate.
   */
  abstract lrAt(epoch: number, base: number): number;

  /** Advances one step and sets every group's LR. */
  step(): void {
    this.lastEpoch++;
    this.apply();
  }

  /** Sets the groups' LRs for `lastEpoch`. */
  protected apply(): void {
    this.lastLr = this.baseLrs.map((b) => this.lrAt(this.lastEpoch, b));
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = this.lastLr[i]!));
  }

  /**
   * The LRs the last step set, one per group (PyTorch's get_last_lr).
   * @returns The learning rates.
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The state for checkpoints.
   * @returns `{ lastEpoch }`.
   */
  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch };
  }

  /**
   * Restores a state from `stateDict()` and sets the LRs it implies.
   * @param s - The state.
   */
  loadStateDict(s: SchedulerState): void {
    this.lastEpoch = s.lastEpoch;
    this.apply();
  }
}


/**
 * lr = base * lambda(epoch) (torch.optim.lr_scheduler.LambdaLR).
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.1 });
 * new LambdaLR(opt, (e) => 0.5 ** e).getLastLr(); // [0.1]
 */
export class LambdaLR extends LRScheduler {
  /**
   * @param optimizer - The optimizer.
   * @param lambda - The factor of the initial LR at each step.
   */
  constructor(optimizer: SchedulableOptimizer, readonly lambda: (epoch: number) => number) {
    super(optimizer);
    this.step();
  }

  /**
   * @param epoch - The step.
   * @param base - The group's initial LR.
   * @returns base * lambda(epoch).
   */
  lrAt(epoch: number, base: number): number {
    return base * this.lambda(epoch);
  }
}

/**
 * lr = base * gamma^floor(epoch / stepSize) (torch.optim.lr_scheduler.StepLR).
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.05 });
 * const s = new StepLR(opt, 30, { gamma: 0.1 });
 * s.lrAt(45, 0.05); // 0.005 (about)
 */
export class StepLR extends LRScheduler {
  /** Decay factor. */
  readonly gamma: number;
  /**
   * @param optimizer - The optimizer.
   * @param stepSize - Steps between decays.
   * @param opts - `gamma` (default 0.1).
   */
  constructor(optimizer: SchedulableOptimizer, readonly stepSize: number, opts: { gamma?: number } = {}) {
    super(optimizer);
    this.gamma = opts.gamma ?? 0.1;
    finite('StepLR', { stepSize }, 1);
    finite('StepLR', { gamma: this.gamma });
    this.step();
  }

  /**
   * @param epoch - The step.
   * @param base - The group's initial LR.
   * @returns The decayed LR.
   */
  lrAt(epoch: number, base: number): number {
    return base * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * Cosine from base to etaMin over tMax steps, then back up (torch.optim.lr_scheduler.CosineAnnealingLR's closed form):
 * etaMin + (base - etaMin) (1 + cos(pi epoch / tMax)) / 2.
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 1 });
 * new CosineAnnealingLR(opt, 10).lrAt(5, 1); // 0.5 (about)
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The lowest LR. */
  readonly etaMin: number;
  /**
   * @param optimizer - The optimizer.
   * @param tMax - Steps of the half cosine.
   * @param opts - `etaMin` (default 0).
   */
  constructor(optimizer: SchedulableOptimizer, readonly tMax: number, opts: { etaMin?: number } = {}) {
    super(optimizer);
    this.etaMin = opts.etaMin ?? 0;
    finite('CosineAnnealingLR', { tMax }, 1);
    this.step();
  }

  /**
   * @param epoch - The step.
   * @param base - The group's initial LR.
   * @returns The annealed LR.
   */
  lrAt(epoch: number, base: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}

/**
 * A linear ramp of the factor from startFactor to endFactor over totalIters steps, then flat
 * (torch.optim.lr_scheduler.LinearLR).
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 0.05 });
 * new LinearLR(opt, { startFactor: 0.5, totalIters: 4 }).getLastLr(); // [0.025]
 */
export class LinearLR extends LRScheduler {
  /** Factor at step 0. */
  readonly startFactor: number;
  /** Factor from `totalIters` on. */
  readonly endFactor: number;
  /** Steps of the ramp. */
  readonly totalIters: number;
  /**
   * @param optimizer - The optimizer.
   * @param opts - `startFactor` (default 1/3), `endFactor` (1), `totalIters` (5).
   */
  constructor(optimizer: SchedulableOptimizer, opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    this.startFactor = opts.startFactor ?? 1 / 3;
    this.endFactor = opts.endFactor ?? 1;
    this.totalIters = opts.totalIters ?? 5;
    if (!(this.startFactor > 0 && this.startFactor <= 1) || !(this.endFactor >= 0 && this.endFactor <= 1)) {
      throw new ValueError('LinearLR', `startFactor must be in (0, 1] and endFactor in [0, 1], got ${this.startFactor} and ${this.endFactor}`);
    }
    this.step();
  }

  /**
   * @param epoch - The step.
   * @param base - The group's initial LR.
   * @returns The ramped LR.
   */
  lrAt(epoch: number, base: number): number {
    return base * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(epoch, this.totalIters)) / this.totalIters);
  }
}

/**
 * Runs schedulers one after another: the i-th from milestone i-1 on, counting its own steps from 0
 * (torch.optim.lr_scheduler.SequentialLR).
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 1 });
 * const s = new SequentialLR(opt, [new LinearLR(opt, { startFactor: 0.5, totalIters: 2 }), new StepLR(opt, 1, { gamma: 0.5 })], [2]);
 * [0, 1, 2, 3].map((e) => s.lrAt(e, 1)); // [0.5, 0.75, 1, 0.5]
 */
export class SequentialLR extends LRScheduler {
  /**
   * @param optimizer - The optimizer.
   * @param schedulers - The schedulers, in order (built on the same optimizer).
   * @param milestones - The steps where the next one takes over (one fewer than schedulers).
   */
  constructor(optimizer: SchedulableOptimizer, readonly schedulers: readonly LRScheduler[], readonly milestones: readonly number[]) {
    super(optimizer);
    if (milestones.length !== schedulers.length - 1) throw new ValueError('SequentialLR', `expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${milestones.length}`);
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new ValueError('SequentialLR', 'every scheduler must drive the same optimizer');
    this.step();
  }

  /**
   * @param epoch - The step.
   * @param base - The group's initial LR.
   * @returns The LR of the scheduler in charge at that step, at its own step count.
   */
  lrAt(epoch: number, base: number): number {
    let i = 0;
    while (i < this.milestones.length && epoch >= this.milestones[i]!) i++;
    return this.schedulers[i]!.lrAt(i === 0 ? epoch : epoch - this.milestones[i - 1]!, base);
  }
}
