// The recipe classifier in TensorFlow.js ops, for the recipe suite's fine-tuning and inference
// comparisons: the GPT body (pre-norm blocks, causal attention plus the key-padding mask, exact
// GELU, final LayerNorm), mean+max pooling over the non-padding tokens and the linear head, from
// tsgrad's weights copied by PyTorch key. Training runs dropout where tsgrad's model has it
// (tf.dropout: the same work, other masks) and AdamW as tf.train.adam plus decoupled decay;
// tfjs-wasm has no kernel for gather's gradient, so training embeds tokens by a one-hot matmul.

import { tfjsWithGradients } from './train-models.mjs';

/**
 * @param {Record<string, { data: Float32Array, shape: number[] }>} weights  tsgrad's state dict, as arrays
 * @param {{ nLayer: number, nEmbd: number, nHead: number, vocab: number }} cfg
 * @param {{ lr?: number, weightDecay?: number, dropout?: number, eps?: number }} [opts]
 */
export async function tfjsClassifier(weights, cfg, opts = {}) {
  const { lr = 1e-4, weightDecay = 0.01, dropout = 0.1, eps = 1e-5 } = opts;
  const tf = await tfjsWithGradients();
  await tf.setBackend('wasm');
  await tf.ready();
  const { nEmbd: C, nHead: H, vocab: V } = cfg;
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
  const P = {
    wte: w('transformer.wte.weight'), wpe: w('transformer.wpe.weight'), layers: Array.from({ length: cfg.nLayer }, (_, i) => layer(i)),
    gf: w('transformer.ln_f.weight'), bf: w('transformer.ln_f.bias'), head: w('classifier.weight'), hb: w('classifier.bias'),
  };
  const vars = [P.wte, P.wpe, P.gf, P.bf, P.head, P.hb, ...P.layers.flatMap((l) => Object.values(l))];
  const { add, mul, sub, matMul, reshape, transpose } = tf;
  const ln = (x, g, b) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return add(mul(mul(sub(x, mean), tf.rsqrt(add(variance, eps))), g), b);
  };
  const linear = (x2, wt, b) => add(matMul(x2, wt, false, true), b); // PyTorch layout: W (out, in)
  const gelu = (x) => mul(mul(x, 0.5), add(tf.erf(mul(x, Math.SQRT1_2)), 1));

  /** Logits (B, 2) of ids (B, T) int32 with pad (B, T) 1 = padding. */
  const forward = (ids, pad, B, T, training) => {
    const drop = (x) => (training ? tf.dropout(x, dropout) : x);
    const tok = training ? matMul(tf.oneHot(reshape(ids, [B * T]), V), P.wte) : tf.gather(P.wte, reshape(ids, [B * T])); // (B T, C)
    let x = drop(add(reshape(tok, [B, T, C]), tf.slice(P.wpe, [0, 0], [T, C]))); // (B, T, C)
    const padF = tf.cast(pad, 'float32'); // (B, T)
    const causal = mul(sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9); // 0 on and below the diagonal
    const mask = add(causal, reshape(mul(padF, -1e9), [B, 1, 1, T])); // (B, 1, T, T)
    for (const l of P.layers) {
      const h = reshape(ln(x, l.g1, l.b1), [B * T, C]);
      const [q, k, v] = tf.unstack(transpose(reshape(linear(h, l.wqkv, l.bqkv), [B, T, 3, H, D]), [2, 0, 3, 1, 4])); // 3 x (B, H, T, D)
      const att = drop(tf.softmax(add(mul(matMul(q, k, false, true), 1 / Math.sqrt(D)), mask)));
      const y = reshape(transpose(matMul(att, v), [0, 2, 1, 3]), [B * T, C]);
      x = add(x, drop(reshape(linear(y, l.wo, l.bo), [B, T, C])));
      const f = drop(gelu(linear(reshape(ln(x, l.g2, l.b2), [B * T, C]), l.w1, l.bf1)));
      x = add(x, drop(reshape(linear(f, l.w2, l.bf2), [B, T, C])));
    }
    x = ln(x, P.gf, P.bf);
    const keep = reshape(sub(1, padF), [B, T, 1]);
    const mean = tf.div(tf.sum(mul(x, keep), 1), tf.sum(keep, 1)); // (B, C)
    const max = tf.max(tf.where(tf.cast(reshape(pad, [B, T, 1]), 'bool'), tf.fill([B, T, C], -Infinity), x), 1); // (B, C)
    return linear(drop(tf.concat([mean, max], -1)), P.head, P.hb); // (B, 2)
  };
  const adam = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const decay = 1 - lr * weightDecay;
  return {
    params: vars.reduce((n, v) => n + v.size, 0),
    /** One training step; returns the loss. */
    step(batch) {
      const { ids, pad, labels, B, T } = batch;
      const xt = tf.tensor2d(ids, [B, T], 'int32');
      const pt = tf.tensor2d(pad, [B, T], 'int32');
      const yt = tf.tensor1d(labels, 'int32');
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.oneHot(yt, 2), forward(xt, pt, B, T, true)), vars);
      tf.tidy(() => vars.forEach((p) => p.assign(mul(p, decay)))); // AdamW's decoupled decay, before the Adam update (as PyTorch)
      adam.applyGradients(grads);
      const loss = value.dataSync()[0];
      tf.dispose([value, xt, pt, yt, ...Object.values(grads)]);
      return loss;
    },
    /** Eval-mode logits (B x 2, row-major). */
    logits(batch) {
      const { ids, pad, B, T } = batch;
      return tf.tidy(() => forward(tf.tensor2d(ids, [B, T], 'int32'), tf.tensor2d(pad, [B, T], 'int32'), B, T, false).dataSync());
    },
    /** Eval-mode predictions, as the recipe's predict() reads them. */
    predict(batch) {
      const { ids, pad, B, T } = batch;
      return tf.tidy(() => tf.argMax(forward(tf.tensor2d(ids, [B, T], 'int32'), tf.tensor2d(pad, [B, T], 'int32'), B, T, false), -1).dataSync());
    },
  };
}
