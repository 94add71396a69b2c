// Writes the experiment's report folder: the results table as Markdown and JSON, loss curves and
// the accuracy-vs-labels chart as SVG, and the exact configuration.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart, type Series } from './svg-chart.js';

/** Mean and (sample) standard deviation of a list of numbers. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

/** One fine-tuning run of the experiment. */
export interface RunRecord {
  labels: number;
  seed: number;
  init: 'pretrained' | 'scratch';
  testAccuracy: number;
  testMacroF1: number;
  validationAccuracy: number;
  steps: number;
  seconds: number;
  /** Training loss per step. */
  losses: number[];
}

/** A row of the results table: one label count. */
export interface ResultRow {
  labels: number;
  pretrained: { mean: number; std: number; runs: number[] };
  scratch: { mean: number; std: number; runs: number[] };
  /** Mean accuracy gained by pretraining, in points. */
  margin: number;
  naiveBayes: number;
}

/** Aggregates runs into one row per label count. */
export function summarize(runs: readonly RunRecord[], naiveBayes: ReadonlyMap<number, number>): ResultRow[] {
  const counts = [...new Set(runs.map((r) => r.labels))].sort((a, b) => a - b);
  return counts.map((labels) => {
    const pick = (init: RunRecord['init']) => runs.filter((r) => r.labels === labels && r.init === init).map((r) => r.testAccuracy);
    const p = pick('pretrained');
    const s = pick('scratch');
    const pm = meanStd(p);
    const sm = meanStd(s);
    return { labels, pretrained: { ...pm, runs: p }, scratch: { ...sm, runs: s }, margin: 100 * (pm.mean - sm.mean), naiveBayes: naiveBayes.get(labels) ?? NaN };
  });
}

const pct = (x: number) => (100 * x).toFixed(1);

/** The results as a Markdown table (accuracy in %, mean ± std over seeds). */
export function resultsMarkdown(rows: readonly ResultRow[], title: string): string {
  const lines = [
    `## ${title}`, '',
    '| labels | pretrained | from scratch | margin (points) | Naive Bayes (bag of words) |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.labels} | ${pct(r.pretrained.mean)} ± ${pct(r.pretrained.std)} | ${pct(r.scratch.mean)} ± ${pct(r.scratch.std)} | ${r.margin >= 0 ? '+' : ''}${r.margin.toFixed(1)} | ${pct(r.naiveBayes)} |`),
    '',
    `Test accuracy (%) on the held-out test sentences; mean ± sample std over ${rows[0]?.pretrained.runs.length ?? 0} seeds.`,
  ];
  return lines.join('\n');
}

/** Smooths a loss curve with a trailing mean over `k` steps (for readable charts). */
function smooth(xs: readonly number[], k = 10): [number, number][] {
  const out: [number, number][] = [];
  let sum = 0;
  xs.forEach((x, i) => {
    sum += x;
    if (i >= k) sum -= xs[i - k]!;
    out.push([i + 1, sum / Math.min(i + 1, k)]);
  });
  return out;
}

/** Everything the report folder holds. */
export interface ExperimentReport {
  title: string;
  config: unknown;
  rows: ResultRow[];
  runs: RunRecord[];
  pretrainLosses?: number[];
  pretrainEvals?: Array<{ step: number; loss: number }>;
  notes: string[];
  seconds: number;
}

/** Writes results.md, results.json, config.json, accuracy-vs-labels.svg and loss-curves.svg into `dir`. */
export function writeReport(dir: string, r: ExperimentReport): string[] {
  mkdirSync(dir, { recursive: true });
  const md = [`# ${r.title}`, '', resultsMarkdown(r.rows, 'Results'), '', ...r.notes.map((n) => `- ${n}`), '', `Wall time: ${(r.seconds / 60).toFixed(1)} min.`, ''].join('\n');
  const files: Record<string, string> = {
    'results.md': md,
    'results.json': JSON.stringify({ title: r.title, rows: r.rows, runs: r.runs.map(({ losses: _l, ...rest }) => rest), seconds: r.seconds, notes: r.notes }, null, 2),
    'config.json': JSON.stringify(r.config, null, 2),
    'accuracy-vs-labels.svg': lineChart(
      [
        { name: 'pretrained', points: r.rows.map((x) => [x.labels, 100 * x.pretrained.mean] as const), errors: r.rows.map((x) => 100 * x.pretrained.std) },
        { name: 'from scratch', points: r.rows.map((x) => [x.labels, 100 * x.scratch.mean] as const), errors: r.rows.map((x) => 100 * x.scratch.std), dashed: true },
        { name: 'Naive Bayes', points: r.rows.map((x) => [x.labels, 100 * x.naiveBayes] as const), dashed: true },
      ],
      { title: 'Test accuracy vs labelled examples', xLabel: 'labelled training examples (log scale)', yLabel: 'test accuracy (%)', logX: true },
    ),
  };
  const curves: Series[] = [];
  if (r.pretrainLosses?.length) curves.push({ name: 'pretraining (train)', points: smooth(r.pretrainLosses) });
  if (r.pretrainEvals?.length) curves.push({ name: 'pretraining (held out)', points: r.pretrainEvals.map((e) => [e.step, e.loss] as const), dashed: true });
  for (const init of ['pretrained', 'scratch'] as const) {
    const run = r.runs.filter((x) => x.init === init).sort((a, b) => b.labels - a.labels)[0];
    if (run) curves.push({ name: `fine-tune ${init} (${run.labels} labels)`, points: smooth(run.losses) });
  }
  if (curves.length) files['loss-curves.svg'] = lineChart(curves, { title: 'Training loss', xLabel: 'step', yLabel: 'cross-entropy (nats)' });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}
