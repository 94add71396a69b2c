// cosineSimilarity and normalize (torch.nn.functional's): vector norms along one dim, clamped at
// eps. The clamp is taken on the summed powers (max(sum |x|^p, eps^p)^(1/p) = max(|x|_p, eps)), so
// the gradient stays finite for a zero vector.

import { ValueError } from '../../errors.js';
import { broadcastShapes, normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { requireFloat } from '../helpers.js';

// max(|x|_p, eps) along dim, kept
function clampedNorm(x: Tensor, p: number, dim: number, eps: number): Tensor {
  if (p === Infinity) return x.abs().amax(dim, true).clamp(eps);
  const powered = p === 2 ? x.square() : p === 1 ? x.abs() : x.abs().pow(p);
  const s = powered.sum(dim, true).clamp(eps ** p);
  return p === 2 ? s.sqrt() : p === 1 ? s : s.pow(1 / p);
}

/**
 * Cosine similarity along `dim` (torch.nn.functional.cosine_similarity), after broadcasting:
 * sum(x1 x2) / (max(|x1|, eps) max(|x2|, eps)), the dim removed. Gradient: through the product and
 * the clamped norms (zero vectors give a zero similarity and a finite gradient).
 * @param x1 - First input.
 * @param x2 - Second input, broadcast against x1.
 * @param dim - The dim holding the vectors (default 1; negative counts from the end).
 * @param eps - Lower bound of each norm.
 * @returns The broadcast shape without `dim`.
 * @example
 * cosineSimilarity(tensor([[1, 0], [1, 1]]), tensor([[0, 1], [2, 2]])).tolist(); // [0, 1] (about)
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  requireFloat('cosineSimilarity', 'x1', x1);
  requireFloat('cosineSimilarity', 'x2', x2);
  const shape = broadcastShapes('cosineSimilarity', { x1: x1.shape, x2: x2.shape });
  const d = normalizeDim('cosineSimilarity', dim, shape);
  const [a, b] = [x1.expand(shape), x2.expand(shape)];
  return a.div(clampedNorm(a, 2, d, eps)).mul(b.div(clampedNorm(b, 2, d, eps))).sum(d);
}

/**
 * Lp-normalises `input` along `dim` (torch.nn.functional.normalize): x / max(|x|_p, eps).
 * Gradient: through the division and the clamped norm.
 * @param input - Any float tensor.
 * @param p - The norm's exponent (default 2; Infinity for the max norm).
 * @param dim - The dim to normalise along (default 1; negative counts from the end).
 * @param eps - Lower bound of the norm.
 * @returns A tensor of the input's shape.
 * @example normalize(tensor([[3, 4]])).tolist(); // [[0.6, 0.8]] (about)
 */
export function normalize(input: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  requireFloat('normalize', 'input', input);
  if (!(p > 0)) throw new ValueError('normalize', `p must be positive, got ${p}`);
  const d = normalizeDim('normalize', dim, input.shape);
  return input.div(clampedNorm(input, p, d, eps));
}
