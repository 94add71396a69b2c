// Learning-rate schedules as pure functions of the step (nanoGPT's get_lr): no state, no hooks.
// Each returns the LR for an optimizer step; with peak 1 they are factors for `setLrFactor`.

import { ValueError } from '@tsgrad/core';

/** A learning-rate schedule: step (0-based) -> learning rate (or factor). */
export type Schedule = (step: number) => number;

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
  return () => lr;
};

/**
 * Linear ramp from peak/warmup at step 0 to `peak` at step warmup-1, then flat.
 * @param o - `peak` and `warmup` (steps).
 * @returns The schedule.
 * @example linearWarmup({ peak: 1, warmup: 4 })(1); // 0.5
 */
export const linearWarmup = (o: { peak: number; warmup: number }): Schedule => {
  positive('linearWarmup', o);
  return (step) => (step < o.warmup ? (o.peak * (step + 1)) / o.warmup : o.peak);
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
  return (step) => {
    if (step < o.warmup) return (o.peak * (step + 1)) / o.warmup;
    if (step >= o.total) return min;
    const r = (step - o.warmup) / (o.total - o.warmup);
    return min + 0.5 * (1 + Math.cos(Math.PI * r)) * (o.peak - min);
  };
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
  return (step) => {
    if (step < o.warmup) return (o.peak * (step + 1)) / o.warmup;
    if (step >= o.total) return min;
    return o.peak + ((min - o.peak) * (step - o.warmup)) / (o.total - o.warmup);
  };
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
  return (step) => {
    const s = step + 1;
    return f * Math.min(1 / Math.sqrt(s), s * Math.pow(o.warmup, -1.5));
  };
};
