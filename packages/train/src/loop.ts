// The one training loop, train(config): gradient accumulation, clipping, LR schedule, periodic
// evaluation with early stopping, progress and JSONL logs, atomic checkpoints and exact resume.

import { Generator, Tensor, ValueError, defaultGenerator, dispose, keep, noGrad, scope, type GeneratorState } from '@tsgrad/core';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from './checkpoint.js';
import { clipGradNorm_ } from './optim/clip.js';
import type { Optimizer } from './optim/optimizer.js';
import { JsonlLog, Progress, type ProgressMode } from './progress.js';
import type { Schedule } from './schedule.js';

/** What the loop needs of a model (an nn `Module` qualifies). */
export interface TrainableModel {
  /**
   * The trained parameters.
   * @returns Every parameter once.
   */
  parameters(): Tensor[];
  /**
   * Sets training mode (dropout on).
   * @param on - True for training.
   * @returns Anything (ignored).
   */
  train(on?: boolean): unknown;
  /**
   * Sets evaluation mode.
   * @returns Anything (ignored).
   */
  eval(): unknown;
  /**
   * The weights, for checkpoints and best-model restore.
   * @returns Tensors by key.
   */
  stateDict(): Record<string, Tensor>;
  /**
   * Loads weights from `stateDict()` output.
   * @param sd - Tensors by key.
   * @param opts - `strict`.
   * @returns Anything (ignored).
   */
  loadStateDict(sd: Record<string, Tensor>, opts?: { strict?: boolean }): unknown;
}

/** A source of batches whose position can be saved (a `DataLoader` qualifies). */
export interface BatchStream<B> {
  /**
   * The next batch (streams never end; epochs roll over).
   * @returns The batch.
   */
  next(): B;
  /**
   * The position, for checkpoints.
   * @returns A JSON-safe state.
   */
  stateDict(): unknown;
  /**
   * Restores a position.
   * @param state - A state from `stateDict()`.
   */
  loadStateDict(state: never): void;
}

/** The configuration of one training run. */
export interface TrainConfig<B> {
  /** The model (an nn Module). */
  model: TrainableModel;
  /** The optimizer over the model's parameters. */
  optimizer: Optimizer<any, any>;
  /** The batches (a DataLoader). */
  data: BatchStream<B>;
  /** Scalar loss of one batch (the loop does backward). May also return metrics to log. */
  loss: (batch: B) => Tensor | {
    /** The scalar loss to differentiate. */
    loss: Tensor;
    /** Extra values to record beside the loss. */
    metrics?: Record<string, number>;
  };
  /** Number of optimizer steps. */
  steps: number;
  /** LR factor per step (multiplies each group's initial lr); constant when omitted. */
  schedule?: Schedule;
  /** Batches whose gradients are summed per optimizer step (default 1). */
  gradAccumSteps?: number;
  /** Clip the global gradient norm to this value. */
  gradClip?: number;
  /** Validation metrics; run in eval mode without grad every `evalEvery` steps and at the end. */
  evaluate?: () => Record<string, number> | Promise<Record<string, number>>;
  /** Steps between evaluations (0: only at the end). */
  evalEvery?: number;
  /** Stop when `metric` has not improved for `patience` evaluations; `restoreBest` reloads the best weights. */
  earlyStopping?: {
    /** The key of `evaluate()`'s result to watch. */
    metric: string;
    /** Whether smaller or larger is better. */
    mode: 'min' | 'max';
    /** Evaluations without improvement before stopping. */
    patience: number;
    /** Reload the best weights at the end (default true). */
    restoreBest?: boolean;
  };
  /** Write a checkpoint every `every` steps and at the end (atomically). */
  checkpoint?: {
    /** The .safetensors file. */
    path: string;
    /** Steps between checkpoints (default: only at the end). */
    every?: number;
    /** Saved as the model config. */
    modelConfig?: unknown;
    /** Saved as the tokenizer (its toJSON()). */
    tokenizer?: unknown;
    /** Anything else to save. */
    extra?: Record<string, unknown>;
  };
  /** Continue from a checkpoint written by this loop (model, optimizer, RNG, data, step). */
  resumeFrom?: string | CheckpointData;
  /** Generator whose state is saved and restored (dropout uses the default one). */
  generator?: Generator;
  /** Called after every optimizer step with its record (minGPT's on_batch_end callback). */
  onStep?: (record: StepRecord) => void;
  /** A JSONL metrics file, the progress display, its label, and how often to log. */
  log?: {
    /** Append one JSON record per logged step to this file. */
    jsonl?: string;
    /** Progress display (default 'auto'). */
    progress?: ProgressMode;
    /** Prefix of progress lines. */
    label?: string;
    /** Steps between progress lines in 'lines' mode (default: total / 20). */
    every?: number;
  };
}

/** One recorded training step. */
export interface StepRecord {
  /** The step number, from 1. */
  step: number;
  /** The batch loss (averaged over accumulated batches). */
  loss: number;
  /** The first group's learning rate at this step. */
  lr: number;
  [metric: string]: number;
}

