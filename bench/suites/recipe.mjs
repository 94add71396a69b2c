// Recipe-workload suite: the steps the main job and pretraining actually run, for the recipe
// presets (`small`: 4 layers, d 128, 4 heads, ff 512, context 64, vocabulary 4,096; `base`: 6
// layers, d 256, 8 heads, ff 1024, context 128, vocabulary 8,192):
// - the pretraining step (B 32 windows; forward + backward + AdamW), tsgrad against tfjs-wasm on
//   the same weights and batch, interleaved in this process (suites/train-step.mjs does the work);
// - the classifier fine-tuning step (B 16 x T 24 with a key-padding mask, mean+max pooling, AdamW)
//   and the inference forward (B 64 x T 24), tsgrad and then tfjs-wasm (lib/tfjs-classifier.mjs)
//   from the same weights, whose logits must agree;
// each with tokens/s, GFLOP/s (6 x parameters x tokens + attention for training, 2 x for the
// forward) and its share of the 2-thread 1024^3 GEMM rate measured in this same run.
// `--kernels` adds, after the timed runs, each tsgrad step's per-kernel breakdown (lib/kernel-times.mjs).

import { mdTable, textTable } from '../lib/harness.mjs';
import { kernelTable, kernelTimer } from '../lib/kernel-times.mjs';
import { tfjsClassifier } from '../lib/tfjs-classifier.mjs';
import { REFERENCE, createTrainer, fixedBatch, referenceWeights } from '../lib/train-models.mjs';
import { run as trainStep } from './train-step.mjs';

const core = await import('../../packages/core/dist/index.js');
const nn = await import('../../packages/nn/dist/index.js');
const train = await import('../../packages/train/dist/index.js');

const PRESETS = {
  small: { batch: 32, seq: 64, vocab: 4096, nLayer: 4, nEmbd: 128, nHead: 4, dimFeedforward: 512 },
  base: { batch: 32, seq: 128, vocab: 8192, nLayer: 6, nEmbd: 256, nHead: 8, dimFeedforward: 1024 },
};
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

/** GFLOP/s of the default (threaded) 1024^3 float32 matmul: the machine's reference rate here. */
function gemmRate(reps = 7) {
  const a = core.randn([1024, 1024]);
  const b = core.randn([1024, 1024]);
  a.matmul(b);
  const ts = Array.from({ length: reps }, () => {
    const t0 = performance.now();
    a.matmul(b);
    return performance.now() - t0;
  });
  return (2 * 1024 ** 3) / median(ts) / 1e6;
}

/** Matrix-product FLOPs of one forward over `tokens` tokens in `rows` sequences of `T` (params x 2 + attention). */
function forwardFlops(cfg, tokens, T, headless = false) {
  const { nLayer: L, nEmbd: C, dimFeedforward: F, vocab: V } = cfg;
  const perToken = L * (4 * C * C + 2 * C * F) + (headless ? 0 : C * V);
  return 2 * tokens * perToken + L * 2 * 2 * tokens * T * C;
}

/** Times `step` (median ms over `n` after `warm`). */
function timeSteps(step, n, warm = 2) {
  for (let i = 0; i < warm; i++) step();
  return median(Array.from({ length: n }, () => {
    const t0 = performance.now();
    step();
    return performance.now() - t0;
  }));
}

