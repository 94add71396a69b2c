// One implementation of the training-step benchmark, alone in this process: GPT (2 layers, d 128,
// 4 heads, ff 512, seq 64, batch 16, vocab 256) with AdamW on a fixed batch (lib/train-models.mjs);
// reports tokens/s, a per-phase breakdown, GC time, the loss per step and this process's peak RSS.
// `pnpm bench` runs every implementation interleaved in one process (suites/train-step.mjs) and
// runs this script once per implementation in a child process for the peak-RSS figures.
//
// Run: npx tsc -b && node bench/train-step.mjs [--impl=tsgrad] [--steps=20] [--warmup=3] [--json]
//      [--batch=16] [--seq=64] [--weights=FILE] (initial weights from lib/train-models' saveWeights;
//      default: tsgrad's seeded init) [--kernels[=N]] (time per CPU kernel, tsgrad)
//      [--unfused] (tsgrad: composites instead of fused kernels and the composite Adam update)
// --impl: tsgrad | tsgrad-1t | tfjs-wasm | tfjs-cpu | js-pytorch (the peers need bench's npm install)

import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { kernelTable, kernelTimer } from './lib/kernel-times.mjs';
import { KINDS, configFrom, createTrainer, fixedBatch, loadWeights, referenceWeights } from './lib/train-models.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k, v ?? 'true'];
}));
const STEPS = Number(args.steps ?? 20);
const WARMUP = Number(args.warmup ?? 3);
const IMPL = args.impl ?? 'tsgrad';
if (!KINDS.includes(IMPL)) throw new Error(`--impl must be one of ${KINDS.join(', ')}`);
const cfg = configFrom(args);
const isTsgrad = IMPL.startsWith('tsgrad');

// GC pauses (PerformanceObserver 'gc' entries), attributed afterwards to the phase they started in
const gcEntries = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcEntries.push({ start: e.startTime, duration: e.duration });
});
obs.observe({ entryTypes: ['gc'] });
const intervals = []; // [start, end, phase] of every recorded phase

// tsgrad-only instrumentation: --kernels times every CPU kernel call by primitive and input shapes
// over the recorded steps (lib/kernel-times.mjs; adds a little overhead); --unfused runs the
// composites instead of the fused CPU kernels and the composite Adam update (an A/B of the fused
// paths in one tree)
let timer = null;
if (isTsgrad && (args.kernels || args.unfused)) {
  const core = await import('../packages/core/dist/index.js');
  const train = await import('../packages/train/dist/index.js');
  if (args.unfused) {
    const FUSED = new Set(['gelu', 'geluBackward', 'layerNorm', 'layerNormBackward', 'rmsNorm', 'rmsNormBackward', 'scaledMaskedSoftmax', 'softmaxBackward', 'crossEntropy', 'crossEntropyBackward', 'dropout']);
    const inner = core.cpuBackend.kernel.bind(core.cpuBackend);
    core.cpuBackend.kernel = (op) => (FUSED.has(op.name) ? undefined : inner(op));
    Object.getPrototypeOf(train.AdamW.prototype).update = function update(p, grad, state, group) {
      const { param, state: next } = train.adamUpdate(p, grad, state, group.lr, group);
      p.copy_(param);
      return next;
    };
  }
  if (args.kernels) timer = kernelTimer(core);
}

const weights = args.weights ? loadWeights(args.weights) : await referenceWeights(cfg);
const impl = await createTrainer(IMPL, cfg, weights);
const { xs, ys } = fixedBatch(cfg);
const phases = impl.phases;
const times = Object.fromEntries(phases.map((p) => [p, []]));
const stepMs = [];
const losses = [];

async function step(record) {
  await impl.before?.();
  const t0 = performance.now();
  const { loss, marks } = impl.step(xs, ys);
  const t1 = performance.now();
  impl.after?.();
  losses.push(loss);
  if (!record) return;
  phases.forEach((p, i) => {
    intervals.push([marks[i], marks[i + 1], p]);
    times[p].push(marks[i + 1] - marks[i]);
  });
  stepMs.push(t1 - t0);
}

/**
 * This process's peak RSS in MiB: VmHWM from /proc/self/status where there is one (Linux). NOTE:
 * not getrusage's maxrss, which Linux carries across fork + exec: a child spawned by a big parent
 * would report at least the parent's RSS at the time of the fork.
 */
function peakRssMiB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (let i = 0; i < WARMUP; i++) await step(false);
const wall0 = performance.now();
timer?.start();
for (let i = 0; i < STEPS; i++) await step(true);
const kernels = timer?.stop(STEPS);
const wall = performance.now() - wall0;
await new Promise((r) => setTimeout(r, 20)); // let the observer deliver the last entries
obs.disconnect();
const gcByPhase = Object.fromEntries(phases.map((p) => [p, 0]));
let gcTotal = 0;
let gcCount = 0;
for (const e of gcEntries) {
  if (e.start < wall0 || e.start > wall0 + wall) continue;
  gcTotal += e.duration;
  gcCount++;
  const hit = intervals.find(([a, b]) => e.start >= a && e.start < b);
  if (hit) gcByPhase[hit[2]] += e.duration;
}

const tokens = cfg.batch * cfg.seq;
const tps = stepMs.map((ms) => (tokens * 1000) / ms);
const result = {
  impl: IMPL + (args.unfused ? ' (unfused)' : ''),
  config: { ...cfg, steps: STEPS, warmup: WARMUP },
  node: process.version,
  params: impl.params,
  tokensPerSec: { median: median(tps), min: Math.min(...tps), max: Math.max(...tps) },
  stepMs: { median: median(stepMs), min: Math.min(...stepMs), max: Math.max(...stepMs) },
  breakdownMs: Object.fromEntries(phases.map((p) => [p, median(times[p])])),
  gc: { totalMs: gcTotal, perStepMs: gcTotal / STEPS, count: gcCount, shareOfWall: gcTotal / wall, byPhaseMs: gcByPhase },
  peakRssMiB: peakRssMiB(),
  losses,
};

if (kernels) console.log(kernelTable(kernels, Number(args.kernels) || 30));
if (args.json) {
  console.log(JSON.stringify(result));
} else {
  const f = (v, d = 1) => v.toFixed(d);
  console.log(`${result.impl}: GPT train step (B ${cfg.batch}, T ${cfg.seq}, d ${cfg.nEmbd}, ${cfg.nLayer} layers, ${cfg.nHead} heads, ff ${cfg.dimFeedforward}, vocab ${cfg.vocab}; AdamW), ${impl.params} parameters, node ${process.version}`);
  console.log(`tokens/s   median ${f(result.tokensPerSec.median, 0)}  (min ${f(result.tokensPerSec.min, 0)}, max ${f(result.tokensPerSec.max, 0)}) over ${STEPS} steps after ${WARMUP} warm-up`);
  console.log(`step ms    median ${f(result.stepMs.median)}: ${phases.map((p) => `${p} ${f(result.breakdownMs[p])}`).join(', ')}`);
  console.log(`GC         ${f(gcTotal)} ms in ${gcCount} pauses (${f(result.gc.perStepMs)} ms/step, ${f(100 * result.gc.shareOfWall)}% of wall; ${phases.map((p) => `${p} ${f(gcByPhase[p])}`).join(', ')})`);
  console.log(`peak RSS   ${f(result.peakRssMiB)} MiB`);
  console.log(`loss       ${losses.map((l) => l.toFixed(4)).join(' ')}`);
}
process.exit(0); // tfjs keeps handles open
