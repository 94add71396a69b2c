// Writes the experiment's report folder: the results table as Markdown and JSON, loss curves and
// the accuracy-vs-labels chart as SVG, and the exact configuration.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChart, type Series } from './svg-chart.js';

/**
 * Mean and (sample) standard deviation of a list of numbers.
 * @param xs - The numbers.
 * @returns `{ mean, std }` (std 0 for one number).
 * @example meanStd([1, 2, 3]); // { mean: 2, std: 1 }
 */
export function meanStd(xs: readonly number[]): {
  /** The mean. */
  mean: number;
  /** The sample standard deviation. */
  std: number;
} {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

/** One fine-tuning run of the experiment. */
export interface RunRecord {
  /** Number of labelled training examples. */
  labels: number;
  /** The run's seed. */
  seed: number;
  /** Whether the body started from the pretrained checkpoint. */
  init: 'pretrained' | 'scratch';
  /** Test accuracy. */
  testAccuracy: number;
  /** Test macro F1. */
  testMacroF1: number;
  /** Best validation accuracy. */
  validationAccuracy: number;
  /** Optimizer steps taken. */
  steps: number;
  /** Wall time. */
  seconds: number;
  /** Training loss per step. */
  losses: number[];
}

/** A row of the results table: one label count. */
export interface ResultRow {
  /** Number of labelled training examples. */
  labels: number;
  /** Test accuracy from the pretrained body over seeds. */
  pretrained: {
    /** Mean accuracy. */
    mean: number;
    /** Its standard deviation over seeds. */
    std: number;
    /** Each seed's accuracy. */
    runs: number[];
  };
  /** Test accuracy from scratch over seeds. */
  scratch: {
    /** Mean accuracy. */
    mean: number;
    /** Its standard deviation over seeds. */
    std: number;
    /** Each seed's accuracy. */
    runs: number[];
  };
  /** Mean accuracy gained by pretraining, in points. */
  margin: number;
  /** The gain paired by seed (same labelled draw), in points: mean and its 95% t-interval. */
  paired: Interval;
  /** Naive Bayes test accuracy at this label count. */
  naiveBayes: number;
  /** Linear-probe test accuracy on the frozen pretrained body (mean over seeds), where measured. */
  probe?: number;
}

/** A mean and its 95% confidence interval. */
export interface Interval {
  /** The mean. */
  mean: number;
  /** Lower end of the 95% interval. */
  lo: number;
  /** Upper end of the 95% interval. */
  hi: number;
}

/** Two-sided 95% Student t quantiles by degrees of freedom (1..30; beyond, 1.96). */
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * Mean and 95% confidence interval (Student t) of paired differences.
 * @param diffs - One difference per pair.
 * @returns `{ mean, lo, hi }` (lo = hi = mean for a single pair).
 * @example pairedInterval([1, 2, 3]); // { mean: 2, lo: -0.484..., hi: 4.484... }
 */
export function pairedInterval(diffs: readonly number[]): Interval {
  const { mean, std } = meanStd(diffs);
  const half = diffs.length > 1 ? (T95[Math.min(diffs.length - 1, T95.length) - 1] ?? 1.96) * (std / Math.sqrt(diffs.length)) : 0;
  return { mean, lo: mean - half, hi: mean + half };
}

/**
 * Aggregates runs into one row per label count.
 * @param runs - Every fine-tuning run.
 * @param naiveBayes - Naive Bayes accuracy by label count.
 * @param probe - Linear-probe test accuracy by label count, where measured.
 * @returns One row per label count, ascending.
 * @example
 * const run = (init: 'pretrained' | 'scratch', testAccuracy: number) => ({ labels: 50, seed: 0, init, testAccuracy, testMacroF1: 0, validationAccuracy: 0, steps: 1, seconds: 1, losses: [] });
 * const [row] = summarize([run('pretrained', 0.6), run('scratch', 0.5)], new Map([[50, 0.55]]));
 * row!.margin; // 10 (about)
 */
export function summarize(runs: readonly RunRecord[], naiveBayes: ReadonlyMap<number, number>, probe?: ReadonlyMap<number, number>): ResultRow[] {
  const counts = [...new Set(runs.map((r) => r.labels))].sort((a, b) => a - b);
  return counts.map((labels) => {
    const pick = (init: RunRecord['init']) => runs.filter((r) => r.labels === labels && r.init === init).map((r) => r.testAccuracy);
    const p = pick('pretrained');
    const s = pick('scratch');
    const pm = meanStd(p);
    const sm = meanStd(s);
    const at = (init: RunRecord['init'], seed: number) => runs.find((r) => r.labels === labels && r.init === init && r.seed === seed);
    const diffs = runs.filter((r) => r.labels === labels && r.init === 'pretrained' && at('scratch', r.seed))
      .map((r) => 100 * (r.testAccuracy - at('scratch', r.seed)!.testAccuracy));
    const row: ResultRow = { labels, pretrained: { ...pm, runs: p }, scratch: { ...sm, runs: s }, margin: 100 * (pm.mean - sm.mean), paired: pairedInterval(diffs), naiveBayes: naiveBayes.get(labels) ?? NaN };
    const pr = probe?.get(labels);
    return pr === undefined ? row : { ...row, probe: pr };
  });
}

const pct = (x: number) => (100 * x).toFixed(1);

/**
 * The results as a Markdown table (accuracy in %, mean ± std over seeds).
 * @param rows - From {@link summarize}.
 * @param title - The heading.
 * @returns The Markdown.
 * @example
 * const row = { labels: 50, pretrained: { mean: 0.6, std: 0, runs: [0.6] }, scratch: { mean: 0.5, std: 0, runs: [0.5] }, margin: 10, paired: { mean: 10, lo: 10, hi: 10 }, naiveBayes: 0.55 };
 * resultsMarkdown([row], 'Results').includes('| 50 |'); // true
 */
export function resultsMarkdown(rows: readonly ResultRow[], title: string): string {
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
  const probe = rows.some((r) => r.probe !== undefined);
  const lines = [
    `## ${title}`, '',
    `| labels | pretrained | from scratch | margin (points) | paired 95% interval |${probe ? ' linear probe (frozen pretrained body) |' : ''} Naive Bayes (bag of words) |`,
    `| ---: | ---: | ---: | ---: | ---: |${probe ? ' ---: |' : ''} ---: |`,
    ...rows.map((r) => `| ${r.labels} | ${pct(r.pretrained.mean)} ± ${pct(r.pretrained.std)} | ${pct(r.scratch.mean)} ± ${pct(r.scratch.std)} | ${signed(r.margin)} | [${signed(r.paired.lo)}, ${signed(r.paired.hi)}] |${probe ? ` ${r.probe === undefined ? '-' : pct(r.probe)} |` : ''} ${pct(r.naiveBayes)} |`),
    '',
    `Test accuracy (%) on the held-out test sentences; mean ± sample std over ${rows[0]?.pretrained.runs.length ?? 0} seeds. The paired interval is the 95% Student-t interval of pretrained minus scratch over seeds that share a labelled draw.`,
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
  /** Report title. */
  title: string;
  /** The exact configuration (written as config.json). */
  config: unknown;
  /** The results table. */
  rows: ResultRow[];
  /** Every run. */
  runs: RunRecord[];
  /** Pretraining loss per step. */
  pretrainLosses?: number[];
  /** Pretraining validation losses. */
  pretrainEvals?: Array<{
    /** The step. */
    step: number;
    /** Held-out loss there. */
    loss: number;
  }>;
  /** Lines added under the table. */
  notes: string[];
  /** Total wall time. */
  seconds: number;
  /** The process's peak resident memory (MiB), where the platform reports it. */
  peakRssMiB?: number;
}

/** The pretraining curve as one line of text: held-out loss at up to eight evenly spaced evaluations and the last. */
function curveLine(evals: ExperimentReport['pretrainEvals']): string[] {
  if (!evals?.length) return [];
  const every = Math.ceil(evals.length / 8);
  const shown = evals.filter((_, i) => i % every === every - 1 || i === evals.length - 1);
  return [`- Pretraining curve (held-out loss, nats a token, by step): ${shown.map((e) => `${e.step.toLocaleString('en-US')}: ${e.loss.toFixed(2)}`).join(' · ')} (pretraining-curve.svg).`];
}

/**
 * Writes results.md, results.json, config.json, accuracy-vs-labels.svg, loss-curves.svg and (with a
 * pretraining curve) pretraining-curve.svg into `dir`.
 * @param dir - The folder (created).
 * @param r - The report.
 * @returns The names of the files written.
 * @example
 * const runs = [50, 200].map((labels) => ({ labels, seed: 0, init: 'pretrained' as const, testAccuracy: 0.6, testMacroF1: 0.6, validationAccuracy: 0.6, steps: 2, seconds: 1, losses: [0.7, 0.6] }));
 * const rows = summarize(runs, new Map([[50, 0.55], [200, 0.6]]));
 * writeReport('report', { title: 'demo', config: {}, rows, runs, notes: [], seconds: 2 }).sort(); // ['accuracy-vs-labels.svg', 'config.json', 'loss-curves.svg', 'results.json', 'results.md']
 */
export function writeReport(dir: string, r: ExperimentReport): string[] {
  mkdirSync(dir, { recursive: true });
  const md = [`# ${r.title}`, '', resultsMarkdown(r.rows, 'Results'), '', ...r.notes.map((n) => `- ${n}`), ...curveLine(r.pretrainEvals), '', `Wall time: ${(r.seconds / 60).toFixed(1)} min${r.peakRssMiB ? `; peak memory (RSS) ${Math.round(r.peakRssMiB)} MiB` : ''}.`, ''].join('\n');
  const files: Record<string, string> = {
    'results.md': md,
    'results.json': JSON.stringify({ title: r.title, rows: r.rows, runs: r.runs.map(({ losses: _l, ...rest }) => rest), seconds: r.seconds, peakRssMiB: r.peakRssMiB, notes: r.notes }, null, 2),
    'config.json': JSON.stringify(r.config, null, 2),
    'accuracy-vs-labels.svg': lineChart(
      [
        { name: 'pretrained', points: r.rows.map((x) => [x.labels, 100 * x.pretrained.mean] as const), errors: r.rows.map((x) => 100 * x.pretrained.std) },
        { name: 'from scratch', points: r.rows.map((x) => [x.labels, 100 * x.scratch.mean] as const), errors: r.rows.map((x) => 100 * x.scratch.std), dashed: true },
        { name: 'Naive Bayes', points: r.rows.map((x) => [x.labels, 100 * x.naiveBayes] as const), dashed: true },
        ...(r.rows.every((x) => x.probe !== undefined) ? [{ name: 'linear probe', points: r.rows.map((x) => [x.labels, 100 * x.probe!] as const), dashed: true }] : []),
      ],
      { title: 'Test accuracy vs labelled examples', xLabel: 'labelled training examples (log scale)', yLabel: 'test accuracy (%)', logX: true },
    ),
  };
  const pre: Series[] = [];
  if (r.pretrainLosses?.length) pre.push({ name: 'pretraining (train)', points: smooth(r.pretrainLosses) });
  if (r.pretrainEvals?.length) pre.push({ name: 'pretraining (held out)', points: r.pretrainEvals.map((e) => [e.step, e.loss] as const), dashed: true });
  if (pre.length) files['pretraining-curve.svg'] = lineChart(pre, { title: 'Pretraining loss', xLabel: 'step', yLabel: 'cross-entropy (nats a token)' });
  const curves: Series[] = [];
  for (const init of ['pretrained', 'scratch'] as const) {
    const run = r.runs.filter((x) => x.init === init).sort((a, b) => b.labels - a.labels)[0];
    if (run) curves.push({ name: `fine-tune ${init} (${run.labels} labels)`, points: smooth(run.losses) });
  }
  if (curves.length) files['loss-curves.svg'] = lineChart(curves, { title: 'Fine-tuning loss', xLabel: 'step', yLabel: 'cross-entropy (nats)' });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files);
}
