// The main experiment: pretrain on SOTU (or load the shipped checkpoint), fine-tune on the sentiment
// sentences with several label counts and seeds, the same architecture from scratch beside it, a
// Naive Bayes baseline, and a report folder with the table, charts and exact config.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join, relative } from 'node:path';
import { tensor, ValueError } from '@tsgrad/core';
import { NaiveBayes } from '../baselines.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../checkpoint.js';
import { takeLabelled, type LabelledText, type Splits } from '../data/split.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { fitProbe, pooledFeatures } from './probe.js';
import { accuracy } from '../metrics.js';
import type { ProgressMode } from '../progress.js';
import { summarize, writeReport, type ExperimentReport, type RunRecord } from '../report/experiment-report.js';
import { tokenizerFromJSON } from '../tokenizers/from-json.js';
import { pretrainingCorpus, sentimentSplits, trainRecipeTokenizer, type CorpusName } from './corpus.js';
import type { FinetuneOptions } from './finetune.js';
import { runFinetuneJobs, type FinetuneJob } from './finetune-jobs.js';
import { MODEL_PRESETS, type ModelShape, type Objective, type RecipeModelConfig } from './models.js';
import { pretrain } from './pretrain.js';

/** The fine-tuning options an experiment sets. */
export type FinetuneRecipe = Pick<FinetuneOptions, 'epochs' | 'minSteps' | 'maxSteps' | 'lrBody' | 'lrHead' | 'pooling' | 'batchSize' | 'patience' | 'freeze' | 'layerwiseDecay' | 'dropout'>;

/** Everything that defines an experiment run (written to config.json). */
export interface ExperimentConfig {
  /** The preset's name (report title). */
  name: string;
  /** Pretraining objective. */
  objective: Objective;
  /** Tokenizer vocabulary size. */
  vocabSize: number;
  /** Corpora a fresh pretraining run reads (default: SOTU alone), mixed by size ({@link pretrainingCorpus}). */
  corpus?: CorpusName[];
  /** Train the tokenizer on the task's unlabelled pool too (never on validation/test text). */
  tokenizerOnTaskText: boolean;
  /** The model size. */
  model: ModelShape;
  /** Pretraining steps, batch size, learning rate and number of training documents (0: all; else the last n). */
  pretrain: {
    /** Optimizer steps. */
    steps: number;
    /** Windows per batch. */
    batchSize: number;
    /** Peak learning rate. */
    lr: number;
    /** Training documents used (0: all; else the last n, for quick runs). */
    documents: number;
  };
  /** Fine-tuning options of the runs from the pretrained body. */
  finetune: FinetuneRecipe;
  /** Fine-tuning options of the runs from scratch (tuned separately, with the same budget; default: `finetune`). */
  scratchFinetune?: FinetuneRecipe;
  /**
   * Steps of the target-task LM stage (ULMFiT): the pretrained LM continues on the labelled pool's
   * text (never its labels, never validation or test text) before fine-tuning. 0 or absent: none.
   */
  taskLmSteps?: number;
  /** Also fit a linear probe on the frozen pretrained body per label count and seed (a report row). */
  probe?: boolean;
  /** Labelled examples per run; 0 means all of the pool. */
  labelCounts: number[];
  /** One fine-tuning run per seed and label count. */
  seeds: number[];
}

const FINETUNE = { epochs: 20, minSteps: 60, maxSteps: 110, lrBody: 2e-4, lrHead: 2e-3, pooling: 'mean+max' as const, batchSize: 16, patience: 6 };

/**
 * Named experiment sizes: 'quick' for tests (< 2 min), 'default' (< 15 min with the shipped checkpoint), 'large'.
 * @example EXPERIMENT_PRESETS.default.labelCounts; // [50, 200, 1000, 0]
 */
