// The recipe classifier in TensorFlow.js ops, for the recipe suite's fine-tuning and inference
// comparisons: the GPT body (pre-norm blocks, causal attention plus the key-padding mask, exact
// GELU, final LayerNorm), mean+max pooling over the non-padding tokens and the linear head, from
// tsgrad's weights copied by PyTorch key. Training runs dropout where tsgrad's model has it
// (tf.dropout: the same work, other masks) and AdamW as tf.train.adam plus decoupled decay;
// tfjs-wasm has no kernel for gather's gradient, so training embeds tokens by a one-hot matmul.

import { tfjsGptBody, tfjsWithGradients } from './train-models.mjs';

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
  const { nEmbd: C, vocab: V } = cfg;
  const { P, vars: bodyVars, ln, linear, blocks } = tfjsGptBody(tf, weights, { ...cfg, layerNormEps: eps });
  const w = (key) => tf.variable(tf.tensor(weights[key].data, weights[key].shape, 'float32'));
  const [head, hb] = [w('classifier.weight'), w('classifier.bias')];
  const vars = [...bodyVars, head, hb];
  const { add, mul, sub, matMul, reshape } = tf;

  /** Logits (B, 2) of ids (B, T) int32 with pad (B, T) 1 = padding. */
  const forward = (ids, pad, B, T, training) => {
    const drop = (x) => (training ? tf.dropout(x, dropout) : x);
    const tok = training ? matMul(tf.oneHot(reshape(ids, [B * T]), V), P.wte) : tf.gather(P.wte, reshape(ids, [B * T])); // (B T, C)
    const emb = drop(add(reshape(tok, [B, T, C]), tf.slice(P.wpe, [0, 0], [T, C]))); // (B, T, C)
    const padF = tf.cast(pad, 'float32'); // (B, T)
    const causal = mul(sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9); // 0 on and below the diagonal
    const mask = add(causal, reshape(mul(padF, -1e9), [B, 1, 1, T])); // (B, 1, T, T)
    const x = ln(blocks(emb, mask, drop), P.gf, P.bf);
    const keep = reshape(sub(1, padF), [B, T, 1]);
    const mean = tf.div(tf.sum(mul(x, keep), 1), tf.sum(keep, 1)); // (B, C)
    const max = tf.max(tf.where(tf.cast(reshape(pad, [B, T, 1]), 'bool'), tf.fill([B, T, C], -Infinity), x), 1); // (B, C)
    return linear(drop(tf.concat([mean, max], -1)), head, hb); // (B, 2)
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
