// scaledDotProductAttention: softmax(q k^T * scale + mask) v, as torch.nn.functional's reference.

import { ShapeError, ValueError } from '../../errors.js';
import type { Generator } from '../../rng.js';
import { broadcastShapes, shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { scaledMaskedSoftmax } from '../fused/attention-softmax.js';
import { dropout } from './dropout.js';

/** Options of scaledDotProductAttention (PyTorch's keyword arguments). */
export interface AttentionOptions {
  /** Bool (true = may attend) or additive float mask, broadcastable to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (applied whenever > 0, as in PyTorch). */
  dropoutP?: number;
  /** Lower-triangular mask: query i attends to keys 0..i. Not combined with attnMask. */
  isCausal?: boolean;
  /** Score scale; 1/sqrt(E) by default. */
  scale?: number;
  /** Generator for the dropout mask (default: the global one). */
  generator?: Generator;
}

/**
 * The attention weights softmax(q k^T * scale + mask) [..., L, S], before dropout: what
 * scaledDotProductAttention multiplies v by, exposed for attention maps. Each row sums to 1.
 * Gradient: through the fused softmax ({@link softmaxBackward}) and the matmul.
 * @param q - Queries [..., L, E].
 * @param k - Keys [..., S, E].
 * @param opts - `attnMask`, `isCausal`, `scale` (dropout is not applied here).
 * @returns The weights [..., L, S].
 * @example attentionWeights(ones([1, 2, 4]), ones([1, 3, 4]), { isCausal: true }).tolist(); // [[[1, 0, 0], [0.5, 0.5, 0]]]
 */
export function attentionWeights(q: Tensor, k: Tensor, opts: AttentionOptions = {}): Tensor {
  if (q.ndim < 2 || k.ndim < 2 || q.shape[q.ndim - 1] !== k.shape[k.ndim - 1]) {
    throw new ShapeError('scaledDotProductAttention', 'query and key must be [..., L, E] and [..., S, E] with the same E', { query: q.shape, key: k.shape },
      'check the head dim of both projections');
  }
  const { attnMask, isCausal = false } = opts;
  if (isCausal && attnMask) throw new ValueError('scaledDotProductAttention', 'give either attnMask or isCausal, not both');
  const scale = opts.scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]!);
  let scores = q.matmul(k.mT); // (..., L, S)
  if (attnMask) {
    const shape = broadcastShapes('scaledDotProductAttention', { scores: scores.shape, attnMask: attnMask.shape }); // names this op
    if (attnMask.dtype !== 'bool' && !shapesEqual(shape, scores.shape)) scores = scores.expand(shape); // an additive mask may add batch dims
  }
  // scale, mask and softmax in one fused primitive (its decompose is the former composite)
  return scaledMaskedSoftmax(scores, { scale, attnMask, isCausal });
}

/**
 * Attention (Vaswani et al. 2017, eq. 1): softmax(q k^T / sqrt(E) + mask) v.
 * Shapes: q [..., L, E], k [..., S, E], v [..., S, Ev] -> [..., L, Ev]. A row whose keys are all
 * masked gives NaN, as PyTorch's math path does.
 * Gradient: through its parts: dv = w^T g, dw = g v^T, then the softmax backward
 * w (dw - sum(dw w)) and the matmul for q and k.
 * @param q - Queries [..., L, E].
 * @param k - Keys [..., S, E].
 * @param v - Values [..., S, Ev].
 * @param opts - `attnMask`, `isCausal`, `scale`, `dropoutP`, `generator`.
 * @returns The attended values [..., L, Ev].
 * @example scaledDotProductAttention(ones([1, 2, 4]), ones([1, 3, 4]), ones([1, 3, 5])).shape; // [1, 2, 5]
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  if (v.ndim < 2 || v.shape[v.ndim - 2] !== k.shape[k.ndim - 2]) {
    throw new ShapeError('scaledDotProductAttention', 'value must be [..., S, Ev] with the key\'s S', { key: k.shape, value: v.shape },
      'key and value need the same sequence length (dim -2)');
  }
  const w = attentionWeights(q, k, opts);
  const p = opts.dropoutP ?? 0;
  return (p !== 0 ? dropout(w, p, true, { generator: opts.generator }) : w).matmul(v); // dropout validates p (a negative p throws)
}
