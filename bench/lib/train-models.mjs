// The reference model of the training-step benchmark, implemented once per framework: a GPT
// (pre-norm blocks, learned positions, causal self-attention, GELU feed-forward, final LayerNorm,
// LM head tied to the token embedding) trained with AdamW on a fixed batch of bytes.
//
// Every implementation starts from the SAME weights (tsgrad's seeded GPT-2 initialisation, copied
// by PyTorch key) and sees the SAME batch, so their losses must agree at step 1 and fall alike:
// that is the check that nobody is faster by doing less work. Used by suites/train-step.mjs (all
// implementations interleaved in one process) and by train-step.mjs (one implementation alone, with
// a per-phase breakdown and the process's peak RSS).
//
// Implementations (`createTrainer(kind, ...)`):
// - 'tsgrad'      @tsgrad/nn GPT + @tsgrad/train AdamW, CPU backend with its defaults (wasm SIMD
//                 GEMM, helper threads for large products: 2 threads on this machine)
// - 'tsgrad-1t'   the same with matmul helpers off (every kernel on the calling thread)
// - 'tfjs-wasm'   TensorFlow.js 4.22, wasm backend (SIMD/XNNPACK, 1 thread: the threaded build
//                 does not initialise in Node); embeddings as one-hot matmuls (no gather gradient)
// - 'tfjs-cpu'    TensorFlow.js 4.22, cpu backend (plain JS kernels); embeddings by gather
// - 'js-pytorch'  js-pytorch 0.7.2 (nested JS arrays, float64 numbers) with its Tensor ops; see
//                 the notes at jsPytorchTrainer for where it differs and why

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** tsgrad's packages, imported on first use (a peer's RSS child process never loads them). */
const tsgrad = async () => ({
  core: await import('../../packages/core/dist/index.js'),
  nn: await import('../../packages/nn/dist/index.js'),
  train: await import('../../packages/train/dist/index.js'),
  cpuMatmul: await import('../../packages/core/dist/backends/cpu/matmul.js'),
});

/** The reference configuration (the "training step" target). */
export const REFERENCE = Object.freeze({
  batch: 16, seq: 64, vocab: 256, nLayer: 2, nHead: 4, nEmbd: 128, dimFeedforward: 512,
  lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, layerNormEps: 1e-5, seed: 1234,
});

/** Every implementation this module knows, in the order the reports list them. */
export const KINDS = ['tsgrad', 'tsgrad-1t', 'tfjs-wasm', 'tfjs-cpu', 'js-pytorch'];

/** Display names. */
export const LABELS = {
  'tsgrad': 'tsgrad (default: 2 threads)',
  'tsgrad-1t': 'tsgrad (1 thread)',
  'tfjs-wasm': 'tfjs-wasm (SIMD, 1 thread)',
  'tfjs-cpu': 'tfjs-cpu',
  'js-pytorch': 'js-pytorch',
};

/** The config with `batch` / `seq` overridden from command-line style args. */
export function configFrom(args = {}) {
  const num = (k) => Number(args[k] ?? REFERENCE[k]);
  return { ...REFERENCE, batch: num('batch'), seq: num('seq'), vocab: num('vocab'), nLayer: num('nLayer'), nEmbd: num('nEmbd'), nHead: num('nHead'), dimFeedforward: num('dimFeedforward') };
}

/**
 * The shared initial weights: tsgrad's GPT built under `manualSeed(cfg.seed)` (N(0, 0.02), residual
 * projections scaled by 1/sqrt(2 nLayer), zero biases, unit norms), by PyTorch key.
 * @returns {{ [key: string]: { shape: number[], data: Float32Array } }}
 */
export async function referenceWeights(cfg) {
  const { core, nn } = await tsgrad();
  core.manualSeed(cfg.seed);
  const model = new nn.GPT(gptConfig(cfg));
  const sd = model.stateDict();
  return Object.fromEntries(Object.entries(sd).map(([k, t]) => [k, { shape: [...t.shape], data: Float32Array.from(t.dataSync()) }]));
}

