// End-to-end training-step benchmark: GPT (2 layers, d 128, 4 heads, ff 512, seq 64, vocab 256)
// with AdamW on random tokens; reports tokens/s, a per-phase breakdown, GC time and peak RSS.
// Run: npx tsc -b && node bench/train-step.mjs [--steps=20] [--warmup=3] [--batch=16] [--seq=64] [--json]
//      [--kernels[=N]] (time per CPU kernel) [--unfused] (composites instead of fused kernels)
//      [--impl=tfjs-wasm] (the same model in TensorFlow.js, wasm backend; needs bench's npm install)

import { PerformanceObserver, performance } from 'node:perf_hooks';

const core = await import('../packages/core/dist/index.js');
const nn = await import('../packages/nn/dist/index.js');
const train = await import('../packages/train/dist/index.js');

const args = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k, v ?? 'true'];
}));
const STEPS = Number(args.steps ?? 20);
const WARMUP = Number(args.warmup ?? 3);
const B = Number(args.batch ?? 16);
const T = Number(args.seq ?? 64);
const VOCAB = 256;

// GC pauses (PerformanceObserver 'gc' entries), attributed afterwards to the phase they started in
const gcEntries = [];
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcEntries.push({ start: e.startTime, duration: e.duration });
});
obs.observe({ entryTypes: ['gc'] });
const intervals = []; // [start, end, phase] of every recorded phase

// --kernels: time every CPU kernel call, by primitive and input shapes (adds a little overhead)
const kernelTimes = new Map();
if (args.kernels) {
  const inner = core.cpuBackend.kernel.bind(core.cpuBackend);
  core.cpuBackend.kernel = (op) => {
    const k = inner(op);
    if (!k) return k;
    return (inputs, out, attrs) => {
      const t0 = performance.now();
      const r = k(inputs, out, attrs);
      const key = `${op.name} ${inputs.map((x) => `[${x.shape.join(',')}]${x.dtype === 'float32' ? '' : x.dtype}`).join(' ')}`;
      const e = kernelTimes.get(key) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      kernelTimes.set(key, e);
      return r;
    };
  };
}

const gen = new core.Generator(42);
const IMPL = args.impl ?? 'tsgrad';
const impl = IMPL === 'tfjs-wasm' ? await tfjsWasm() : tsgrad();
const phases = impl.phases;
const times = Object.fromEntries(phases.map((p) => [p, []]));
const stepMs = [];
const losses = [];

// tsgrad: @tsgrad/nn's GPT and @tsgrad/train's AdamW. --unfused runs the composites instead of
// the fused CPU kernels and the composite Adam update (an A/B of the fused paths in one tree).
function tsgrad() {
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
  core.manualSeed(1234);
  const model = new nn.GPT({ vocabSize: VOCAB, blockSize: T, nLayer: 2, nHead: 4, nEmbd: 128, dimFeedforward: 512 });
  model.train();
  const opt = new train.AdamW(model.namedParameters(), { lr: 3e-4, weightDecay: 0.01 });
  return {
    phases: ['forward', 'loss', 'backward', 'optimizer'],
    step(xs, ys) {
      const x = core.fromArray(xs, [B, T]);
      const y = core.fromArray(ys, [B * T]);
      const t0 = performance.now();
      const logits = model.forward(x); // (B, T, V)
      const t1 = performance.now();
      const loss = core.crossEntropy(logits.reshape([B * T, VOCAB]), y);
      const t2 = performance.now();
      loss.backward();
      const t3 = performance.now();
      opt.step();
      opt.zeroGrad();
      const t4 = performance.now();
      return { loss: loss.item(), marks: [t0, t1, t2, t3, t4] };
    },
  };
}

