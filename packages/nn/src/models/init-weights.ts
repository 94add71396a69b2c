// GPT-2/BERT-style initialisation shared by the model families: N(0, 0.02) weights, zero biases,
// padding rows zero, and optionally GPT-2's 1/sqrt(2 * nLayer) scaling of residual projections.

import { MultiheadAttention } from '../attention/multihead-attention.js';
import { LearnedPositionalEmbedding } from '../attention/positional.js';
import { normal_, zeros_ } from '../init.js';
import { Embedding } from '../layers/embedding.js';
import { Linear } from '../layers/linear.js';
import type { Module } from '../module.js';
import { TransformerEncoderLayer } from '../transformer/layers.js';

/**
 * Re-initialises `model` as GPT-2 and BERT do (nanoGPT's `_init_weights`): every Linear,
 * in-projection and embedding weight ~ N(0, std^2), biases 0, padding rows 0; with `residualLayers`
 * set, the projections that write into the residual stream (`self_attn.out_proj.weight`,
 * `linear2.weight`) use std / sqrt(2 * residualLayers) (GPT-2 paper, section 2.3).
 *
 * # Shapes
 * Not applicable (in place).
 *
 * @example
 * const gpt = new GPT({ vocabSize: 16, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8 });
 * initTransformerWeights(gpt, { std: 0.02, residualLayers: 2 }); // what GPT's constructor does
 * gpt.transformer.ln_f.weight.tolist(); // [1, 1, 1, 1, 1, 1, 1, 1]
 * @param model - The model, re-initialised in place.
 * @param opts - `std` (default 0.02) and `residualLayers` (the number of residual blocks).
 */
export function initTransformerWeights(model: Module, opts: { std?: number; residualLayers?: number } = {}): void {
  const std = opts.std ?? 0.02;
  model.apply((m) => {
    if (m instanceof Linear) {
      normal_(m.weight, 0, std);
      if (m.bias) zeros_(m.bias);
    } else if (m instanceof Embedding) {
      normal_(m.weight, 0, std);
      if (m.paddingIdx !== undefined) zeros_(m.weight.select(0, m.paddingIdx));
    } else if (m instanceof LearnedPositionalEmbedding) {
      normal_(m.weight, 0, std);
    } else if (m instanceof MultiheadAttention) {
      for (const w of [m.in_proj_weight, m.q_proj_weight, m.k_proj_weight, m.v_proj_weight]) if (w) normal_(w, 0, std);
      if (m.in_proj_bias) zeros_(m.in_proj_bias);
    }
  });
  if (opts.residualLayers) {
    const scaled = std / Math.sqrt(2 * opts.residualLayers);
    for (const m of model.modules()) {
      if (m instanceof TransformerEncoderLayer) {
        normal_(m.self_attn.out_proj.weight, 0, scaled);
        normal_(m.linear2.weight, 0, scaled);
      }
    }
  }
}
