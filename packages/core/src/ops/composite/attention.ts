// scaledDotProductAttention: softmax(q k^T * scale + mask) v, as torch.nn.functional's reference.

import { ShapeError, ValueError } from '../../errors.js';
import type { Generator } from '../../rng.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { ones } from '../creation.js';
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
  generator?: Generator;
}

/**
 * The attention weights softmax(q k^T * scale + mask) [..., L, S], before dropout: what
 * scaledDotProductAttention multiplies v by, exposed for attention maps.
 */
export function attentionWeights(q: Tensor, k: Tensor, opts: AttentionOptions = {}): Tensor {
  if (q.ndim < 2 || k.ndim < 2 || q.shape[q.ndim - 1] !== k.shape[k.ndim - 1]) {
    throw new ShapeError('scaledDotProductAttention', 'query and key must be [..., L, E] and [..., S, E] with the same E', { query: q.shape, key: k.shape },
      'check the head dim of both projections');
  }
  const { attnMask, isCausal = false } = opts;
  if (isCausal && attnMask) throw new ValueError('scaledDotProductAttention', 'give either attnMask or isCausal, not both');
  const scale = opts.scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]!);
  let scores = q.matmul(k.mT).mul(scale); // (..., L, S)
  const [L, S] = [q.shape[q.ndim - 2]!, k.shape[k.ndim - 2]!];
  if (isCausal) scores = scores.maskedFill(ones([L, S], { dtype: 'bool', device: q.device }).tril().logicalNot(), -Infinity);
  if (attnMask) broadcastShapes('scaledDotProductAttention', { scores: scores.shape, attnMask: attnMask.shape }); // names this op, not maskedFill
  if (attnMask) scores = attnMask.dtype === 'bool' ? scores.maskedFill(attnMask.logicalNot(), -Infinity) : scores.add(attnMask);
  return scores.softmax(-1);
}

/**
 * Attention (Vaswani et al. 2017, eq. 1): softmax(q k^T / sqrt(E) + mask) v.
 * Shapes: q [..., L, E], k [..., S, E], v [..., S, Ev] -> [..., L, Ev]. A row whose keys are all
 * masked gives NaN, as PyTorch's math path does.
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