export const EXPERIMENT_PRESETS: Record<'quick' | 'default' | 'large', ExperimentConfig> = {
  quick: {
    name: 'quick', objective: 'clm', vocabSize: 512, tokenizerOnTaskText: true, model: MODEL_PRESETS.tiny,
    pretrain: { steps: 40, batchSize: 16, lr: 3e-3, documents: 12 },
    finetune: { ...FINETUNE, epochs: 4, minSteps: 10, maxSteps: 30, patience: 3 },
    labelCounts: [50, 200], seeds: [0],
  },
  default: {
    name: 'default', objective: 'clm', vocabSize: 4096, tokenizerOnTaskText: true, model: MODEL_PRESETS.small,
    corpus: ['sotu', 'brown', 'moby-dick', 'nlp-corpus'],
    pretrain: { steps: 15000, batchSize: 32, lr: 1e-3, documents: 0 }, // as the shipped checkpoint (assets/README.md)
    // each side's recipe chosen on validation from the same variants (docs/results/recipe-search):
    // steps capped at 300, the body's learning rate swept over 2e-4 to 2e-3, then 30 epochs,
    // frozen embeddings and last-token pooling; pretrained won with 30 epochs and mean+max pooling,
    // scratch with ten epochs and last-token pooling (the head's rate is FINETUNE's 2e-3)
    finetune: { ...FINETUNE, epochs: 30, minSteps: 100, maxSteps: 300, lrBody: 1e-3 },
    scratchFinetune: { ...FINETUNE, epochs: 10, minSteps: 100, maxSteps: 300, lrBody: 5e-4, pooling: 'last' },
    probe: true,
    labelCounts: [50, 200, 1000, 0], seeds: [0, 1, 2],
  },
  large: {
    name: 'large', objective: 'clm', vocabSize: 8192, tokenizerOnTaskText: true, model: MODEL_PRESETS.base,
    pretrain: { steps: 40000, batchSize: 32, lr: 6e-4, documents: 0 },
    finetune: { ...FINETUNE, maxSteps: 800 },
    labelCounts: [50, 200, 1000, 0], seeds: [0, 1, 2, 3, 4],
  },
};

/**
 * The pretrained checkpoint shipped with the package for a preset (made by `tsgrad pretrain`, see assets/README.md).
 * @param preset - The preset's name.
 * @returns The path (the file may not exist for every preset).
 * @example shippedCheckpointPath('default').endsWith('assets/pretrained-default.safetensors'); // true
 */
export function shippedCheckpointPath(preset: string): string {
  return fileURLToPath(new URL(`../../assets/pretrained-${preset}.safetensors`, import.meta.url));
}

/** Options of `runExperiment`. */
export interface ExperimentOptions {
  /** What to run. */
  config: ExperimentConfig;
  /** Report folder. */
  out: string;
  /** Pretrain afresh even when a shipped checkpoint exists. */
  pretrainFresh?: boolean;
  /** Use this checkpoint instead of the shipped one. */
  checkpointPath?: string;
  /** Progress display of each training run. */
  progress?: ProgressMode;
  /** Where models train: 'cpu' (default) or 'gpu'. */
  device?: string;
  /** Receives one line per stage (default: console.log). */
  log?: (line: string) => void;
  /**
   * Fine-tuning runs at once, each in a worker thread computing on one thread (CPU only; the
   * built package). Default 1: one run after another, each on every core. Results do not depend on it.
   */
  workers?: number;
}

