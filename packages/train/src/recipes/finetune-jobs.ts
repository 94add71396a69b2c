// Independent fine-tuning runs (the experiment's label counts x seeds x initialisations), run in
// this thread one after another or spread over worker threads, each worker computing on one
// thread. A run seeds everything it draws from its own seed, so where it runs does not change
// its result.

import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ValueError } from '@tsgrad/core';
import { loadCheckpoint, type CheckpointData } from '../checkpoint.js';
import type { LabelledText } from '../data/split.js';
import type { RunRecord } from '../report/experiment-report.js';
import { tokenizerFromJSON } from '../tokenizers/from-json.js';
import type { TokenizerJSON } from '../tokenizers/types.js';
import { finetuneClassifier, finetuneSteps, type FinetuneOptions } from './finetune.js';
import type { RecipeModelConfig } from './models.js';

/** One fine-tuning run, as plain data (it crosses to a worker thread by structured clone). */
export interface FinetuneJob {
  /** The tokenizer, serialised. */
  tokenizer: TokenizerJSON;
  /** A pretrained checkpoint file to start from, or a config to start from random weights. */
  init: {
    /** A pretraining checkpoint file (read once per thread). */
    checkpointPath: string;
  } | {
    /** Random weights with this config. */
    scratch: RecipeModelConfig;
  };
  /** Labelled training examples. */
  train: readonly LabelledText<number>[];
  /** Validation examples (model selection). */
  validation: readonly LabelledText<number>[];
  /** Test examples (reported). */
  test?: readonly LabelledText<number>[];
  /** The run's seed. */
  seed: number;
  /** The recipe: epochs, step bounds, learning rates, pooling, batch size, patience... */
  options: Omit<FinetuneOptions, 'tokenizer' | 'init' | 'train' | 'validation' | 'test' | 'seed' | 'device' | 'log'>;
  /** A JSONL log of the run, if wanted. */
  jsonl?: string;
}

/** What a run reports back: the experiment report's record of a run, without the labels, seed and initialisation that the job itself names. */
export type FinetuneJobResult = Omit<RunRecord, 'labels' | 'seed' | 'init'>;

const checkpoints = new Map<string, Promise<CheckpointData>>();

/**
 * Runs one job in this thread (checkpoints are read once per path and thread).
 * @param job - The run.
 * @param device - Where it trains (default 'cpu').
 * @returns Its metrics and loss history.
 * @example
 * const tokenizer = trainRecipeTokenizer(['good great bad awful'], 280);
 * const data = [{ text: 'good', label: 1 }, { text: 'awful', label: 0 }];
 * const init = { scratch: { objective: 'clm' as const, vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny } };
 * const r = await runFinetuneJob({ tokenizer: tokenizer.toJSON(), init, train: data, validation: data, test: data, seed: 0, options: { maxSteps: 3 } });
 * r.steps; // 3
 */
export async function runFinetuneJob(job: FinetuneJob, device = 'cpu'): Promise<FinetuneJobResult> {
  let init: FinetuneOptions['init'];
  if ('checkpointPath' in job.init) {
    const path = job.init.checkpointPath;
    if (!checkpoints.has(path)) checkpoints.set(path, loadCheckpoint(path));
    init = { checkpoint: await checkpoints.get(path)! };
  } else init = { scratch: job.init.scratch };
  const r = await finetuneClassifier({
    ...job.options, tokenizer: tokenizerFromJSON(job.tokenizer), init, train: job.train, validation: job.validation, test: job.test, seed: job.seed, device,
    log: { progress: 'none', jsonl: job.jsonl },
  });
  return { testAccuracy: r.testAccuracy, testMacroF1: r.testMacroF1, validationAccuracy: r.validationAccuracy, steps: r.result.step, seconds: r.result.seconds, losses: r.result.history.map((h) => h.loss) };
}

/** The worker script beside this module (built output only: under a TypeScript loader it is absent). */
const WORKER = new URL('./finetune-worker.js', import.meta.url);

/**
 * Whether `runFinetuneJobs` can use worker threads here (the built worker script exists).
 * @returns True from the built package (dist), false from the TypeScript sources.
 * @example typeof canRunWorkers(); // 'boolean'
 */
export function canRunWorkers(): boolean {
  return WORKER.protocol === 'file:' && existsSync(WORKER);
}

/**
 * Runs jobs on `workers` worker threads (each computing on one thread), or in this thread one after
 * another when `workers` is 1. Worker threads take the runs with the most planned steps first (so
 * that short runs fill the end); results come back in job order, and `onResult` hears each as it ends.
 * @param jobs - The runs.
 * @param opts - `workers` (default 1), `device` (worker threads need 'cpu'), `onResult`.
 * @returns One result per job, in order.
 * @example
 * const tokenizer = trainRecipeTokenizer(['good great bad awful'], 280);
 * const data = [{ text: 'good', label: 1 }, { text: 'awful', label: 0 }];
 * const init = { scratch: { objective: 'clm' as const, vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny } };
 * const job = { tokenizer: tokenizer.toJSON(), init, train: data, validation: data, seed: 0, options: { maxSteps: 2 } };
 * (await runFinetuneJobs([job, { ...job, seed: 1 }])).length; // 2
 */
export async function runFinetuneJobs(jobs: readonly FinetuneJob[], opts: { workers?: number; device?: string; onResult?: (index: number, r: FinetuneJobResult) => void } = {}): Promise<FinetuneJobResult[]> {
  const asked = opts.workers ?? 1;
  if (!Number.isInteger(asked) || asked < 1) throw new ValueError('runFinetuneJobs', `workers must be a positive integer, got ${opts.workers}`);
  const workers = Math.min(asked, jobs.length);
  const results = new Array<FinetuneJobResult>(jobs.length);
  if (workers <= 1) {
    for (const [i, job] of jobs.entries()) opts.onResult?.(i, (results[i] = await runFinetuneJob(job, opts.device)));
    return results;
  }
  if ((opts.device ?? 'cpu') !== 'cpu') throw new ValueError('runFinetuneJobs', `worker threads train on the CPU, but device is '${opts.device}'`, {}, 'pass workers: 1 for another device');
  if (!canRunWorkers()) throw new ValueError('runFinetuneJobs', `the worker script ${WORKER.pathname} is missing (worker threads run the built package)`, {}, 'build with tsc -b, or pass workers: 1');
  // longest runs first (by planned steps), so the last runs to finish are short ones and no core
  // idles long at the end; results still come back in job order
  const planned = jobs.map((j) => finetuneSteps(Math.ceil(j.train.length / Math.min(j.options.batchSize ?? 16, Math.max(1, j.train.length))), j.options));
  const order = jobs.map((_, i) => i).sort((a, b) => planned[b]! - planned[a]! || a - b);
  let next = 0;
  const pool = Array.from({ length: workers }, () => new Worker(WORKER, { env: { ...process.env, TSGRAD_NUM_THREADS: '1' } }));
  try {
    await Promise.all(pool.map((w) => new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next >= jobs.length) return resolve();
        const i = order[next++]!;
        w.once('message', (m: { result?: FinetuneJobResult; error?: string }) => {
          if (m.error !== undefined) return reject(new Error(`fine-tuning run ${i} (seed ${jobs[i]!.seed}) failed in a worker: ${m.error}`));
          opts.onResult?.(i, (results[i] = m.result!));
          give();
        });
        w.postMessage(jobs[i]);
      };
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`a fine-tuning worker exited with code ${code} before the runs ended`))); // no-op once settled
      give();
    })));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
