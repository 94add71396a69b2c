// The one training loop, train(config): gradient accumulation, clipping, LR schedule, periodic
// evaluation with early stopping, progress and JSONL logs, atomic checkpoints and exact resume.

import { Generator, Tensor, ValueError, defaultGenerator, noGrad, type GeneratorState } from '@tsgrad/core';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from './checkpoint.js';
import { clipGradNorm_ } from './optim/clip.js';
import type { Optimizer } from './optim/optimizer.js';
import { JsonlLog, Progress, type ProgressMode } from './progress.js';
import type { Schedule } from './schedule.js';

/** What the loop needs of a model (an nn `Module` qualifies). */
export interface TrainableModel {
  parameters(): Tensor[];
  train(on?: boolean): unknown;
  eval(): unknown;
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>, opts?: { strict?: boolean }): unknown;
}

/** A source of batches whose position can be saved (a `DataLoader` qualifies). */
export interface BatchStream<B> {
  next(): B;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** The configuration of one training run. */
export interface TrainConfig<B> {
  model: TrainableModel;
  optimizer: Optimizer<any, any>;
  data: BatchStream<B>;
  /** Scalar loss of one batch (the loop does backward). May also return metrics to log. */
  loss: (batch: B) => Tensor | { loss: Tensor; metrics?: Record<string, number> };
  /** Number of optimizer steps. */
  steps: number;
  /** LR factor per step (multiplies each group's initial lr); constant when omitted. */
  schedule?: Schedule;
  gradAccumSteps?: number;
  /** Clip the global gradient norm to this value. */
  gradClip?: number;
  /** Validation metrics; run in eval mode without grad every `evalEvery` steps and at the end. */
  evaluate?: () => Record<string, number>;
  evalEvery?: number;
  earlyStopping?: { metric: string; mode: 'min' | 'max'; patience: number; restoreBest?: boolean };
  /** Write a checkpoint every `every` steps and at the end (atomically). */
  checkpoint?: { path: string; every?: number; modelConfig?: unknown; tokenizer?: unknown; extra?: Record<string, unknown> };
  /** Continue from a checkpoint written by this loop (model, optimizer, RNG, data, step). */
  resumeFrom?: string | CheckpointData;
  /** Generator whose state is saved and restored (dropout uses the default one). */
  generator?: Generator;
  log?: { jsonl?: string; progress?: ProgressMode; label?: string; every?: number };
}

/** One recorded training step. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  [metric: string]: number;
}

/** What `train` returns. */
export interface TrainResult {
  step: number;
  history: StepRecord[];
  evals: Array<{ step: number } & Record<string, number>>;
  best?: { step: number; metrics: Record<string, number> };
  stoppedEarly: boolean;
  seconds: number;
}

interface TrainerState {
  step: number;
  rng: GeneratorState;
  data: unknown;
  history: StepRecord[];
  evals: TrainResult['evals'];
  best?: TrainResult['best'];
  badEvals: number;
}

function cloneState(sd: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.detach().clone()]));
}

/**
 * Trains `config.model` for `config.steps` optimizer steps and returns the loss history,
 * evaluations and the best evaluation. Resuming from a checkpoint continues bit-identically.
 *
 * @example
 * const result = await train({ model, optimizer, data: loader, loss: (b) => lossOf(model, b), steps: 100 });
 */