/** Writes `weights` to one file: a JSON header line (key, shape, length), then the float32 data. */
export function saveWeights(path, weights) {
  const keys = Object.keys(weights);
  const header = Buffer.from(`${JSON.stringify(keys.map((k) => [k, weights[k].shape, weights[k].data.length]))}\n`);
  writeFileSync(path, Buffer.concat([header, ...keys.map((k) => Buffer.from(weights[k].data.buffer, weights[k].data.byteOffset, weights[k].data.byteLength))]));
}

/** Reads a file written by saveWeights. */
export function loadWeights(path) {
  const buf = readFileSync(path);
  const nl = buf.indexOf(10);
  let at = nl + 1;
  const out = {};
  for (const [k, shape, n] of JSON.parse(buf.subarray(0, nl).toString())) {
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(buf.subarray(at, at + 4 * n));
    at += 4 * n;
    out[k] = { shape, data };
  }
  return out;
}

/** Number of distinct parameters in `weights` (the tied head counted once, as in PyTorch). */
export function countWeights(weights) {
  return Object.values(weights).reduce((n, w) => n + w.data.length, 0);
}

const gptConfig = (cfg) => ({ vocabSize: cfg.vocab, blockSize: cfg.seq, nLayer: cfg.nLayer, nHead: cfg.nHead, nEmbd: cfg.nEmbd, dimFeedforward: cfg.dimFeedforward, layerNormEps: cfg.layerNormEps });

/**
 * The fixed batch every step trains on: bytes of the repository's LICENSE (English text, 1,075
 * bytes, wrapping around when a larger batch needs more), x = bytes[i], y = bytes[i + 1] per
 * sequence. One fixed batch makes the loss fall within a few steps, in every implementation alike.
 */
export function fixedBatch(cfg) {
  const text = readFileSync(join(root, 'LICENSE'));
  const n = cfg.batch * cfg.seq;
  const xs = new Int32Array(n);
  const ys = new Int32Array(n);
  for (let b = 0; b < cfg.batch; b++) {
    for (let t = 0; t < cfg.seq; t++) {
      const i = b * cfg.seq + t;
      xs[i] = text[i % text.length] % cfg.vocab;
      ys[i] = text[(i + 1) % text.length] % cfg.vocab;
    }
  }
  return { xs, ys };
}

/**
 * @typedef {object} Trainer
 * @property {string} kind
 * @property {number} params  number of trainable parameters (tied weights counted once)
 * @property {string[]} phases  names of the intervals between `marks`
 * @property {(xs: Int32Array, ys: Int32Array) => { loss: number, marks: number[] }} step
 *   one full training step (inputs in, forward, loss, backward, AdamW update, loss read back)
 * @property {() => (void | Promise<void>)} [before]  untimed, before each step (backend switch)
 * @property {() => void} [after]  untimed, after each step (restore global settings)
 */

/**
 * Builds one implementation, initialised with `weights`.
 * @param {string} kind  one of KINDS
 * @returns {Promise<Trainer>}
 */
export async function createTrainer(kind, cfg, weights) {
  if (kind === 'tsgrad' || kind === 'tsgrad-1t') return tsgradTrainer(kind, cfg, weights);
  if (kind === 'tfjs-wasm' || kind === 'tfjs-cpu') return tfjsTrainer(kind, cfg, weights);
  if (kind === 'js-pytorch') return jsPytorchTrainer(cfg, weights);
  throw new Error(`unknown implementation '${kind}' (known: ${KINDS.join(', ')})`);
}

// ---------------------------------------------------------------------------------------------
// tsgrad: @tsgrad/nn's GPT and @tsgrad/train's AdamW (weight decay on every parameter, like the
// peers below). 'tsgrad-1t' sets the matmul dispatch to one thread around its steps.

