// The main experiment: pretrain on SOTU (or load the shipped checkpoint), fine-tune on the sentiment
// sentences with several label counts and seeds, the same architecture from scratch beside it, a
// Naive Bayes baseline, and a report folder with the table, charts and exact config.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { ValueError } from '@tsgrad/core';
import { NaiveBayes } from '../baselines.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../checkpoint.js';
import { takeLabelled } from '../data/split.js';
import { accuracy } from '../metrics.js';
import type { ProgressMode } from '../progress.js';
import { summarize, writeReport, type ExperimentReport, type RunRecord } from '../report/experiment-report.js';
import { tokenizerFromJSON } from '../tokenizers/from-json.js';
import { sentimentSplits, sotuDocuments, trainRecipeTokenizer } from './corpus.js';
import { finetuneClassifier, type FinetuneOptions } from './finetune.js';
import { MODEL_PRESETS, type ModelShape, type Objective, type RecipeModelConfig } from './models.js';
import { pretrain } from './pretrain.js';

/** Everything that defines an experiment run (written to config.json). */
export interface ExperimentConfig {
  /** The preset's name (report title). */
  name: string;
  /** Pretraining objective. */
  objective: Objective;
  /** Tokenizer vocabulary size. */
  vocabSize: number;
  /** Train the tokenizer on the task's unlabelled pool too (never on validation/test text). */
  tokenizerOnTaskText: boolean;
  /** The model size. */
  model: ModelShape;
  /** Pretraining steps, batch size, learning rate and number of SOTU documents (0: all). */
  pretrain: {
    /** Optimizer steps. */
    steps: number;
    /** Windows per batch. */
    batchSize: number;
    /** Peak learning rate. */
    lr: number;
    /** SOTU documents used (0: all). */
    documents: number;
  };
  /** Fine-tuning options shared by every run. */
  finetune: Pick<FinetuneOptions, 'epochs' | 'minSteps' | 'maxSteps' | 'lrBody' | 'lrHead' | 'pooling' | 'batchSize' | 'patience' | 'freeze' | 'layerwiseDecay'>;
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
    pretrain: { steps: 4500, batchSize: 32, lr: 1e-3, documents: 0 }, // as the shipped checkpoint (assets/README.md)
    finetune: FINETUNE,
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
}

async function pretrainedModel(o: ExperimentOptions, docs: { train: string[]; validation: string[] }, pool: readonly string[], notes: string[]) {
  const c = o.config;
  const path = o.checkpointPath ?? shippedCheckpointPath(c.name);
  if (!o.pretrainFresh && existsSync(path)) {
    const ck = await loadCheckpoint(path);
    if (!ck.tokenizer || !ck.modelConfig) throw new ValueError('experiment', `${path} lacks a tokenizer or model config`);
    notes.push(`Pretrained weights: ${path} (made by tsgrad; see its metadata for the command). Pass --pretrain to redo pretraining.`);
    return { checkpoint: ck, tokenizer: tokenizerFromJSON(ck.tokenizer), pretrainLosses: undefined, pretrainEvals: undefined };
  }
  const tdocs = c.pretrain.documents > 0 ? { train: docs.train.slice(-c.pretrain.documents), validation: docs.validation.slice(0, 1) } : docs;
  const tokenizer = trainRecipeTokenizer(c.tokenizerOnTaskText ? [...tdocs.train, ...pool] : tdocs.train, c.vocabSize);
  const { steps, batchSize, lr } = c.pretrain;
  const pre = await pretrain({ objective: c.objective, tokenizer, documents: tdocs, model: c.model, steps, batchSize, lr, device: o.device, log: { progress: o.progress, jsonl: join(o.out, 'logs', 'pretrain.jsonl') } });
  const checkpoint: CheckpointData = { model: pre.model.stateDict(), modelConfig: pre.config, tokenizer: tokenizer.toJSON(), extra: { tokensSeen: pre.tokensSeen } };
  await saveCheckpoint(join(o.out, 'pretrained.safetensors'), checkpoint);
  notes.push(`Pretrained here: ${pre.tokensSeen.toLocaleString('en-US')} tokens (${c.pretrain.steps} steps); held-out loss ${pre.result.evals.at(-1)?.['loss']?.toFixed(3)}.`);
  return { checkpoint, tokenizer, pretrainLosses: pre.result.history.map((h) => h.loss), pretrainEvals: pre.result.evals.map((e) => ({ step: e.step, loss: e['loss']! })) };
}