// The same model in TensorFlow.js on its wasm backend (1 thread, as in bench/lib/peers.mjs):
// pre-norm blocks, causal additive mask, exact GELU, tied head, AdamW as Adam plus decoupled decay.
// NOTE: embeddings are one-hot matmuls, since tfjs-wasm has no gradient kernel for gather.
async function tfjsWasm() {
  // NOTE: tfjs-core's Node bundle registers no gradients; its ESM build does, but imports its files
  // without extensions, so a resolve hook adds '.js' (gradients land in tfjs's global registry)
  const { register } = await import('node:module');
  register('data:text/javascript,' + encodeURIComponent(
    'export async function resolve(s, c, next) { try { return await next(s, c); } catch (e) { if (!s.startsWith(".")) throw e; ' +
    'if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "ERR_UNSUPPORTED_DIR_IMPORT") throw e; ' +
    'try { return await next(s + ".js", c); } catch { return next(s + "/index.js", c); } } }'));
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const tfWasm = await import('@tensorflow/tfjs-backend-wasm');
  tfWasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const [C, H, F, V] = [128, 4, 512, VOCAB];
  const D = C / H;
  let seed = 1;
  const normal = (shape, std) => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed++));
  const fill = (shape, v) => tf.variable(tf.fill(shape, v));
  const layer = () => ({
    g1: fill([C], 1), b1: fill([C], 0), wqkv: normal([3 * C, C], 0.02), bqkv: fill([3 * C], 0), wo: normal([C, C], 0.02), bo: fill([C], 0),
    g2: fill([C], 1), b2: fill([C], 0), w1: normal([F, C], 0.02), bf1: fill([F], 0), w2: normal([C, F], 0.02), bf2: fill([C], 0),
  });
  const P = { wte: normal([V, C], 0.02), wpe: normal([T, C], 0.02), layers: [layer(), layer()], gf: fill([C], 1), bf: fill([C], 0) };
  const vars = [P.wte, P.wpe, P.gf, P.bf, ...P.layers.flatMap((l) => Object.values(l))];
  const { add, mul, sub, matMul, reshape, transpose } = tf;
  const mask = tf.tidy(() => mul(sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9)); // 0 on and below the diagonal
  const ln = (x, g, b) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return add(mul(mul(sub(x, mean), tf.rsqrt(add(variance, 1e-5))), g), b);
  };
  const linear = (x2, w, b) => add(matMul(x2, w, false, true), b);
  const gelu = (x) => mul(mul(x, 0.5), add(tf.erf(mul(x, Math.SQRT1_2)), 1));
  const lossOf = (xs, ys) => {
    let x = add(reshape(matMul(tf.cast(tf.oneHot(xs, V), 'float32'), P.wte), [B, T, C]), P.wpe); // (B, T, C)
    for (const l of P.layers) {
      const h = reshape(ln(x, l.g1, l.b1), [B * T, C]);
      const [q, k, v] = tf.unstack(transpose(reshape(linear(h, l.wqkv, l.bqkv), [B, T, 3, H, D]), [2, 0, 3, 1, 4])); // 3 x (B, H, T, D)
      const att = tf.softmax(add(mul(matMul(q, k, false, true), 1 / Math.sqrt(D)), mask));
      const y = reshape(transpose(matMul(att, v), [0, 2, 1, 3]), [B * T, C]);
      x = add(x, reshape(linear(y, l.wo, l.bo), [B, T, C]));
      const f = gelu(linear(reshape(ln(x, l.g2, l.b2), [B * T, C]), l.w1, l.bf1));
      x = add(x, reshape(linear(f, l.w2, l.bf2), [B, T, C]));
    }
    const logits = matMul(reshape(ln(x, P.gf, P.bf), [B * T, C]), P.wte, false, true); // (B T, V)
    return tf.losses.softmaxCrossEntropy(tf.oneHot(ys, V), logits);
  };
  const opt = tf.train.adam(3e-4, 0.9, 0.999, 1e-8);
  return {
    phases: ['forward+loss+backward', 'optimizer'],
    step(xs, ys) {
      const xt = tf.tensor1d(xs, 'int32');
      const yt = tf.tensor1d(ys, 'int32');
      const t0 = performance.now();
      const { value, grads } = tf.variableGrads(() => lossOf(xt, yt), vars);
      const t1 = performance.now();
      tf.tidy(() => vars.forEach((p) => p.assign(mul(p, 1 - 3e-4 * 0.01)))); // AdamW's decoupled decay
      opt.applyGradients(grads);
      const t2 = performance.now();
      const loss = value.dataSync()[0];
      tf.dispose([value, xt, yt, ...Object.values(grads)]);
      return { loss, marks: [t0, t1, t2] };
    },
  };
}

