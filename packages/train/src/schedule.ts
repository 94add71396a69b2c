// Learning-rate schedules as pure functions of the step (nanoGPT's get_lr): no state, no hooks.
// Two kinds, told apart by their type: a `Schedule` gives the learning rate itself; an `LrLambda`
// (PyTorch's LambdaLR) gives a factor of each parameter group's initial learning rate.

import { ValueError } from '@tsgrad/core';

/** An absolute learning-rate schedule: step (0-based) -> the learning rate of every group. */
export type Schedule = ((step: number) => number) & {
  /** Marks an absolute schedule (made by `constant`, `warmupCosine`, ... or `schedule(fn)`). */
  readonly kind: 'lr';
};

/** A factor schedule (PyTorch's LambdaLR): step (0-based) -> a factor of each group's initial lr. */
export type LrLambda = ((step: number) => number) & {
  /** Marks a factor schedule (made by `lrLambda(fn)`). */
  readonly kind: 'factor';
};

/**
 * Marks `fn` as an absolute schedule: its value is the learning rate.
 * @param fn - Step (0-based) -> learning rate.
 * @returns The schedule.
 * @example schedule((s) => 0.1 / (s + 1))(1); // 0.05
 */
export function schedule(fn: (step: number) => number): Schedule {
  return Object.assign((step: number) => fn(step), { kind: 'lr' as const });
}

/**
 * Marks `fn` as a factor schedule (PyTorch's `LambdaLR`): each group's lr is its initial lr times
 * `fn(step)`, so layer-wise learning rates keep their ratios. Any schedule built with `peak: 1`
 * makes a factor: `lrLambda(warmupCosine({ peak: 1, warmup, total }))`.
 * @param fn - Step (0-based) -> factor.
 * @returns The factor schedule.
 * @example lrLambda(warmupCosine({ peak: 1, warmup: 0, total: 10 }))(5); // 0.5
 */
export function lrLambda(fn: (step: number) => number): LrLambda {
  return Object.assign((step: number) => fn(step), { kind: 'factor' as const });
}

function positive(name: string, o: Record<string, number>): void {
  for (const [k, v] of Object.entries(o)) if (!(v >= 0) || !Number.isFinite(v)) throw new ValueError(name, `${k} must be a finite number >= 0, got ${v}`);
}

/**
 * The same LR at every step.
 * @param lr - The learning rate (or factor).
 * @returns The schedule.
 * @example constant(3e-4)(100); // 3e-4
 */
export const constant = (lr: number): Schedule => {
  positive('constant', { lr });
  return schedule(() => lr);
};

/**
 * Linear ramp from peak/warmup at step 0 to `peak` at step warmup-1, then flat. Step 0 is the
 * first optimizer step and already takes a step of peak/warmup (as nanoGPT's get_lr); PyTorch's
 * `LinearLR` instead starts at `startFactor` (default 1/3): use that class for its behaviour.
 * @param o - `peak` and `warmup` (steps).
 * @returns The schedule.
 * @example linearWarmup({ peak: 1, warmup: 4 })(1); // 0.5
 */
export const linearWarmup = (o: { peak: number; warmup: number }): Schedule => {
  positive('linearWarmup', o);
  return schedule((step) => (step < o.warmup ? (o.peak * (step + 1)) / o.warmup : o.peak));
};

/**
 * Linear warmup to `peak`, then cosine decay to `min` at step `total` (and `min` after).
 * @param o - `peak`, `min` (default 0), `warmup` and `total` steps.
 * @returns The schedule.
 * @example warmupCosine({ peak: 1, min: 0, warmup: 0, total: 10 })(5); // 0.5
 */
export const warmupCosine = (o: { peak: number; min?: number; warmup: number; total: number }): Schedule => {
  const min = o.min ?? 0;
  positive('warmupCosine', { ...o, min });
  if (o.total <= o.warmup) throw new ValueError('warmupCosine', `total (${o.total}) must exceed warmup (${o.warmup})`);
  return schedule((step) => {
    if (step < o.warmup) return (o.peak * (step + 1)) / o.warmup;
    if (step >= o.total) return min;
    const r = (step - o.warmup) / (o.total - o.warmup);
    return min + 0.5 * (1 + Math.cos(Math.PI * r)) * (o.peak - min);
  });
};

/**
 * Linear warmup to `peak`, then linear decay to `min` at step `total` (BERT's schedule).
 * @param o - `peak`, `min` (default 0), `warmup` and `total` steps.
 * @returns The schedule.
 * @example warmupLinear({ peak: 1, warmup: 0, total: 10 })(5); // 0.5
 */
export const warmupLinear = (o: { peak: number; min?: number; warmup: number; total: number }): Schedule => {
  const min = o.min ?? 0;
  positive('warmupLinear', { ...o, min });
  if (o.total <= o.warmup) throw new ValueError('warmupLinear', `total (${o.total}) must exceed warmup (${o.warmup})`);
  return schedule((step) => {
    if (step < o.warmup) return (o.peak * (step + 1)) / o.warmup;
    if (step >= o.total) return min;
    return o.peak + ((min - o.peak) * (step - o.warmup)) / (o.total - o.warmup);
  });
};

/**
 * The inverse-square-root ("Noam") schedule of Vaswani et al. 2017, section 5.3:
 * factor * dModel^-0.5 * min(s^-0.5, s * warmup^-1.5) with s = step + 1.
 * @param o - `dModel`, `warmup` steps and `factor` (default 1).
 * @returns The schedule.
 * @example inverseSqrt({ dModel: 512, warmup: 4000 })(3999); // ≈ 6.988e-4 (the peak)
 */
export const inverseSqrt = (o: { dModel: number; warmup: number; factor?: number }): Schedule => {
  positive('inverseSqrt', o as Record<string, number>);
  const f = (o.factor ?? 1) / Math.sqrt(o.dModel);
  return schedule((step) => {
    const s = step + 1;
    return f * Math.min(1 / Math.sqrt(s), s * Math.pow(o.warmup, -1.5));
  });
};