/**
 * Runs the experiment and writes its report folder; returns the report (rows of mean ± std test
 * accuracy with and without pretraining, per label count).
 * @param o - The config, the report folder and checkpoint choices.
 * @returns The report that was written.
 * @example
 * const config = { ...EXPERIMENT_PRESETS.quick, labelCounts: [20], pretrain: { ...EXPERIMENT_PRESETS.quick.pretrain, steps: 5 } };
 * const report = await runExperiment({ config, out: 'runs/quick', pretrainFresh: true, progress: 'none', log: () => {} });
 * report.rows.map((r) => r.labels); // [20]
 */
export async function runExperiment(o: ExperimentOptions): Promise<ExperimentReport> {
  const t0 = performance.now();
  const say = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const c = o.config;
  const notes: string[] = [];
  const splits = sentimentSplits(0);
  const docs = sotuDocuments();
  say(`experiment '${c.name}': ${splits.train.length} labelled pool, ${splits.validation.length} validation, ${splits.test.length} test sentences`);
  const pre = await pretrainedModel(o, docs, splits.train.map((e) => e.text), notes);
  const cfg = pre.checkpoint.modelConfig as RecipeModelConfig;
  const runs: RunRecord[] = [];
  const nb = new Map<number, number>();
  const counts = c.labelCounts.map((n) => (n <= 0 || n > splits.train.length ? splits.train.length : n));
  for (const labels of counts) {
    const nbAcc: number[] = [];
    for (const seed of c.seeds) {
      const train = takeLabelled(splits.train, labels, { seed, balanced: true });
      nbAcc.push(accuracy(splits.test.map((e) => NaiveBayes.fit(train).predict(e.text)), splits.test.map((e) => e.label)));
      for (const init of ['pretrained', 'scratch'] as const) {
        const r = await finetuneClassifier({
          tokenizer: pre.tokenizer, init: init === 'pretrained' ? { checkpoint: pre.checkpoint } : { scratch: cfg },
          train, validation: splits.validation, test: splits.test, seed, ...c.finetune, device: o.device,
          log: { progress: 'none', jsonl: join(o.out, 'logs', `finetune-${labels}-${init}-${seed}.jsonl`) },
        });
        runs.push({ labels, seed, init, testAccuracy: r.testAccuracy, testMacroF1: r.testMacroF1, validationAccuracy: r.validationAccuracy, steps: r.result.step, seconds: r.result.seconds, losses: r.result.history.map((h) => h.loss) });
        say(`  labels ${String(labels).padStart(4)}  seed ${seed}  ${init.padEnd(10)}  test acc ${(100 * r.testAccuracy).toFixed(1)}%  (val ${(100 * r.validationAccuracy).toFixed(1)}%, ${r.result.step} steps, ${r.result.seconds.toFixed(0)}s)`);
      }
    }
    nb.set(labels, nbAcc.reduce((a, b) => a + b, 0) / nbAcc.length);
  }
  const rows = summarize(runs, nb);
  const report: ExperimentReport = {
    title: `tsgrad experiment: pretraining on SOTU, fine-tuning on sentiment (${c.name})`,
    config: { ...c, model: cfg, checkpoint: o.checkpointPath ?? (o.pretrainFresh ? 'pretrained in this run' : shippedCheckpointPath(c.name)) },
    rows, runs, pretrainLosses: pre.pretrainLosses, pretrainEvals: pre.pretrainEvals, notes,
    seconds: (performance.now() - t0) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, // maxRSS is in KiB
  };
  writeReport(o.out, report);
  return report;
}
