// The types of the training loop's configuration and result.

import type { Generator, GeneratorState, Tensor } from '@tsgrad/core';
import type { CheckpointData } from './checkpoint.js';
import type { Optimizer } from './optim/optimizer.js';
import type { ProgressMode } from './progress.js';
import type { LrLambda, Schedule } from './schedule.js';

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


/** Where a training loop or recipe reports its progress: the terminal and a JSONL file. */
export interface LogOptions {
  /** Append one JSON record per logged step to this file. */
  jsonl?: string;
  /** Progress display (default 'auto'). */
  progress?: ProgressMode;
  /** Prefix of progress lines. */
  label?: string;
  /** Steps between progress lines in 'lines' mode (default: total / 20). */
  every?: number;
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
  /** The learning rate per step, the same for every group (see `warmupCosine`); omit both for constant rates. */
  schedule?: Schedule;
  /** A factor per step of each group's initial lr (PyTorch's LambdaLR; see `lrLambda`). */
  lrLambda?: LrLambda;
  /** Batches whose gradients are summed per optimizer step (default 1). */
  gradAccumSteps?: number;
  /** Clip the global gradient norm to this value. */
  gradClip?: number;
  /** Validation metrics; run in eval mode without grad every `evalEvery` steps and at the end. */
  evaluate?: () => Record<string, number> | Promise<Record<string, number>>;
  /** Steps between evaluations (0: only at the end). */
  evalEvery?: number;
  /** Stop when `metric` has not improved for `patience` evaluations; `restoreBest` (default true) reloads the best weights (an `EarlyStopping` callback). */
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
  /** Write a checkpoint every `every` steps and at the end (atomically; a `ModelCheckpoint` callback). */
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
  /**
   * Reuse the memory of each step's CPU tensors in the next step (`setCpuMemoryReuse` for the
   * run; default true). The step's tensors are freed at its end on every backend anyway, so
   * results are the same bits; a `loss` function that stores a step's tensor for later must
   * `keep()` it, as on the GPU.
   */
  cpuMemoryReuse?: boolean;
  /** Called after every optimizer step with its record (minGPT's on_batch_end callback). */
  onStep?: (record: StepRecord) => void;
  /** More callbacks (after those the options above make), called in order. */
  callbacks?: Callback[];
  /** A JSONL metrics file, the progress display, its label, and how often to log. */
  log?: LogOptions;
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

/** What a training run saves to resume exactly: the format of a checkpoint's `trainer` entry. */
export interface TrainerState {
  /** Optimizer steps done. */
  step: number;
  /** The generator's state (dropout, masking). */
  rng: GeneratorState;
  /** The data stream's position. */
  data: unknown;
  /** One record per step. */
  history: StepRecord[];
  /** Each evaluation's metrics with its step. */
  evals: TrainResult['evals'];
  /** The best evaluation so far (early stopping). */
  best?: TrainResult['best'];
  /** Evaluations since the best one (early stopping). */
  badEvals: number;
}

/** The run as callbacks see it. */
export interface TrainContext {
  /** The model. */
  readonly model: TrainableModel;
  /** The optimizer. */
  readonly optimizer: Optimizer<any, any>;
  /** The batches. */
  readonly data: BatchStream<unknown>;
  /** The steps this run goes to. */
  readonly steps: number;
  /** The saved state (step, history, evaluations, early-stopping state). */
  readonly state: TrainerState;
  /** Set by a callback to end the run after this step. */
  stop: boolean;
  /**
   * Prints a line beside the progress display.
   * @param line - The text (the run's label is prefixed).
   */
  note(line: string): void;
  /**
   * Appends a record to the JSONL log, if any.
   * @param record - A JSON-safe record.
   */
  log(record: Record<string, unknown>): void;
  /**
   * The state with the generator's and data stream's current positions.
   * @returns What checkpoints save as `trainer`.
   */
  snapshot(): TrainerState;
}

/** Hooks a training run calls; each is optional and may be async. */
export interface Callback {
  /**
   * After each optimizer step.
   * @param ctx - The run.
   * @param record - The step's record.
   * @returns Nothing (or a promise the loop awaits).
   */
  onStepEnd?(ctx: TrainContext, record: StepRecord): void | Promise<void>;
  /**
   * After each evaluation (an `Evaluation` callback announces them).
   * @param ctx - The run.
   * @param metrics - The evaluation's metrics.
   * @returns Nothing (or a promise the loop awaits).
   */
  onEvaluate?(ctx: TrainContext, metrics: Record<string, number>): void | Promise<void>;
  /**
   * Once, after the last step.
   * @param ctx - The run.
   * @returns Nothing (or a promise the loop awaits).
   */
  onTrainEnd?(ctx: TrainContext): void | Promise<void>;
}