async function tsgradTrainer(kind, cfg, weights) {
  const { core, nn, train, cpuMatmul } = await tsgrad();
  const model = new nn.GPT(gptConfig(cfg));
  const report = model.loadStateDict(Object.fromEntries(Object.entries(weights).map(([k, w]) => [k, core.tensor(w.data, { shape: w.shape, dtype: 'float32' })])));
  if (report && (report.missingKeys?.length || report.unexpectedKeys?.length)) throw new Error(`tsgrad loadStateDict: ${JSON.stringify(report)}`);
  model.train();
  const opt = new train.AdamW(model.namedParameters(), { lr: cfg.lr, betas: cfg.betas, eps: cfg.eps, weightDecay: cfg.weightDecay });
  const { batch: B, seq: T } = cfg;
  let saved = null;
  return {
    kind,
    params: model.numParameters(),
    phases: ['forward + loss', 'backward', 'optimizer'],
    before: kind === 'tsgrad-1t' ? () => void (saved = cpuMatmul.setMatmulOptions({ maxThreads: 1 })) : undefined,
    after: kind === 'tsgrad-1t' ? () => void cpuMatmul.setMatmulOptions(saved) : undefined,
    step(xs, ys) {
      // as the recipe's train() runs a step: one scope, with CPU memory reuse on (each step's
      // arrays serve the next), the tied head and cross-entropy fused (causalLmLoss: GPT.loss)
      core.setCpuMemoryReuse(true);
      return core.scope(() => {
        const t0 = performance.now();
        const x = core.fromArray(xs, [B, T]);
        const y = core.fromArray(ys, [B, T]);
        const loss = model.loss(x, y);
        const t1 = performance.now();
        loss.backward();
        const t2 = performance.now();
        opt.step();
        for (const p of model.parameters()) p.grad = null;
        const value = loss.item();
        return { loss: value, marks: [t0, t1, t2, performance.now()] };
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js: the same model written with tfjs ops (pre-norm blocks, causal additive mask,
// exact GELU via erf, tied head, AdamW as tf.train.adam (bias-corrected) plus decoupled decay).

let tfjsModule = null;

/**
 * tfjs-core with its gradients registered. NOTE: tfjs-core's Node bundle registers no gradients;
 * its ESM build does, but imports its files without extensions, so a resolve hook adds '.js'
 * (the gradients land in tfjs's global registry, which the Node bundle's engine reads).
 */
export async function tfjsWithGradients() {
  if (tfjsModule) return tfjsModule;
  const { register } = await import('node:module');
  register('data:text/javascript,' + encodeURIComponent(
    'export async function resolve(s, c, next) { try { return await next(s, c); } catch (e) { if (!s.startsWith(".")) throw e; ' +
    'if (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "ERR_UNSUPPORTED_DIR_IMPORT") throw e; ' +
    'try { return await next(s + ".js", c); } catch { return next(s + "/index.js", c); } } }'));
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfWasm = await import('@tensorflow/tfjs-backend-wasm');
  tfWasm.setThreadsCount(1); // NOTE: the threaded wasm build does not initialise in Node
  tfjsModule = tf;
  return tf;
}

/**
 * The GPT body in tfjs ops from tsgrad's weights (PyTorch keys): variables for the embeddings, the
 * blocks and the final LayerNorm (`P`, all of them in `vars`), LayerNorm and PyTorch-layout linear
 * helpers, and `blocks(x, mask, drop)`: the pre-norm blocks (exact GELU) over x (B, T, C) with an
 * additive attention mask, `drop` applied where tsgrad's layers have dropout.
 */
export function tfjsGptBody(tf, weights, cfg) {
  const { nEmbd: C, nHead: H, layerNormEps = 1e-5 } = cfg;
  const D = C / H;
  const w = (key) => tf.variable(tf.tensor(weights[key].data, weights[key].shape, 'float32'));
  const layer = (i) => {
    const p = `transformer.h.${i}.`;
    return {
      g1: w(`${p}norm1.weight`), b1: w(`${p}norm1.bias`), wqkv: w(`${p}self_attn.in_proj_weight`), bqkv: w(`${p}self_attn.in_proj_bias`),
      wo: w(`${p}self_attn.out_proj.weight`), bo: w(`${p}self_attn.out_proj.bias`), g2: w(`${p}norm2.weight`), b2: w(`${p}norm2.bias`),
      w1: w(`${p}linear1.weight`), bf1: w(`${p}linear1.bias`), w2: w(`${p}linear2.weight`), bf2: w(`${p}linear2.bias`),
    };
  };
  const P = { wte: w('transformer.wte.weight'), wpe: w('transformer.wpe.weight'), layers: Array.from({ length: cfg.nLayer }, (_, i) => layer(i)), gf: w('transformer.ln_f.weight'), bf: w('transformer.ln_f.bias') };
  const vars = [P.wte, P.wpe, P.gf, P.bf, ...P.layers.flatMap((l) => Object.values(l))];
  const { add, mul, sub, matMul, reshape, transpose } = tf;
  const ln = (x, g, b) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return add(mul(mul(sub(x, mean), tf.rsqrt(add(variance, layerNormEps))), g), b);
  };
  const linear = (x2, wt, b) => add(matMul(x2, wt, false, true), b); // PyTorch layout: W (out, in)
  const gelu = (x) => mul(mul(x, 0.5), add(tf.erf(mul(x, Math.SQRT1_2)), 1));
  const blocks = (x, mask, drop) => {
    const [B, T] = x.shape;
    for (const l of P.layers) {
      const h = reshape(ln(x, l.g1, l.b1), [B * T, C]);
      const [q, k, v] = tf.unstack(transpose(reshape(linear(h, l.wqkv, l.bqkv), [B, T, 3, H, D]), [2, 0, 3, 1, 4])); // 3 x (B, H, T, D)
      const att = drop(tf.softmax(add(mul(matMul(q, k, false, true), 1 / Math.sqrt(D)), mask)));
      const y = reshape(transpose(matMul(att, v), [0, 2, 1, 3]), [B * T, C]);
      x = add(x, drop(reshape(linear(y, l.wo, l.bo), [B, T, C])));
      const f = drop(gelu(linear(reshape(ln(x, l.g2, l.b2), [B * T, C]), l.w1, l.bf1)));
      x = add(x, drop(reshape(linear(f, l.w2, l.bf2), [B, T, C])));
    }
    return x;
  };
  return { P, vars, ln, linear, blocks };
}

async function tfjsTrainer(kind, cfg, weights) {
  const tf = await tfjsWithGradients();
  const backend = kind === 'tfjs-wasm' ? 'wasm' : 'cpu';
  await tf.setBackend(backend);
  await tf.ready();
  // NOTE: tfjs-wasm has no kernel for the gather gradient (UnsortedSegmentSum): one-hot matmuls
  const oneHotEmbedding = backend === 'wasm';
  const { batch: B, seq: T, vocab: V, nEmbd: C } = cfg;
  const { P, vars, ln, blocks } = tfjsGptBody(tf, weights, cfg);
  const { add, mul, sub, matMul, reshape } = tf;
  const mask = tf.tidy(() => mul(sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9)); // 0 on and below the diagonal
  const lossOf = (xs, ys) => {
    const tok = oneHotEmbedding ? matMul(tf.oneHot(xs, V), P.wte) : tf.gather(P.wte, xs); // (B T, C)
    const x = blocks(add(reshape(tok, [B, T, C]), P.wpe), mask, (t) => t); // (B, T, C)
    const logits = matMul(reshape(ln(x, P.gf, P.bf), [B * T, C]), P.wte, false, true); // tied head: (B T, V)
    return tf.losses.softmaxCrossEntropy(tf.oneHot(ys, V), logits); // mean over the B T rows
  };
  const opt = tf.train.adam(cfg.lr, cfg.betas[0], cfg.betas[1], cfg.eps);
  const decay = 1 - cfg.lr * cfg.weightDecay;
  return {
    kind,
    params: vars.reduce((n, v) => n + v.size, 0),
    phases: ['forward+loss+backward', 'optimizer'],
    before: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
    step(xs, ys) {
      const t0 = performance.now();
      const xt = tf.tensor1d(xs, 'int32');
      const yt = tf.tensor1d(ys, 'int32');
      const { value, grads } = tf.variableGrads(() => lossOf(xt, yt), vars);
      const t1 = performance.now();
      tf.tidy(() => vars.forEach((p) => p.assign(mul(p, decay)))); // AdamW's decoupled decay, before the Adam update (as PyTorch)
      opt.applyGradients(grads);
      const loss = value.dataSync()[0];
      tf.dispose([value, xt, yt, ...Object.values(grads)]);
      return { loss, marks: [t0, t1, performance.now()] };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// js-pytorch 0.7.2, written with its Tensor ops (matmul, add, mul, div, exp, sum, at, reshape,
// transpose, masked_fill) and its CrossEntropyLoss. Its ready-made nn.Block is NOT used: it differs
// from the reference (feed-forward 2x instead of 4x with a "ReLU" that multiplies negatives by
// 1e-3, attention scaled by 1/head_dim^2, LayerNorm without eps) and its LayerNorm's gradient is
// wrong (Mean/Variance with keepdims back-propagate dz elementwise instead of summing it over the
// row). So, from its primitives:
// - LayerNorm from sum(-1, keepdims) (whose backward is right), with eps 1e-5;
// - GELU in its tanh form x * sigmoid(2 sqrt(2/pi) (x + 0.044715 x^3)): there is no erf (the
//   others use the exact erf GELU; the two differ by < 1e-3 absolute);
// - attention with separate Wq/Wk/Wv matrices (no slicing op to split a fused qkv projection;
//   the same parameters, the in_proj rows split in three), causal mask by masked_fill(-inf), softmax
//   as exp / sum(exp) (as its nn.Softmax; no max-subtraction);
// - AdamW written with its ops (its optim.Adam has no bias correction), decay on every parameter;
// - linear layers as x.matmul(W).add(b) with W stored (in, out), i.e. PyTorch's weight transposed.
// All of its arithmetic is in float64 (JS numbers in nested arrays); the others run float32.

async function jsPytorchTrainer(cfg, weights) {
  const { torch } = await import('js-pytorch');
  const { batch: B, seq: T, vocab: V, nEmbd: C, nHead: H, layerNormEps } = cfg;
  const D = C / H;
  const nested = (data, shape) => (shape.length === 1 ? Array.from(data)
    : Array.from({ length: shape[0] }, (_, i) => nested(data.subarray(i * (data.length / shape[0]), (i + 1) * (data.length / shape[0])), shape.slice(1))));
  const params = [];
  const param = (data, shape) => {
    const p = new torch.Parameter(nested(data, shape));
    params.push(p);
    return p;
  };
  /** PyTorch (out, in) weight rows [r0, r1) as a js-pytorch (in, out) matrix. */
  const weightT = (key, r0 = 0, r1 = weights[key].shape[0]) => {
    const { shape: [, inF], data } = weights[key];
    const out = new Float32Array((r1 - r0) * inF);
    for (let r = r0; r < r1; r++) for (let c = 0; c < inF; c++) out[c * (r1 - r0) + (r - r0)] = data[r * inF + c];
    return param(out, [inF, r1 - r0]);
  };
  const vec = (key, i0 = 0, i1 = weights[key].data.length) => param(weights[key].data.subarray(i0, i1), [i1 - i0]);
  const full = (key) => param(weights[key].data, weights[key].shape);
  const wte = full('transformer.wte.weight'); // (V, C)
  const wpe = full('transformer.wpe.weight'); // (T, C)
  const layers = Array.from({ length: cfg.nLayer }, (_, i) => {
    const p = `transformer.h.${i}.`;
    const qkv = `${p}self_attn.in_proj_weight`;
    const qkvB = `${p}self_attn.in_proj_bias`;
    return {
      g1: vec(`${p}norm1.weight`), b1: vec(`${p}norm1.bias`),
      wq: weightT(qkv, 0, C), bq: vec(qkvB, 0, C), wk: weightT(qkv, C, 2 * C), bk: vec(qkvB, C, 2 * C), wv: weightT(qkv, 2 * C, 3 * C), bv: vec(qkvB, 2 * C, 3 * C),
      wo: weightT(`${p}self_attn.out_proj.weight`), bo: vec(`${p}self_attn.out_proj.bias`),
      g2: vec(`${p}norm2.weight`), b2: vec(`${p}norm2.bias`),
      w1: weightT(`${p}linear1.weight`), bf1: vec(`${p}linear1.bias`), w2: weightT(`${p}linear2.weight`), bf2: vec(`${p}linear2.bias`),
    };
  });
  const gf = vec('transformer.ln_f.weight');
  const bf = vec('transformer.ln_f.bias');
  // causal mask (B, H, T, T): 1 on and below the diagonal (rows shared: it is only read)
  const tril = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (__, j) => (j <= i ? 1 : 0)));
  const mask = torch.tensor(Array.from({ length: B }, () => Array.from({ length: H }, () => tril)));
  const ln = (x, g, b) => {
    const xc = x.sub(x.sum(-1, true).div(C));
    const variance = xc.mul(xc).sum(-1, true).div(C);
    return xc.div(variance.add(layerNormEps).sqrt()).mul(g).add(b);
  };
  const linear = (x, wt, b) => x.matmul(wt).add(b);
  const k0 = -2 * Math.sqrt(2 / Math.PI);
  const gelu = (x) => x.mul(torch.div(1, x.mul(x).mul(x).mul(0.044715).add(x).mul(k0).exp().add(1)));
  const heads = (t) => t.reshape([B, T, H, D]).transpose(1, 2); // (B, H, T, D)
  const lossFn = new torch.nn.CrossEntropyLoss();
  const lossOf = (ids, targets) => {
    let x = wte.at(ids).reshape([B, T, C]).add(wpe); // (B, T, C)
    for (const l of layers) {
      const h = ln(x, l.g1, l.b1);
      const q = heads(linear(h, l.wq, l.bq));
      const k = heads(linear(h, l.wk, l.bk));
      const v = heads(linear(h, l.wv, l.bv));
      let att = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(D)); // (B, H, T, T)
      att = att.masked_fill(mask, (m) => m === 0, -Infinity).exp();
      att = att.div(att.sum(-1, true));
      const y = att.matmul(v).transpose(1, 2).reshape([B, T, C]);
      x = x.add(linear(y, l.wo, l.bo));
      x = x.add(linear(gelu(linear(ln(x, l.g2, l.b2), l.w1, l.bf1)), l.w2, l.bf2));
    }
    const logits = ln(x, gf, bf).matmul(wte.transpose(0, 1)); // tied head: (B, T, V)
    return lossFn.forward(logits, targets); // mean over the B T positions
  };
  // AdamW (bias-corrected, decoupled decay), on tensors that track no gradient
  const [b1, b2] = cfg.betas;
  const m = params.map((p) => torch.zeros(p.shape));
  const v = params.map((p) => torch.zeros(p.shape));
  let t = 0;
  const adamw = () => {
    t++;
    const stepSize = -cfg.lr / (1 - b1 ** t);
    const rsqrtBc2 = 1 / Math.sqrt(1 - b2 ** t);
    params.forEach((p, i) => {
      const g = new torch.Tensor(p._grad.data);
      m[i] = m[i].mul(b1).add(g.mul(1 - b1));
      v[i] = v[i].mul(b2).add(g.mul(g).mul(1 - b2));
      m[i].operation = null; // NOTE: drop the op (it caches its inputs: a chain over all steps)
      v[i].operation = null;
      const update = m[i].mul(stepSize).div(v[i].sqrt().mul(rsqrtBc2).add(cfg.eps));
      p._data = new torch.Tensor(p._data).mul(1 - cfg.lr * cfg.weightDecay).add(update)._data;
    });
  };
  const size = (shape) => shape.reduce((a, b) => a * b, 1);
  return {
    kind: 'js-pytorch',
    params: params.reduce((n, p) => n + size(p.shape), 0),
    phases: ['forward+loss', 'backward', 'optimizer'],
    step(xs, ys) {
      const t0 = performance.now();
      const loss = lossOf(Array.from(xs), torch.tensor(Array.from(ys)));
      const t1 = performance.now();
      loss.backward();
      const t2 = performance.now();
      adamw();
      for (const p of params) p.zero_grad();
      const d = loss.data;
      return { loss: typeof d === 'number' ? d : d[0], marks: [t0, t1, t2, performance.now()] };
    },
  };
}
