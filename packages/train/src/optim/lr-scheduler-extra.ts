// Two schedulers with more state than a closed form of the step: the 1cycle policy
// (torch.optim.lr_scheduler.OneCycleLR) and ReduceLROnPlateau, which watches a metric.

import { ValueError } from '@tsgrad/core';
import { finite } from './checks.js';
import { LRScheduler, type SchedulableOptimizer, type SchedulerState } from './lr-scheduler.js';


/**
 * The 1cycle policy (torch.optim.lr_scheduler.OneCycleLR, cos annealing, two phases): from
 * maxLr / divFactor up to maxLr over pctStart of totalSteps, then down to that / finalDivFactor at
 * the last step. It sets each group's initial LR to maxLr / divFactor. Unlike PyTorch's default,
 * it does not cycle the momentum (as `cycle_momentum=False`).
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 1 });
 * const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
 * s.getLastLr(); // [0.04]
 */
export class OneCycleLR extends LRScheduler {
  /** Each group's peak LR. */
  readonly maxLr: number;
  /** Steps of the whole cycle. */
  readonly totalSteps: number;
  private readonly phases: Array<[endStep: number, startFactor: number, endFactor: number]>;
  /**
   * @param optimizer - The optimizer.
   * @param opts - `maxLr`, `totalSteps`, `pctStart` (0.3), `divFactor` (25), `finalDivFactor` (1e4).
   */
  constructor(optimizer: SchedulableOptimizer, opts: { maxLr: number; totalSteps: number; pctStart?: number; divFactor?: number; finalDivFactor?: number }) {
    const { maxLr, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 } = opts;
    finite('OneCycleLR', { maxLr, divFactor, finalDivFactor });
    finite('OneCycleLR', { totalSteps }, 2);
    if (!(pctStart > 0 && pctStart < 1)) throw new ValueError('OneCycleLR', `pctStart must be in (0, 1), got ${pctStart}`);
    for (const g of optimizer.paramGroups) g.initialLr = g.lr = maxLr / divFactor;
    super(optimizer);
    this.maxLr = maxLr;
    this.totalSteps = totalSteps;
    // factors of the initial LR (maxLr / divFactor): up to divFactor, then down to 1 / finalDivFactor
    this.phases = [[pctStart * totalSteps - 1, 1, divFactor], [totalSteps - 1, divFactor, 1 / finalDivFactor]];
    this.step();
  }

  /**
   * @param epoch - The step (at most totalSteps - 1).
   * @param base - The group's initial LR (maxLr / divFactor).
   * @returns The LR of the cycle at that step.
   */
  lrAt(epoch: number, base: number): number {
    if (epoch > this.totalSteps) throw new ValueError('OneCycleLR', `stepped ${epoch} times, more than totalSteps (${this.totalSteps})`);
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const [end, a, b] = this.phases[i]!;
      if (epoch <= end || i === this.phases.length - 1) {
        const pct = (epoch - start) / (end - start);
        return base * (b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1));
      }
      start = end;
    }
    return base; // unreachable: the last phase always answers
  }
}

/** Options of ReduceLROnPlateau (PyTorch's names and defaults). */
export interface PlateauOptions {
  /** 'min' (a loss) or 'max' (an accuracy). */
  mode?: 'min' | 'max';
  /** Multiplier of the LR on a plateau (default 0.1). */
  factor?: number;
  /** Steps without improvement tolerated (default 10). */
  patience?: number;
  /** What counts as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (threshold is relative) or 'abs' (default 'rel'). */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction (default 0). */
  cooldown?: number;
  /** The lowest LR (default 0). */
  minLr?: number;
  /** A reduction smaller than this is skipped (default 1e-8). */
  eps?: number;
}

/**
 * Multiplies the LR by `factor` when a metric has not improved for `patience` steps
 * (torch.optim.lr_scheduler.ReduceLROnPlateau). `step(metric)` takes the metric.
 * @example
 * const opt = new SGD([zeros([1], { requiresGrad: true })], { lr: 1 });
 * const s = new ReduceLROnPlateau(opt, { patience: 1 });
 * for (const loss of [1, 1, 1]) s.step(loss);
 * s.getLastLr(); // [0.1] (about)
 */
export class ReduceLROnPlateau {
  /** Steps taken. */
  lastEpoch = 0;
  /** The best metric so far. */
  best: number;
  /** Steps since the last improvement. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  private readonly o: Required<PlateauOptions>;

  /**
   * @param optimizer - The optimizer.
   * @param opts - mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps.
   */
  constructor(readonly optimizer: SchedulableOptimizer, opts: PlateauOptions = {}) {
    this.o = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...opts };
    if (!(this.o.factor < 1 && this.o.factor >= 0)) throw new ValueError('ReduceLROnPlateau', `factor must be in [0, 1), got ${this.o.factor}`);
    this.best = this.o.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, thresholdMode: tm, threshold: t } = this.o;
    if (mode === 'min') return tm === 'rel' ? a < this.best * (1 - t) : a < this.best - t;
    return tm === 'rel' ? a > this.best * (t + 1) : a > this.best + t;
  }

  /**
   * Takes one step's metric and reduces the LRs on a plateau.
   * @param metric - The value watched (a validation loss, an accuracy).
   */
  step(metric: number): void {
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.o.patience) {
      for (const g of this.optimizer.paramGroups) {
        const next = Math.max(g.lr * this.o.factor, this.o.minLr);
        if (g.lr - next > this.o.eps) g.lr = next;
      }
      this.cooldownCounter = this.o.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /**
   * The groups' current LRs.
   * @returns The learning rates.
   */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The state for checkpoints.
   * @returns The counters and the best value.
   */
  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  /**
   * Restores a state from `stateDict()`.
   * @param s - The state.
   */
  loadStateDict(s: SchedulerState): void {
    this.lastEpoch = s.lastEpoch;
    this.best = s['best']!;
    this.numBadEpochs = s['numBadEpochs']!;
    this.cooldownCounter = s['cooldownCounter']!;
  }
}