export async function train<B>(config: TrainConfig<B>): Promise<TrainResult> {
  const { model, optimizer, data, steps, gradAccumSteps = 1, evalEvery = 0 } = config;
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError('train', `steps must be a non-negative integer, got ${steps}`);
  if (!Number.isInteger(gradAccumSteps) || gradAccumSteps < 1) throw new ValueError('train', `gradAccumSteps must be a positive integer, got ${gradAccumSteps}`);
  const gen = config.generator ?? defaultGenerator;
  const t0 = performance.now();
  let st: TrainerState = { step: 0, rng: gen.getState(), data: data.stateDict(), history: [], evals: [], badEvals: 0 };
  let bestState: Record<string, Tensor> | undefined;
  if (config.resumeFrom !== undefined) {
    const ck = typeof config.resumeFrom === 'string' ? await loadCheckpoint(config.resumeFrom) : config.resumeFrom;
    if (!ck.trainer || !ck.optimizer) throw new ValueError('train', 'the checkpoint has no trainer/optimizer state to resume from', {}, 'it was written without them; start a new run from its weights instead');
    model.loadStateDict(ck.model);
    optimizer.loadStateDict(ck.optimizer);
    st = ck.trainer as TrainerState;
    gen.setState(st.rng);
    data.loadStateDict(st.data as never);
  }
  const log = config.log?.jsonl ? new JsonlLog(config.log.jsonl) : undefined;
  const progress = new Progress(steps, config.log?.progress ?? 'auto', config.log?.label ?? 'train', process.stderr, config.log?.every);

  const save = async () => {
    if (!config.checkpoint) return;
    st.rng = gen.getState();
    st.data = data.stateDict();
    await saveCheckpoint(config.checkpoint.path, {
      model: model.stateDict(), optimizer: optimizer.stateDict(), trainer: st,
      modelConfig: config.checkpoint.modelConfig, tokenizer: config.checkpoint.tokenizer, extra: config.checkpoint.extra,
    });
  };
  const runEval = (): boolean => {
    if (!config.evaluate) return false;
    model.eval();
    const metrics = noGrad(() => config.evaluate!());
    model.train();
    st.evals.push({ step: st.step, ...metrics });
    log?.write({ type: 'eval', step: st.step, ...metrics });
    progress.note(`${config.log?.label ?? 'train'} eval @ ${st.step}: ${Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ')}`);
    const es = config.earlyStopping;
    if (!es) return false;
    const v = metrics[es.metric];
    if (v === undefined) throw new ValueError('train', `earlyStopping.metric '${es.metric}' is not among the evaluation metrics (${Object.keys(metrics).join(', ')})`);
    const prev = st.best?.metrics[es.metric];
    if (prev === undefined || (es.mode === 'min' ? v < prev : v > prev)) {
      st.best = { step: st.step, metrics };
      st.badEvals = 0;
      if (es.restoreBest) bestState = cloneState(model.stateDict());
    } else st.badEvals++;
    return st.badEvals >= es.patience;
  };

  model.train();
  let stoppedEarly = false;
  while (st.step < steps) {
    const factor = config.schedule ? config.schedule(st.step) : 1;
    optimizer.setLrFactor(factor);
    optimizer.zeroGrad();
    let lossSum = 0;
    const extra: Record<string, number> = {};
    for (let k = 0; k < gradAccumSteps; k++) {
      const out = config.loss(data.next());
      const loss = out instanceof Tensor ? out : out.loss;
      const metrics = out instanceof Tensor ? undefined : out.metrics;
      (gradAccumSteps > 1 ? loss.div(gradAccumSteps) : loss).backward();
      lossSum += loss.item();
      if (metrics) for (const [m, v] of Object.entries(metrics)) extra[m] = (extra[m] ?? 0) + v / gradAccumSteps;
    }
    const gradNorm = config.gradClip !== undefined ? clipGradNorm_(model.parameters(), config.gradClip) : undefined;
    optimizer.step();
    st.step++;
    const rec: StepRecord = { step: st.step, loss: lossSum / gradAccumSteps, lr: optimizer.paramGroups[0]!.lr, ...extra, ...(gradNorm !== undefined ? { gradNorm } : {}) };
    st.history.push(rec);
    log?.write({ type: 'train', ...rec });
    progress.update(st.step, { loss: rec.loss, lr: rec.lr });
    const evalNow = evalEvery > 0 && st.step % evalEvery === 0;
    if (evalNow && runEval()) {
      stoppedEarly = true;
      break;
    }
    if (config.checkpoint?.every && st.step % config.checkpoint.every === 0 && st.step < steps) await save();
  }
  const lastEval = st.evals[st.evals.length - 1];
  if (!stoppedEarly && config.evaluate && lastEval?.step !== st.step) runEval();
  if (bestState && config.earlyStopping?.restoreBest) model.loadStateDict(bestState);
  await save();
  model.eval();
  return { step: st.step, history: st.history, evals: st.evals, best: st.best, stoppedEarly, seconds: (performance.now() - t0) / 1000 };
}