/** What `train` returns. */
export interface TrainResult {
  /** Steps done. */
  step: number;
  /** One record per step. */
  history: StepRecord[];
  /** Each evaluation's metrics with its step. */
  evals: Array<{
    /** The step of the evaluation. */
    step: number;
  } & Record<string, number>>;
  /** The best evaluation under early stopping. */
  best?: {
    /** The step of the best evaluation. */
    step: number;
    /** Its metrics. */
    metrics: Record<string, number>;
  };
  /** Whether early stopping ended the run. */
  stoppedEarly: boolean;
  /** Wall time of this call. */
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

/**
 * A number from a 0-d or one-element tensor, waiting for the device where it must.
 * @param t - A one-element tensor on any device.
 * @returns Its value.
 * @example await readNumber(tensor([[2.5]])); // 2.5
 */
export async function readNumber(t: Tensor): Promise<number> {
  return t.device === 'cpu' ? t.item() : (await t.data())[0]!;
}

function cloneState(sd: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.detach().clone()]));
}

/**
 * Trains `config.model` for `config.steps` optimizer steps and returns the loss history,
 * evaluations and the best evaluation. Resuming from a checkpoint continues bit-identically.
 * docs/training.md shows it with a GPT.
 *
 * @param config - Model, optimizer, data, loss, steps, and the optional schedule, accumulation,
 * clipping, evaluation, early stopping, checkpoints, resume and logging.
 * @returns The history, evaluations and timing.
 * @example
 * manualSeed(0);
 * const model = new Linear(2, 1);
 * const xs = randn([64, 2]);
 * const ys = xs.matmul(tensor([[2], [-1]])); // y = 2 x0 - x1
 * const loader = new DataLoader([...Array(64).keys()], {
 *   batchSize: 16, shuffle: true, collateFn: (idx: number[]) => tensor(idx, { dtype: 'int32' }),
 * });
 * const result = await train({
 *   model,
 *   optimizer: new SGD(model.parameters(), { lr: 0.1 }),
 *   data: loader,
 *   loss: (i) => mseLoss(model.forward(xs.indexSelect(0, i)), ys.indexSelect(0, i)),
 *   steps: 200,
 *   log: { progress: 'none' },
 * });
 * result.history.length; // 200
 * result.history.at(-1)!.loss < 1e-3; // true
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
  const runEval = async (): Promise<boolean> => {
    if (!config.evaluate) return false;
    model.eval();
    const metrics = await noGrad(() => config.evaluate!());
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
      if (es.restoreBest) {
        if (bestState) dispose(Object.values(bestState)); // device copies are freed, not left to the GC
        bestState = keep(cloneState(model.stateDict()));
      }
    } else st.badEvals++;
    return st.badEvals >= es.patience;
  };

  model.train();
  let stoppedEarly = false;
  while (st.step < steps) {
    const factor = config.schedule ? config.schedule(st.step) : 1;
    optimizer.setLrFactor(factor);
    optimizer.zeroGrad();
    const extra: Record<string, number> = {};
    // one step's intermediates (activations, gradients, temporaries) are freed when it ends on a
    // device backend; the loss and norm come out as 0-d tensors, read once afterwards
    const [lossT, gradNormT] = scope(() => {
      let total: Tensor | undefined;
      for (let k = 0; k < gradAccumSteps; k++) {
        const out = config.loss(data.next());
        const loss = out instanceof Tensor ? out : out.loss;
        const metrics = out instanceof Tensor ? undefined : out.metrics;
        (gradAccumSteps > 1 ? loss.div(gradAccumSteps) : loss).backward();
        total = total ? total.add(loss.detach()) : loss.detach();
        if (metrics) for (const [m, v] of Object.entries(metrics)) extra[m] = (extra[m] ?? 0) + v / gradAccumSteps;
      }
      const norm = config.gradClip !== undefined ? clipGradNorm_(model.parameters(), config.gradClip) : undefined;
      optimizer.step();
      for (const p of model.parameters()) p.grad = null; // frees gradients inside the scope
      return [total!, norm] as const;
    });
    const lossSum = await readNumber(lossT);
    const gradNorm = gradNormT ? await readNumber(gradNormT) : undefined;
    dispose([lossT, ...(gradNormT ? [gradNormT] : [])]);
    st.step++;
    const rec: StepRecord = { step: st.step, loss: lossSum / gradAccumSteps, lr: optimizer.paramGroups[0]!.lr, ...extra, ...(gradNorm !== undefined ? { gradNorm } : {}) };
    st.history.push(rec);
    log?.write({ type: 'train', ...rec });
    progress.update(st.step, { loss: rec.loss, lr: rec.lr });
    config.onStep?.(rec);
    const evalNow = evalEvery > 0 && st.step % evalEvery === 0;
    if (evalNow && (await runEval())) {
      stoppedEarly = true;
      break;
    }
    if (config.checkpoint?.every && st.step % config.checkpoint.every === 0 && st.step < steps) await save();
  }
  const lastEval = st.evals[st.evals.length - 1];
  if (!stoppedEarly && config.evaluate && lastEval?.step !== st.step) await runEval();
  if (bestState && config.earlyStopping?.restoreBest) model.loadStateDict(bestState);
  await save();
  model.eval();
  return { step: st.step, history: st.history, evals: st.evals, best: st.best, stoppedEarly, seconds: (performance.now() - t0) / 1000 };
}
