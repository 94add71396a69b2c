// tsgrad experiment: the main job. Pretraining vs from scratch on the sentiment task at several
// label counts and seeds; prints the table and writes the report folder.

import { resultsMarkdown } from '../../report/experiment-report.js';
import { EXPERIMENT_PRESETS } from '../../recipes/experiment.js';
import { runExperiment } from '../../recipes/experiment.js';
import { CliError, choice, type Command } from '../args.js';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { useDevice } from '../device.js';
import { prepareOut } from '../out.js';

export const experimentCommand: Command = {
  name: 'experiment',
  summary: 'does pretraining help? fine-tune with and without pretraining at 50, 200, 1000 and all labels',
  usage: 'tsgrad experiment [--quick | --preset default|large] [--pretrain] [--from CKPT] [--jobs N] [--out DIR]',
  options: {
    quick: { type: 'boolean', help: 'a tiny model and few runs (under 2 minutes; for tests)' },
    preset: { type: 'string', default: 'default', help: "'quick', 'default' or 'large'", arg: 'NAME' },
    pretrain: { type: 'boolean', help: 'pretrain here instead of using the shipped checkpoint (slow for default/large)' },
    from: { type: 'string', help: 'use this pretrained checkpoint', arg: 'CKPT' },
    seeds: { type: 'string', help: 'comma-separated seeds (default: the preset\'s)', arg: 'LIST' },
    labels: { type: 'string', help: "comma-separated label counts, 'all' for the whole pool (default: the preset's)", arg: 'LIST' },
    out: { type: 'string', default: 'runs/experiment', help: 'report folder (replaced by each run)', arg: 'DIR' },
    jobs: { type: 'string', help: 'fine-tuning runs at once, each in a worker thread on one core (default: the core count, at most 4; 1: one after another on all cores; the results do not depend on it)', arg: 'N' },
  },
  async run(v) {
    const preset = v['quick'] ? 'quick' : choice(v, 'preset', ['quick', 'default', 'large'] as const);
    const config = structuredClone(EXPERIMENT_PRESETS[preset]);
    const list = (name: string, parse: (s: string) => number) => {
      const raw = v[name];
      if (typeof raw !== 'string') return undefined;
      const xs = raw.split(',').map((s) => parse(s.trim()));
      if (xs.length === 0 || xs.some((x) => !Number.isInteger(x) || x < 0)) throw new CliError(`--${name} must be a comma-separated list of whole numbers, got '${raw}'`, 2);
      return xs;
    };
    config.seeds = list('seeds', Number) ?? config.seeds;
    config.labelCounts = list('labels', (s) => (s === 'all' ? 0 : Number(s))) ?? config.labelCounts;
    const out = String(v['out']);
    prepareOut(out, 'out', { force: true }); // a report folder: each run replaces it
    rmSync(join(out, 'logs'), { recursive: true, force: true });
    const jobs = v['jobs'] === undefined ? Math.min(4, availableParallelism()) : Number(v['jobs']);
    if (!Number.isInteger(jobs) || jobs < 1) throw new CliError(`--jobs must be a positive whole number, got '${String(v['jobs'])}'`, 2);
    const device = await useDevice(String(v['device']));
    const report = await runExperiment({ config, out, device, pretrainFresh: Boolean(v['pretrain']), checkpointPath: typeof v['from'] === 'string' ? v['from'] : undefined, workers: jobs });
    process.stdout.write(`\n${resultsMarkdown(report.rows, report.title)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}\n\nreport: ${out} (${report.files.join(', ')}); ${(report.seconds / 60).toFixed(1)} min, peak RSS ${Math.round(report.peakRssMiB ?? 0)} MiB\n`);
  },
};
