// Training-step suite: the reference GPT (2 layers, d 128, 4 heads, ff 512, seq 64, batch 16,
// vocab 256; forward + backward + AdamW) in every implementation of lib/train-models.mjs, all in
// this process, interleaved: after warm-up, rounds go over the implementations (rotating who goes
// first), each taking a turn of about `turnMs` of consecutive steps (at least one), so a fast
// implementation gets more samples than a 30-second one while every implementation's steps are
// spread over the whole run. Each step is timed whole (inputs in, forward, loss, backward, AdamW,
// loss read back).
//
// Peak RSS cannot be told apart inside one process, so afterwards every implementation also runs
// alone in a child process (`node bench/train-step.mjs --impl=... --weights=...`, the same
// weights and batch), which reports its own peak RSS (getrusage maxrss) and, for reference, its
// tokens/s alone.
//
// Checks (reported, not asserted): every implementation starts from the same weights and batch,
// so its step-1 loss must equal tsgrad's, its loss must fall over the first steps, and its
// parameter count must equal the reference's.

import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import vm from 'node:vm';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mdTable, textTable } from '../lib/harness.mjs';
import { KINDS, LABELS, REFERENCE, countWeights, createTrainer, fixedBatch, referenceWeights, saveWeights } from '../lib/train-models.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/**
 * A full garbage collection, run untimed between turns so that no implementation pays for the
 * garbage another left (js-pytorch leaves gigabytes). NOTE: --expose-gc set at run time; the gc
 * function then exists in contexts created afterwards.
 */
const fullGc = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  } catch {
    return () => {};
  }
})();

/**
 * Floating-point operations of the step's matrix products (forward, and twice that for the
 * backward's input and weight gradients), the same count for every implementation; elementwise
 * work and tfjs-wasm's one-hot embedding product are not counted.
 */
function stepFlops(cfg) {
  const { batch: B, seq: T, nEmbd: C, dimFeedforward: F, vocab: V, nLayer } = cfg;
  const n = B * T;
  const layer = 2 * n * C * 3 * C + 2 * n * C * C + 2 * 2 * n * C * F + 2 * 2 * B * T * T * C; // qkv, out, ff1+ff2, QK^T + AV (over all heads)
  return 3 * (nLayer * layer + 2 * n * C * V);
}

/** Steps every implementation runs before its loss is compared (warm-up included). */
const CHECK_STEP = 5;

/**
 * Runs the suite; prints its tables and returns the report section.
 * Options: quick (tsgrad and tfjs-wasm only, shorter), args.impls (comma-separated kinds),
 * args.rounds, args['turn-ms'], args['no-rss'].
 * @returns {Promise<{ markdown: string, targets: string[] }>}
 */
