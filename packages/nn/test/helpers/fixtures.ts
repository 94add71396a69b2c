// Fixed weights for golden tests: the same numbers go into a module (through loadStateDict) and
// into the plain-JS references, so no expected value comes from the code under test.

import { type Tensor, tensor } from '@tsgrad/core';
import type { DecoderLayerWeights, EncoderLayerWeights, Mat, MhaWeights } from './reference.js';
import { rows, values } from './reference.js';

/** A float64 tensor from nested rows or a flat list. */
export const t64 = (m: Mat | number[]): Tensor => tensor(m, { dtype: 'float64' });

/** Nested JS rows of a 2-D tensor. */
export const toMat = (t: Tensor): Mat => t.tolist() as Mat;

/** Deterministic (rows, cols) weights. */
export const mat = (r: number, c: number, seed: number, scale = 0.5): Mat => rows(values(r * c, seed, scale), c);

export function mhaWeights(E: number, seed: number, bias = true): MhaWeights {
  return {
    Win: mat(3 * E, E, seed),
    bin: bias ? values(3 * E, seed + 1, 0.2) : null,
    Wout: mat(E, E, seed + 2),
    bout: bias ? values(E, seed + 3, 0.2) : null,
  };
}

/** PyTorch's MultiheadAttention keys for these weights. */
export function mhaState(w: MhaWeights, prefix = ''): Record<string, Tensor> {
  const sd: Record<string, Tensor> = { [`${prefix}in_proj_weight`]: t64(w.Win) };
  if (w.bin) sd[`${prefix}in_proj_bias`] = t64(w.bin);
  sd[`${prefix}out_proj.weight`] = t64(w.Wout);
  if (w.bout) sd[`${prefix}out_proj.bias`] = t64(w.bout);
  return sd;
}

export function encoderLayerWeights(E: number, F: number, seed: number): EncoderLayerWeights {
  return {
    attn: mhaWeights(E, seed),
    W1: mat(F, E, seed + 10), b1: values(F, seed + 11, 0.2), W2: mat(E, F, seed + 12), b2: values(E, seed + 13, 0.2),
    g1: values(E, seed + 14, 0.3).map((v) => 1 + v), be1: values(E, seed + 15, 0.2),
    g2: values(E, seed + 16, 0.3).map((v) => 1 + v), be2: values(E, seed + 17, 0.2),
  };
}

export function encoderLayerState(w: EncoderLayerWeights, prefix = ''): Record<string, Tensor> {
  return {
    ...mhaState(w.attn, `${prefix}self_attn.`),
    [`${prefix}linear1.weight`]: t64(w.W1), [`${prefix}linear1.bias`]: t64(w.b1),
    [`${prefix}linear2.weight`]: t64(w.W2), [`${prefix}linear2.bias`]: t64(w.b2),
    [`${prefix}norm1.weight`]: t64(w.g1), [`${prefix}norm1.bias`]: t64(w.be1),
    [`${prefix}norm2.weight`]: t64(w.g2), [`${prefix}norm2.bias`]: t64(w.be2),
  };
}

export function decoderLayerWeights(E: number, F: number, seed: number): DecoderLayerWeights {
  return { ...encoderLayerWeights(E, F, seed), cross: mhaWeights(E, seed + 50), g3: values(E, seed + 18, 0.3).map((v) => 1 + v), be3: values(E, seed + 19, 0.2) };
}

export function decoderLayerState(w: DecoderLayerWeights, prefix = ''): Record<string, Tensor> {
  return {
    ...encoderLayerState(w, prefix),
    ...mhaState(w.cross, `${prefix}multihead_attn.`),
    [`${prefix}norm3.weight`]: t64(w.g3), [`${prefix}norm3.bias`]: t64(w.be3),
  };
}
