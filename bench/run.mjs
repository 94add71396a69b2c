#!/usr/bin/env node
// tsgrad's benchmarks (`pnpm bench` at the repo root, after `tsc -b`): installs bench/'s own
// dependencies on first use, runs each suite with all peers interleaved in this process, prints
// tables and writes bench/RESULTS.md. Options: --suite=NAME (matmul | train-step | recipe |
// quantize), --quick (tsgrad vs tfjs-wasm only), --out=FILE (another report file, relative to
// bench/); train-step also takes --impls=a,b --rounds=N --turn-ms=MS --no-rss (see
// suites/train-step.mjs); recipe takes --presets=small,base and --kernels (each tsgrad step's
// per-kernel breakdown, see suites/recipe.mjs); quantize takes --ckpt=PATH --rounds=N (see
// suites/quantize.mjs).
// Benchmarks are never tests: nothing here is asserted.

import { execSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2).filter((a) => a !== '--'); // NOTE: `pnpm bench -- --quick` passes the '--' on
const args = Object.fromEntries(argv.map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));

if (!existsSync(join(here, 'node_modules', '@tensorflow', 'tfjs-backend-wasm'))) {
  console.log('installing bench dependencies (npm install --prefix bench) ...');
  // NOTE: --ignore-scripts: js-pytorch pulls gpu.js, whose optional `gl` would build ANGLE from source
  execSync('npm install --prefix bench --no-audit --no-fund --ignore-scripts', { cwd: root, stdio: 'inherit' });
}
if (!existsSync(join(root, 'packages', 'core', 'dist', 'index.js'))) execSync('npx tsc -b', { cwd: root, stdio: 'inherit' });

const { runCase, peakRssMiB, textTable, mdTable } = await import('./lib/harness.mjs');
const { initPeers } = await import('./lib/peers.mjs');

/**
 * Suites by name. A suite exports either `cases` (run here by lib/harness.mjs) or `run({ quick,
 * args })`, which runs and prints itself and returns `{ markdown, targets }`.
 */
const SUITES = {
  matmul: () => import('./suites/matmul.mjs'),
  'train-step': () => import('./suites/train-step.mjs'),
  recipe: () => import('./suites/recipe.mjs'),
  quantize: () => import('./suites/quantize.mjs'),
};

const quick = args.quick === true;
const facts = await initPeers();
const started = new Date();
const loadAtStart = os.loadavg();
const sections = [];
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

for (const [name, load] of Object.entries(SUITES)) {
  if (args.suite && args.suite !== name) continue;
  const suite = await load();
  const results = [];
  console.log(`\n== ${name} ==`);
  if (suite.run) {
    const { markdown } = await suite.run({ quick, args });
    sections.push(`## ${name}\n\n${markdown}`);
    continue;
  }
  for await (const c of suite.cases({ quick })) {
    const rows = await runCase(c, { reference: 'tsgrad wasm (1T)' });
    results.push({ c, rows, rss: process.memoryUsage().rss / 2 ** 20 });
    const table = rows.map((r) => [r.name, fmt(r.median, 3), `${fmt(r.min, 3)}-${fmt(r.max, 3)}`, fmt(r.gflops), r.times.length, r.maxErr === null ? '-' : r.maxErr.toExponential(1)]);
    console.log(`\n${c.label} (${(c.flops / 1e6).toFixed(0)} MFLOP)  rss ${fmt(results.at(-1).rss, 0)} MiB`);
    console.log(textTable(['impl', 'median ms', 'min-max ms', 'GFLOP/s', 'n', 'max rel err'], table));
  }
  const names = results[0].rows.map((r) => r.name);
  const summary = mdTable(['case', ...names.map((n) => `${n} GFLOP/s`)],
    results.map(({ c, rows }) => [c.label, ...names.map((n) => {
      const r = rows.find((x) => x.name === n);
      return r ? `${fmt(r.gflops)} (${fmt(r.min, 2)}-${fmt(r.max, 2)} ms)` : '-';
    })]));
  const detail = results.map(({ c, rows, rss }) => `### ${c.label}\n\nRSS after the case: ${fmt(rss, 0)} MiB\n\n${mdTable(
    ['impl', 'median ms', 'min-max ms', 'GFLOP/s', 'runs', 'max rel err vs tsgrad wasm'],
    rows.map((r) => [r.name, fmt(r.median, 3), `${fmt(r.min, 3)}-${fmt(r.max, 3)}`, fmt(r.gflops), r.times.length, r.maxErr === null ? '-' : r.maxErr.toExponential(1)]))}`).join('\n\n');
  const targets = suite.targets?.(results) ?? [];
  console.log(`\n${targets.join('\n')}`);
  sections.push(`## ${name}\n\nMethod: repetitions go round-robin over the implementations (rotating the order), after warm-up;
implementations slower than 0.5 s a call get 3 runs. Times are of one call; tfjs results stay in its
backend (no readback), tsgrad's include copying operands in and out of wasm memory. 1T = one
thread, 2T = tsgrad's default thread pool. GFLOP/s from the median time (min-max time in brackets).\n\n${summary}\n\n${targets.join('\n')}\n\n${detail}`);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const flags = argv.join(' ');
const command = process.execArgv.length
  ? `\`tsc -b && node ${process.execArgv.join(' ')} bench/run.mjs ${flags}\``
  : `\`pnpm bench${flags ? ` -- ${flags}` : ''}\` (= \`tsc -b && node bench/run.mjs${flags ? ` ${flags}` : ''}\`)`;
const header = `# tsgrad benchmark results

- command: ${command}
- date: ${started.toISOString()}
- machine: ${cpu}, ${os.cpus().length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}
- Node ${process.version} (V8 ${process.versions.v8})
- tsgrad wasm: ${facts.tsgradWasm}; threads: ${facts.tsgradThreads}
- tfjs ${facts.tfjs}; tfjs-wasm SIMD: ${facts.tfjsWasmSimd}; tfjs-wasm threads: ${facts.tfjsWasmThreads}
- load average (1/5/15 min) at the start: ${loadAtStart.map((x) => x.toFixed(2)).join(' / ')}; at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')}
- duration: ${((Date.now() - started.getTime()) / 60000).toFixed(1)} min
- peak RSS of the whole run (all peers share the process): ${fmt(peakRssMiB(), 0)} MiB
- every implementation of a suite runs in this one process, interleaved (each suite says how);
  benchmarks are not tests: nothing is asserted
`;
const out = resolve(here, typeof args.out === 'string' ? args.out : 'RESULTS.md');
writeFileSync(out, `${header}\n${sections.join('\n\n')}\n`);
console.log(`\npeak RSS ${fmt(peakRssMiB(), 0)} MiB; wrote ${out.startsWith(process.cwd()) ? relative(process.cwd(), out) : out}`);
process.exit(0); // tfjs keeps handles open