/** A path as a report shows it: relative to the working directory (no machine-specific prefix), when it lies below it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

async function pretrainedModel(o: ExperimentOptions, pool: readonly string[], notes: string[]) {
  const c = o.config;
  const path = o.checkpointPath ?? shippedCheckpointPath(c.name);
  if (!o.pretrainFresh && existsSync(path)) {
    const ck = await loadCheckpoint(path);
    if (!ck.tokenizer || !ck.modelConfig) throw new ValueError('experiment', `${path} lacks a tokenizer or model config`);
    const x = ck.extra ?? {};
    const made = typeof x['tokensSeen'] === 'number' ? `: ${x['tokensSeen'].toLocaleString('en-US')} tokens of ${Array.isArray(x['corpus']) ? x['corpus'].join(' + ') : 'text'}${typeof x['heldOutLoss'] === 'number' ? `, held-out loss ${x['heldOutLoss'].toFixed(3)}` : ''}` : '';
    notes.push(`Pretrained weights: ${shown(path)}${made} (made by tsgrad; see its metadata for the command). Pass --pretrain to redo pretraining.`);
    // the shipped file carries its held-out loss curve (step, loss) for the report's chart
    const curve = Array.isArray(x['heldOutCurve']) ? (x['heldOutCurve'] as unknown[]).filter((e): e is [number, number] => Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'number') : [];
    return { checkpoint: ck, path, tokenizer: tokenizerFromJSON(ck.tokenizer), pretrainLosses: undefined, pretrainEvals: curve.length ? curve.map(([step, loss]) => ({ step, loss })) : undefined };
  }
  const docs = pretrainingCorpus(c.corpus ?? ['sotu']); // read only when pretraining here (the corpora are optional packages)
  const tdocs = c.pretrain.documents > 0 ? { train: docs.train.slice(-c.pretrain.documents), validation: docs.validation.slice(0, 1) } : docs;
  const tokenizer = trainRecipeTokenizer(c.tokenizerOnTaskText ? [...tdocs.train, ...pool] : tdocs.train, c.vocabSize);
  const { steps, batchSize, lr } = c.pretrain;
  const pre = await pretrain({ objective: c.objective, tokenizer, documents: tdocs, model: c.model, steps, batchSize, lr, device: o.device, log: { progress: o.progress, jsonl: join(o.out, 'logs', 'pretrain.jsonl') } });
  const checkpoint: CheckpointData = { model: pre.model.stateDict(), modelConfig: pre.config, tokenizer: tokenizer.toJSON(), extra: { tokensSeen: pre.tokensSeen } };
  const saved = join(o.out, 'pretrained.safetensors');
  await saveCheckpoint(saved, checkpoint);
  notes.push(`Pretrained here: ${pre.tokensSeen.toLocaleString('en-US')} tokens (${c.pretrain.steps} steps); held-out loss ${pre.result.evals.at(-1)?.['loss']?.toFixed(3)}.`);
  return { checkpoint, path: saved, tokenizer, pretrainLosses: pre.result.history.map((h) => h.loss), pretrainEvals: pre.result.evals.map((e) => ({ step: e.step, loss: e['loss']! })) };
}

/** ULMFiT's target-task LM stage: the pretrained LM continued on the pool's text; writes its weights as a checkpoint and returns the path. */
async function taskLm(ck: CheckpointData, tokenizer: Tokenizer, pool: string[], steps: number, o: ExperimentOptions, notes: string[]): Promise<string> {
  const cfg = ck.modelConfig as RecipeModelConfig;
  const cut = Math.floor(pool.length * 0.9); // a tenth of the pool held out for the LM loss only
  const r = await pretrain({
    objective: cfg.objective, tokenizer, documents: { train: pool.slice(0, cut), validation: pool.slice(cut) }, model: cfg.shape,
    steps, batchSize: 32, lr: 2e-4, warmup: 10, initWeights: ck.model, device: o.device, log: { progress: 'none', jsonl: join(o.out, 'logs', 'task-lm.jsonl') },
  });
  notes.push(`Target-task LM stage: ${steps} steps of ${cfg.objective} on the labelled pool's text (not its labels); its held-out loss ${r.result.evals.at(-1)?.['loss']?.toFixed(3)}.`);
  const path = join(o.out, 'task-lm.safetensors');
  await saveCheckpoint(path, { ...ck, model: r.model.stateDict() });
  return path;
}

/** Linear-probe test accuracy for one labelled draw, on features of the frozen body computed once. */
function probeFeatures(ck: CheckpointData, tokenizer: Tokenizer, splits: Splits<LabelledText<number>>): (train: readonly LabelledText<number>[], seed: number) => number {
  const feats = (xs: readonly LabelledText<number>[]) => pooledFeatures(tokenizer, { checkpoint: ck }, xs.map((e) => e.text));
  const [pool, val, test] = [feats(splits.train), feats(splits.validation), feats(splits.test)];
  const index = new Map(splits.train.map((e, i) => [e, i]));
  const labels = (xs: readonly LabelledText<number>[]) => xs.map((e) => e.label);
  return (train, seed) => {
    const rows = tensor(train.map((e) => index.get(e)!), { dtype: 'int32' });
    return fitProbe({ x: pool.indexSelect(0, rows), y: labels(train) }, { x: val, y: labels(splits.validation) }, { x: test, y: labels(splits.test) }, { seed }).testAccuracy;
  };
}