export async function run({ quick = false, args = {}, config = {}, title = 'Reference model' } = {}) {
  const cfg = { ...REFERENCE, ...config };
  const kinds = typeof args.impls === 'string' ? args.impls.split(',') : quick ? ['tsgrad', 'tfjs-wasm'] : KINDS;
  const rounds = Number(args.rounds ?? (quick ? 3 : 4));
  const turnMs = Number(args['turn-ms'] ?? (quick ? 2500 : 4000));
  const tokens = cfg.batch * cfg.seq;
  const weights = await referenceWeights(cfg);
  const refParams = countWeights(weights);
  const { xs, ys } = fixedBatch(cfg);
  console.log(`GPT: ${cfg.nLayer} layers, d ${cfg.nEmbd}, ${cfg.nHead} heads, ff ${cfg.dimFeedforward}, seq ${cfg.seq}, batch ${cfg.batch}, vocab ${cfg.vocab}; AdamW lr ${cfg.lr}; ${refParams} parameters; ${tokens} tokens a step`);

  const state = [];
  for (const kind of kinds) {
    const trainer = await createTrainer(kind, cfg, weights);
    state.push({ kind, trainer, times: [], losses: [] });
  }
  const once = async (s, record) => {
    await s.trainer.before?.();
    const t0 = performance.now();
    const { loss } = s.trainer.step(xs, ys);
    const ms = performance.now() - t0;
    s.trainer.after?.();
    s.losses.push(loss);
    if (record) s.times.push(ms);
    return ms;
  };

  // warm-up: 2 steps each (1 for an implementation slower than 10 s a step)
  for (const s of state) {
    const ms = await once(s, false);
    if (ms < 10000) s.lastMs = await once(s, false);
    else s.lastMs = ms;
    console.log(`  warm-up ${LABELS[s.kind]}: ${fmt(s.lastMs)} ms a step`);
    fullGc();
  }
  // timed rounds
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let q = 0; q < state.length; q++) {
      const s = state[(q + r) % state.length];
      const n = Math.max(1, Math.round(turnMs / s.lastMs));
      for (let i = 0; i < n; i++) s.lastMs = await once(s, true);
      fullGc();
    }
    console.log(`  round ${r + 1}/${rounds} done (${fmt((performance.now() - started) / 1000)} s)`);
  }
  // every implementation reaches CHECK_STEP steps for the loss comparison (untimed, if it has not yet)
  for (const s of state) while (s.losses.length < CHECK_STEP) await once(s, false);

  for (const s of state) {
    const tps = s.times.map((ms) => (tokens * 1000) / ms);
    s.tps = { median: median(tps), min: Math.min(...tps), max: Math.max(...tps) };
    s.stepMs = median(s.times);
  }

  // peak RSS: each implementation alone in a child process
  const rss = new Map();
  if (!args['no-rss']) {
    const dir = mkdtempSync(join(os.tmpdir(), 'tsgrad-bench-'));
    const file = join(dir, 'weights.bin');
    saveWeights(file, weights);
    for (const s of state) {
      const steps = 2;
      console.log(`  peak RSS: ${LABELS[s.kind]} alone (1 warm-up + ${steps} steps) ...`);
      const p = spawnSync(process.execPath, [join(here, '..', 'train-step.mjs'), `--impl=${s.kind}`, `--weights=${file}`, '--warmup=1', `--steps=${steps}`, '--json',
        ...['batch', 'seq', 'vocab', 'nLayer', 'nEmbd', 'nHead', 'dimFeedforward'].map((k) => `--${k}=${cfg[k]}`)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const line = p.stdout.split('\n').find((l) => l.startsWith('{'));
      if (p.status !== 0 || !line) {
        console.log(`    failed (status ${p.status}): ${p.stderr.slice(-2000)}`);
        continue;
      }
      const res = JSON.parse(line);
      rss.set(s.kind, { rss: res.peakRssMiB, tps: res.tokensPerSec.median, losses: res.losses });
    }
    rmSync(dir, { recursive: true, force: true });
  }

  // checks
  const ref = state.find((s) => s.kind === 'tsgrad') ?? state[0];
  const lossAt = (s, i) => s.losses[i];
  for (const s of state) {
    const l0 = lossAt(s, 0);
    const lc = lossAt(s, CHECK_STEP - 1);
    s.checks = {
      params: s.trainer.params === refParams,
      step1: Math.abs(l0 - lossAt(ref, 0)) < 1e-3,
      falls: lc < l0 - 0.1 && s.losses.slice(0, CHECK_STEP).every((l, i, a) => i === 0 || l < a[i - 1]),
      track: Math.abs(lc - lossAt(ref, CHECK_STEP - 1)) < 1e-2,
    };
  }

  const wasm = state.find((s) => s.kind === 'tfjs-wasm');
  const ratio = (s) => (wasm ? s.tps.median / wasm.tps.median : NaN);
  const flops = stepFlops(cfg);
  const header = ['implementation', 'tokens/s median', 'min-max', 'step ms (median)', 'GFLOP/s', 'timed steps', 'x tfjs-wasm', 'peak RSS alone (MiB)', 'tokens/s alone', 'params'];
  const rows = state.map((s) => [LABELS[s.kind], fmt(s.tps.median), `${fmt(s.tps.min)}-${fmt(s.tps.max)}`, fmt(s.stepMs, 1), fmt(flops / s.stepMs / 1e6, 2), s.times.length, fmt(ratio(s), 2),
    fmt(rss.get(s.kind)?.rss), fmt(rss.get(s.kind)?.tps), s.trainer.params]);
  const lossHeader = ['implementation', ...Array.from({ length: CHECK_STEP }, (_, i) => `loss step ${i + 1}`), 'last loss (step)', 'checks'];
  const lossRows = state.map((s) => [LABELS[s.kind], ...s.losses.slice(0, CHECK_STEP).map((l) => l.toFixed(5)), `${s.losses.at(-1).toFixed(4)} (step ${s.losses.length})`,
    Object.entries(s.checks).filter(([, ok]) => !ok).map(([k]) => `FAILED ${k}`).join(', ') || 'ok']);
  console.log(`\n${textTable(header, rows)}\n\n${textTable(lossHeader, lossRows)}`);

  const targets = [];
  const ts = state.find((s) => s.kind === 'tsgrad');
  if (ts && wasm) {
    const lo = ts.tps.min / wasm.tps.max;
    const hi = ts.tps.max / wasm.tps.min;
    targets.push(`- tokens/s, tsgrad (default) vs tfjs-wasm, same process, interleaved (target >= 3x): **${fmt(ratio(ts), 2)}x** of the medians (${fmt(ts.tps.median)} vs ${fmt(wasm.tps.median)} tokens/s; worst-to-best range ${fmt(lo, 2)}-${fmt(hi, 2)}x) — ${ratio(ts) >= 3 ? 'met' : 'NOT met'}`);
    const t1 = state.find((s) => s.kind === 'tsgrad-1t');
    if (t1) targets.push(`- the same with tsgrad on one thread (tfjs-wasm runs one): ${fmt(ratio(t1), 2)}x`);
    const a = rss.get('tsgrad');
    const b = rss.get('tfjs-wasm');
    if (a && b) targets.push(`- peak RSS, each alone in its own process (target: tsgrad <= tfjs-wasm): tsgrad ${fmt(a.rss)} MiB vs tfjs-wasm ${fmt(b.rss)} MiB (${fmt(a.rss / b.rss, 2)}x) — ${a.rss <= b.rss ? 'met' : 'NOT met'}`);
  }
  for (const [kind, note] of [['tfjs-cpu', 'tfjs-cpu'], ['js-pytorch', 'js-pytorch']]) {
    const s = state.find((x) => x.kind === kind);
    if (s && ts) targets.push(`- tsgrad vs ${note}: ${fmt(ts.tps.median / s.tps.median, 1)}x`);
  }
  const allOk = state.every((s) => Object.values(s.checks).every(Boolean));
  targets.push(`- same work: ${allOk ? 'every implementation has the reference parameter count, the same step-1 loss as tsgrad (|diff| < 1e-3), a loss that falls at every one of the first 5 steps (by > 0.1 in all), and a step-5 loss within 1e-2 of tsgrad\'s' : 'SOME CHECK FAILED (see the loss table)'}`);
  console.log(`\n${targets.join('\n')}`);

  const markdown = `${title}: GPT, ${cfg.nLayer} layers, d ${cfg.nEmbd}, ${cfg.nHead} heads, ff ${cfg.dimFeedforward}, seq ${cfg.seq}, batch ${cfg.batch}, vocab ${cfg.vocab} (${tokens} tokens a step), pre-norm, learned positions, exact GELU, tied LM head, ${refParams} parameters; AdamW (lr ${cfg.lr}, betas ${cfg.betas.join('/')}, eps ${cfg.eps}, weight decay ${cfg.weightDecay} on every parameter). Every implementation starts from the same weights (tsgrad's seeded GPT-2 initialisation, copied by PyTorch key) and trains on the same fixed batch (bytes of the repository's LICENSE), so the losses below must agree.

Method: all implementations in this one process; after warm-up (2 steps; 1 for one slower than 10 s), ${rounds} rounds go over the implementations (rotating who goes first), each implementation taking a turn of about ${turnMs / 1000} s of consecutive steps (at least one), with a full garbage collection (untimed) after every turn so that no implementation pays for another's garbage. A step is timed whole: inputs in, forward, loss, backward, AdamW update, loss read back. tokens/s = ${tokens} / step time; median and min-max over the timed steps; GFLOP/s = the step's ${(flops / 1e9).toFixed(2)} GFLOP of matrix products (forward, and twice that backward; the same count for all) / median step time. Peak RSS cannot be separated inside one process, so each implementation also ran alone in a child process (\`node bench/train-step.mjs --impl=NAME --weights=FILE --warmup=1 --steps=2\`), whose peak RSS (VmHWM of /proc/self/status; not getrusage's maxrss, which Linux carries over from the parent across fork + exec) is the RSS column; that run's tokens/s is shown for reference only (the comparison is the interleaved one).

${mdTable(header, rows)}

${targets.join('\n')}

Loss per step (warm-up steps included; all from the same weights and batch):

${mdTable(lossHeader, lossRows)}

How the implementations differ (lib/train-models.mjs has the code):
- tsgrad: \`@tsgrad/nn\` GPT + \`@tsgrad/train\` AdamW on the CPU backend with its defaults (wasm SIMD GEMM, fused GELU / LayerNorm / attention-softmax / Adam kernels, the tied head and cross-entropy fused (\`GPT.loss\`: the recipe's \`causalLmLoss\`, no (B, T, V) logits tensor), each step in a \`scope\` with CPU memory reuse on as \`train()\` runs it, helper threads for large matmuls: 2 threads here). "1 thread" sets the matmul dispatch to \`maxThreads: 1\` around its steps.
- tfjs-wasm / tfjs-cpu: the same graph in TensorFlow.js ops (\`tf.moments\` LayerNorm, erf GELU, additive causal mask + \`tf.softmax\`, \`tf.losses.softmaxCrossEntropy\`), gradients by \`tf.variableGrads\`, \`tf.train.adam\` plus decoupled decay. tfjs-wasm runs 1 thread (its threaded build does not initialise in Node) and embeds tokens by one-hot matmul (tfjs-wasm has no kernel for gather's gradient; about 5% more FLOPs); tfjs-cpu uses \`tf.gather\`.
- js-pytorch: written with its Tensor ops, not its \`nn.Block\` (that block has a 2x feed-forward, a "ReLU" that multiplies negatives by 1e-3, attention scaled by 1/head_dim^2, and a LayerNorm without eps whose gradient is wrong: \`mean\`/\`variance\` with keepdims back-propagate elementwise). LayerNorm is built from \`sum(-1, keepdims)\` with eps; GELU is the tanh form (no erf; differs from the exact one by < 1e-3); q/k/v are three matrices (no slicing op to split a fused projection; same parameters); softmax is exp / sum (no max-subtraction, as its own); AdamW is written with its ops (its \`optim.Adam\` has no bias correction). It computes in float64 on nested JS arrays.`;
  return { markdown, targets, state, flops };
}