/** The fine-tuning step and the inference forward of the recipe classifier, on random token batches; with `timer`, their kernel breakdowns too. */
async function classifierSteps(cfg, n, timer) {
  core.manualSeed(0);
  const shape = { nLayer: cfg.nLayer, nHead: cfg.nHead, nEmbd: cfg.nEmbd, blockSize: cfg.seq, dropout: 0.1, dimFeedforward: cfg.dimFeedforward };
  const model = train.classifierFor({ objective: 'clm', vocabSize: cfg.vocab, padId: 0, shape }, 2, { pooling: 'mean+max' });
  const opt = new train.AdamW(model.namedParameters(), { lr: 1e-4 });
  const batch = (B, T) => {
    const lens = Array.from({ length: B }, (_, i) => 8 + ((i * 7) % (T - 7)));
    const ids = core.tensor(lens.flatMap((l, i) => Array.from({ length: T }, (_, t) => (t < l ? 6 + ((i * 31 + t * 17) % (cfg.vocab - 6)) : 0))), { shape: [B, T], dtype: 'int32' });
    const pad = core.tensor(lens.flatMap((l) => Array.from({ length: T }, (_, t) => t >= l)), { shape: [B, T], dtype: 'bool' });
    return { ids, pad, labels: core.tensor(lens.map((l) => l % 2), { dtype: 'int32' }) };
  };
  const ft = batch(16, 24);
  const inf = batch(64, 24);
  // tfjs-wasm: the same classifier from the same weights, checked on the inference batch's logits
  const arrays = (b, B, T) => ({ ids: Int32Array.from(b.ids.dataSync()), pad: Int32Array.from(b.pad.dataSync()), labels: Int32Array.from(b.labels.dataSync()), B, T });
  const [ftA, infA] = [arrays(ft, 16, 24), arrays(inf, 64, 24)];
  const tfc = await tfjsClassifier(Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, { data: Float32Array.from(t.dataSync()), shape: t.shape }])), cfg);
  model.eval();
  const want = core.noGrad(() => model.forward(inf.ids, { keyPaddingMask: inf.pad }).dataSync());
  const got = tfc.logits(infA);
  const logitDiff = Math.max(...Array.from(want, (v, i) => Math.abs(v - got[i])));
  if (!(logitDiff < 1e-3) || tfc.params !== model.numParameters()) throw new Error(`tfjs-wasm classifier differs from tsgrad's: logits ${logitDiff}, params ${tfc.params} vs ${model.numParameters()}`);
  model.train();
  // the step as the recipe's train() runs it: one stepScope with CPU memory reuse on
  const reuseWas = core.setCpuMemoryReuse(true);
  const ftStep = () => {
    core.scope(() => {
      core.crossEntropy(model.forward(ft.ids, { keyPaddingMask: ft.pad }), ft.labels).backward();
      train.clipGradNorm_(model.parameters(), 1);
      opt.step();
      for (const p of model.parameters()) p.grad = null;
    });
  };
  const ftMs = timeSteps(ftStep, n);
  const ftKernels = timer?.measure(ftStep, 10);
  core.setCpuMemoryReuse(reuseWas);
  model.eval();
  // inference as the recipe's predict() runs it: a scope per batch, CPU memory reuse on
  const infReuse = core.setCpuMemoryReuse(true);
  const infStep = () => core.noGrad(() => core.scope(() => model.forward(inf.ids, { keyPaddingMask: inf.pad }).argmax(-1).dataSync()));
  const infMs = timeSteps(infStep, n);
  const infKernels = timer?.measure(infStep, 10);
  core.setCpuMemoryReuse(infReuse);
  const nTf = Math.max(2, Math.ceil(n / 5));
  const ftTfMs = timeSteps(() => tfc.step(ftA), nTf, 1);
  const infTfMs = timeSteps(() => tfc.predict(infA), nTf, 1);
  return [
    { workload: 'fine-tuning step (B 16 x T 24, AdamW)', tokens: 16 * 24, ms: ftMs, flops: 3 * forwardFlops(cfg, 16 * 24, 24, true), kernels: ftKernels },
    { workload: 'inference forward (B 64 x T 24)', tokens: 64 * 24, ms: infMs, flops: forwardFlops(cfg, 64 * 24, 24, true), kernels: infKernels },
    { workload: 'fine-tuning step (B 16 x T 24, AdamW), tfjs-wasm', tokens: 16 * 24, ms: ftTfMs, flops: 3 * forwardFlops(cfg, 16 * 24, 24, true), peerOf: 'fine-tuning' },
    { workload: 'inference forward (B 64 x T 24), tfjs-wasm', tokens: 64 * 24, ms: infTfMs, flops: forwardFlops(cfg, 64 * 24, 24, true), peerOf: 'inference', logitDiff },
  ];
}

/**
 * Runs the suite; prints its tables and returns the report section.
 * @returns {Promise<{ markdown: string, targets: string[] }>}
 */