/**
 * Runs the experiment and writes its report folder; returns the report (rows of mean ± std test
 * accuracy with and without pretraining, per label count).
 * @param o - The config, the report folder and checkpoint choices.
 * @returns The report that was written, with the names of the files written (`files`).
 * @example
 * const config = { ...EXPERIMENT_PRESETS.quick, labelCounts: [20], pretrain: { ...EXPERIMENT_PRESETS.quick.pretrain, steps: 5 } };
 * const report = await runExperiment({ config, out: 'runs/quick', pretrainFresh: true, progress: 'none', log: () => {} });
 * report.rows.map((r) => r.labels); // [20]
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentReport & {
  /** The names of the files written into the report folder. */
  files: string[];
}> {
  const t0 = performance.now();
  const say = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const c = o.config;
  const notes: string[] = [];
  const splits = sentimentSplits(0);
  say(`experiment '${c.name}': ${splits.train.length} labelled pool, ${splits.validation.length} validation, ${splits.test.length} test sentences`);
  const pre = await pretrainedModel(o, splits.train.map((e) => e.text), notes);
  const cfg = pre.checkpoint.modelConfig as RecipeModelConfig;
  const pool = splits.train.map((e) => e.text);
  const bodyPath = c.taskLmSteps ? await taskLm(pre.checkpoint, pre.tokenizer, pool, c.taskLmSteps, o, notes) : pre.path;
  const probe = c.probe ? probeFeatures(pre.checkpoint, pre.tokenizer, splits) : undefined;
  const nb = new Map<number, number>();
  const probeAcc = new Map<number, number>();
  const counts = c.labelCounts.map((n) => (n <= 0 || n > splits.train.length ? splits.train.length : n));
  const jobs: (FinetuneJob & { labels: number; kind: 'pretrained' | 'scratch' })[] = [];
  const tokenizer = pre.tokenizer.toJSON();
  for (const labels of counts) {
    const nbAcc: number[] = [];
    const pAcc: number[] = [];
    for (const seed of c.seeds) {
      const train = takeLabelled(splits.train, labels, { seed, balanced: true });
      nbAcc.push(accuracy(splits.test.map((e) => NaiveBayes.fit(train).predict(e.text)), splits.test.map((e) => e.label)));
      if (probe) pAcc.push(probe(train, seed));
      for (const kind of ['pretrained', 'scratch'] as const) {
        jobs.push({
          labels, kind, tokenizer, init: kind === 'pretrained' ? { checkpointPath: bodyPath } : { scratch: cfg },
          train, validation: splits.validation, test: splits.test, seed, options: kind === 'scratch' ? c.scratchFinetune ?? c.finetune : c.finetune,
          jsonl: join(o.out, 'logs', `finetune-${labels}-${kind}-${seed}.jsonl`),
        });
      }
    }
    nb.set(labels, nbAcc.reduce((a, b) => a + b, 0) / nbAcc.length);
    if (pAcc.length) probeAcc.set(labels, pAcc.reduce((a, b) => a + b, 0) / pAcc.length);
  }
  const workers = (o.device ?? 'cpu') === 'cpu' ? (o.workers ?? 1) : 1;
  if (workers > 1) say(`  ${jobs.length} fine-tuning runs on ${Math.min(workers, jobs.length)} worker threads (one compute thread each)`);
  const results = await runFinetuneJobs(jobs, {
    workers, device: o.device,
    onResult: (i, r) => {
      const j = jobs[i]!;
      say(`  labels ${String(j.labels).padStart(4)}  seed ${j.seed}  ${j.kind.padEnd(10)}  test acc ${(100 * r.testAccuracy).toFixed(1)}%  (val ${(100 * r.validationAccuracy).toFixed(1)}%, ${r.steps} steps, ${r.seconds.toFixed(0)}s)`);
    },
  });
  const runs: RunRecord[] = results.map((r, i) => ({ labels: jobs[i]!.labels, seed: jobs[i]!.seed, init: jobs[i]!.kind, ...r }));
  const rows = summarize(runs, nb, probe ? probeAcc : undefined);
  const report: ExperimentReport = {
    title: `tsgrad experiment: pretraining on ${(c.corpus ?? ['sotu']).join(', ')}, fine-tuning on sentiment (${c.name})`,
    config: { ...c, model: cfg, checkpoint: shown(o.checkpointPath ?? (o.pretrainFresh ? 'pretrained in this run' : shippedCheckpointPath(c.name))) },
    rows, runs, pretrainLosses: pre.pretrainLosses, pretrainEvals: pre.pretrainEvals, notes,
    seconds: (performance.now() - t0) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, // maxRSS is in KiB
  };
  return { ...report, files: writeReport(o.out, report) };
}