function step(record) {
  const xs = core.randint(0, VOCAB, [B * T], { generator: gen }).dataSync();
  const ys = core.randint(0, VOCAB, [B * T], { generator: gen }).dataSync();
  const { loss, marks } = impl.step(xs, ys);
  losses.push(loss);
  if (!record) return;
  phases.forEach((p, i) => {
    intervals.push([marks[i], marks[i + 1], p]);
    times[p].push(marks[i + 1] - marks[i]);
  });
  stepMs.push(marks[marks.length - 1] - marks[0]);
}

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (let i = 0; i < WARMUP; i++) step(false);
const wall0 = performance.now();
for (let i = 0; i < STEPS; i++) step(true);
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

const tokens = B * T;
const tps = stepMs.map((ms) => (tokens * 1000) / ms);
const result = {
  impl: IMPL + (args.unfused ? ' (unfused)' : ''),
  config: { batch: B, seq: T, vocab: VOCAB, nLayer: 2, nHead: 4, nEmbd: 128, dimFeedforward: 512, steps: STEPS, warmup: WARMUP },
  node: process.version,
  tokensPerSec: { median: median(tps), min: Math.min(...tps), max: Math.max(...tps) },
  stepMs: { median: median(stepMs), min: Math.min(...stepMs), max: Math.max(...stepMs) },
  breakdownMs: Object.fromEntries(phases.map((p) => [p, median(times[p])])),
  gc: { totalMs: gcTotal, perStepMs: gcTotal / STEPS, count: gcCount, shareOfWall: gcTotal / wall, byPhaseMs: gcByPhase },
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  firstLoss: losses[0],
  lastLoss: losses[losses.length - 1],
};

if (args.kernels) {
  const rows = [...kernelTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(args.kernels) || 30);
  const total = [...kernelTimes.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`kernel time per step (all ${(total / (STEPS + WARMUP)).toFixed(1)} ms; warm-up included):`);
  for (const [k, e] of rows) console.log(`${(e.ms / (STEPS + WARMUP)).toFixed(2).padStart(8)} ms  ${String(e.calls / (STEPS + WARMUP)).padStart(4)}x  ${k}`);
}
if (args.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const f = (v, d = 1) => v.toFixed(d);
  console.log(`${result.impl}: GPT train step (B ${B}, T ${T}, d 128, 2 layers, 4 heads, ff 512, vocab ${VOCAB}; AdamW), node ${process.version}`);
  console.log(`tokens/s   median ${f(result.tokensPerSec.median, 0)}  (min ${f(result.tokensPerSec.min, 0)}, max ${f(result.tokensPerSec.max, 0)}) over ${STEPS} steps after ${WARMUP} warm-up`);
  console.log(`step ms    median ${f(result.stepMs.median)}: ${phases.map((p) => `${p} ${f(result.breakdownMs[p])}`).join(', ')}`);
  console.log(`GC         ${f(gcTotal)} ms in ${gcCount} pauses (${f(result.gc.perStepMs)} ms/step, ${f(100 * result.gc.shareOfWall)}% of wall; ${phases.map((p) => `${p} ${f(gcByPhase[p])}`).join(', ')})`);
  console.log(`peak RSS   ${f(result.peakRssMiB)} MiB`);
  console.log(`loss       ${result.firstLoss.toFixed(6)} -> ${result.lastLoss.toFixed(6)}`);
}