/** The tsgrad pretraining step's kernel breakdown (the suite's model, weights and batch, memory reuse on as train() runs it). */
async function pretrainingKernels(cfg, timer) {
  const c = { ...REFERENCE, ...cfg };
  const impl = await createTrainer('tsgrad', c, await referenceWeights(c));
  const { xs, ys } = fixedBatch(c);
  for (let i = 0; i < 2; i++) impl.step(xs, ys);
  return timer.measure(() => impl.step(xs, ys), 5);
}

export async function run({ quick = false, args = {} } = {}) {
  const presets = typeof args.presets === 'string' ? args.presets.split(',') : quick ? ['small'] : ['small', 'base'];
  const timer = args.kernels ? kernelTimer(core) : null;
  const sections = [];
  const targets = [];
  for (const name of presets) {
    const cfg = PRESETS[name];
    const gemmBefore = gemmRate();
    const pre = await trainStep({ quick, args: { impls: 'tsgrad,tfjs-wasm', rounds: quick ? 2 : 3, ...args }, config: cfg, title: `Recipe preset '${name}', pretraining step` });
    const rows = [];
    for (const s of pre.state) rows.push({ workload: `pretraining step (B ${cfg.batch} x T ${cfg.seq}), ${s.kind}`, tokens: cfg.batch * cfg.seq, ms: s.stepMs, flops: pre.flops, kind: s.kind });
    rows.push(...(await classifierSteps(cfg, quick ? 5 : 15, timer)));
    const gemm = (gemmBefore + gemmRate()) / 2;
    if (timer) rows.find((r) => r.kind === 'tsgrad').kernels = await pretrainingKernels(cfg, timer);
    const header = ['workload', 'ms (median)', 'tokens/s', 'GFLOP/s', `share of the 1024^3 GEMM (${gemm.toFixed(1)} GFLOP/s)`];
    const table = rows.map((r) => [r.workload, r.ms.toFixed(1), ((r.tokens * 1000) / r.ms).toFixed(0), (r.flops / r.ms / 1e6).toFixed(1), `${((100 * r.flops) / r.ms / 1e6 / gemm).toFixed(0)}%`]);
    console.log(`\nrecipe preset '${name}':\n${textTable(header, table)}`);
    const ts = rows.find((r) => r.kind === 'tsgrad');
    const tf = rows.find((r) => r.kind === 'tfjs-wasm');
    if (ts && tf) targets.push(`- '${name}' pretraining step: tsgrad ${(tf.ms / ts.ms).toFixed(2)}x tfjs-wasm's tokens/s (target >= 3x), ${((100 * ts.flops) / ts.ms / 1e6 / gemm).toFixed(0)}% of the GEMM rate (target >= 50%)`);
    for (const peer of rows.filter((r) => r.peerOf)) {
      const own = rows.find((r) => r.workload.startsWith(peer.peerOf) && !r.peerOf);
      targets.push(`- '${name}' ${own.workload}: tsgrad ${(peer.ms / own.ms).toFixed(2)}x tfjs-wasm's tokens/s (target >= 3x), ${((100 * own.flops) / own.ms / 1e6 / gemm).toFixed(0)}% of the GEMM rate (target >= 50%)` +
        (peer.logitDiff !== undefined ? `; tfjs-wasm's logits from the same weights within ${peer.logitDiff.toExponential(1)} of tsgrad's` : ''));
    }
    const breakdowns = rows.filter((r) => r.kernels).map((r) => `Per-kernel breakdown (\`--kernels\`, after the timed runs), ${r.workload}: ${kernelTable(r.kernels)}`);
    for (const b of breakdowns) console.log(`\n${b}`);
    sections.push([`### Preset '${name}'`, mdTable(header, table), pre.markdown, ...breakdowns].join('\n\n'));
  }
  console.log(`\n${targets.join('\n')}`);
  const markdown = `The recipe workloads (the main job's fine-tuning and inference, and pretraining), in one process; the GEMM rate is the median of the default threaded 1024^3 float32 matmul, measured before and after each preset and averaged. FLOPs count matrix products only: 2 x parameters x tokens (+ attention) for a forward, 3 x that for a training step; the classifier steps exclude the unused LM head.\n\n${sections.join('\n\n')}\n\n${targets.join('\n')}`;
  return { markdown, targets };
}
