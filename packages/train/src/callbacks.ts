// The parts of a training run beyond the step itself, as callback objects (Keras's and
// Lightning's callbacks): Evaluation, EarlyStopping and ModelCheckpoint. `train` calls their hooks
// in list order; they share the run's state (`TrainContext`), which checkpoints save.

import { Tensor, ValueError, dispose, keep, noGrad } from '@tsgrad/core';
import { saveCheckpoint } from './checkpoint.js';
import type { Callback, TrainContext } from './loop-types.js';

/**
 * Runs `evaluate` in eval mode without autograd every `every` steps (0: never) and at the end of the
 * run, records the metrics, and hands them to every callback's `onEvaluate`.
 * @example
 * const ev = new Evaluation(() => ({ loss: 1 }), { every: 10 });
 * ev.every; // 10
 */
export class Evaluation implements Callback {
  /** Steps between evaluations (0: only at the end). */
  readonly every: number;
  /** The other callbacks of the run (set by `train`), told about each evaluation. */
  listeners: readonly Callback[] = [];

  /**
   * @param evaluate - Returns the metrics (may be async).
   * @param opts - `every`: steps between evaluations (default 0: only at the end).
   */
  constructor(readonly evaluate: () => Record<string, number> | Promise<Record<string, number>>, opts: { every?: number } = {}) {
    this.every = opts.every ?? 0;
  }

  /**
   * Evaluates now and tells the listeners.
   * @param ctx - The run.
   */
  async run(ctx: TrainContext): Promise<void> {
    ctx.model.eval();
    const metrics = await noGrad(() => this.evaluate());
    ctx.model.train();
    const st = ctx.state;
    st.evals.push({ step: st.step, ...metrics });
    ctx.log({ type: 'eval', step: st.step, ...metrics });
    ctx.note(`eval @ ${st.step}: ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ')}`);
    for (const c of this.listeners) await c.onEvaluate?.(ctx, metrics);
  }

  /**
   * Runs at the steps it is due.
   * @param ctx - The run.
   */
  async onStepEnd(ctx: TrainContext): Promise<void> {
    if (this.every > 0 && ctx.state.step % this.every === 0) await this.run(ctx);
  }

  /**
   * Runs once at the end of the run.
   * @param ctx - The run.
   */
  async onTrainEnd(ctx: TrainContext): Promise<void> {
    if (!ctx.stop && ctx.state.evals.at(-1)?.step !== ctx.state.step) await this.run(ctx);
  }
}

/**
 * Stops the run when `metric` has not improved for `patience` evaluations, and (by default) loads
 * the best evaluation's weights back at the end (Keras's EarlyStopping with restore_best_weights).
 * @example
 * const es = new EarlyStopping({ metric: 'accuracy', mode: 'max', patience: 3 });
 * es.restoreBest; // true
 */
export class EarlyStopping implements Callback {
  /** The key of the evaluation metrics to watch. */
  readonly metric: string;
  /** Whether smaller or larger is better. */
  readonly mode: 'min' | 'max';
  /** Evaluations without improvement before stopping. */
  readonly patience: number;
  /** Reload the best weights at the end (default true). */
  readonly restoreBest: boolean;
  private bestState: Record<string, Tensor> | undefined;

  /** @param o - `metric`, `mode`, `patience`, and `restoreBest` (default true). */
  constructor(o: { metric: string; mode: 'min' | 'max'; patience: number; restoreBest?: boolean }) {
    if (o.mode !== 'min' && o.mode !== 'max') throw new ValueError('EarlyStopping', `mode must be 'min' or 'max', got '${String(o.mode)}'`);
    this.metric = o.metric;
    this.mode = o.mode;
    this.patience = o.patience;
    this.restoreBest = o.restoreBest ?? true;
  }

  /**
   * Compares the evaluation with the best so far; stops the run after `patience` without improvement.
   * @param ctx - The run.
   * @param metrics - The evaluation's metrics.
   */
  onEvaluate(ctx: TrainContext, metrics: Record<string, number>): void {
    const st = ctx.state;
    const v = metrics[this.metric];
    if (v === undefined) throw new ValueError('train', `earlyStopping.metric '${this.metric}' is not among the evaluation metrics (${Object.keys(metrics).join(', ')})`);
    const prev = st.best?.metrics[this.metric];
    if (prev === undefined || (this.mode === 'min' ? v < prev : v > prev)) {
      st.best = { step: st.step, metrics };
      st.badEvals = 0;
      if (this.restoreBest) {
        if (this.bestState) dispose(Object.values(this.bestState)); // device copies are freed, not left to the GC
        this.bestState = keep(Object.fromEntries(Object.entries(ctx.model.stateDict()).map(([k, t]) => [k, t.detach().clone()])));
      }
    } else st.badEvals++;
    if (st.badEvals >= this.patience) ctx.stop = true;
  }

  /**
   * Runs once at the end of the run.
   * @param ctx - The run.
   */
  onTrainEnd(ctx: TrainContext): void {
    if (this.restoreBest && this.bestState) ctx.model.loadStateDict(this.bestState);
  }
}

/**
 * Writes an exact-resume checkpoint (model, optimizer, trainer state; atomically) every `every`
 * steps and at the end of the run.
 * @example
 * const ck = new ModelCheckpoint({ path: 'runs/x/checkpoint.safetensors', every: 100 });
 * ck.every; // 100
 */
export class ModelCheckpoint implements Callback {
  /** The .safetensors file. */
  readonly path: string;
  /** Steps between checkpoints (0: only at the end). */
  readonly every: number;

  /** @param o - `path`, `every` (default 0), and the `modelConfig`, `tokenizer` and `extra` saved with it. */
  constructor(private readonly o: { path: string; every?: number; modelConfig?: unknown; tokenizer?: unknown; extra?: Record<string, unknown> }) {
    this.path = o.path;
    this.every = o.every ?? 0;
  }

  /**
   * Saves now.
   * @param ctx - The run.
   */
  async save(ctx: TrainContext): Promise<void> {
    const optimizer = ctx.optimizer.stateDict();
    await saveCheckpoint(this.path, {
      model: ctx.model.stateDict(), optimizer, trainer: ctx.snapshot(),
      modelConfig: this.o.modelConfig, tokenizer: this.o.tokenizer, extra: this.o.extra,
    });
    // copies the state dict made (Adam's) are freed now; tensors the optimizer still uses are not
    const live = new Set([...ctx.optimizer.state.values()].flatMap((s) => Object.values(s as Record<string, unknown>)));
    dispose(Object.values(optimizer.state).flatMap((s) => Object.values(s).filter((v): v is Tensor => v instanceof Tensor && !live.has(v))));
  }

  /**
   * Runs at the steps it is due.
   * @param ctx - The run.
   */
  async onStepEnd(ctx: TrainContext): Promise<void> {
    if (this.every > 0 && !ctx.stop && ctx.state.step % this.every === 0 && ctx.state.step < ctx.steps) await this.save(ctx);
  }

  /**
   * Runs once at the end of the run.
   * @param ctx - The run.
   */
  async onTrainEnd(ctx: TrainContext): Promise<void> {
    await this.save(ctx);
  }
}
