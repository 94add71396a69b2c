// Activations composed from primitives: gelu (exact and tanh), silu, clamp.

import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';

/**
 * GELU (Hendrycks & Gimpel, https://arxiv.org/abs/1606.08415): x * Phi(x) with the exact
 * 0.5 (1 + erf(x / sqrt 2)), or with `approximate: 'tanh'`
 * 0.5 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as torch.nn.functional.gelu.
 * @example gelu(tensor([0, 1])).tolist(); // [0, 0.8413...]
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approx = opts.approximate ?? 'none';
  if (approx === 'tanh') {
    const c = Math.sqrt(2 / Math.PI);
    return x.mul(0.5).mul(x.add(x.pow(3).mul(0.044715)).mul(c).tanh().add(1));
  }
  if (approx !== 'none') throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got '${String(approx)}'`);
  return x.mul(0.5).mul(x.mul(Math.SQRT1_2).erf().add(1));
}

/** SiLU / swish: x * sigmoid(x). @example silu(tensor([0])).tolist(); // [0] */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/**
 * Limits values to [min, max] (either bound optional). Gradient 1 inside the bounds (inclusive,
 * as PyTorch), 0 outside. @example clamp(tensor([-2, 0, 2]), -1, 1).tolist(); // [-1, 0, 1]
 */
export function clamp(x: Tensor, min?: number | Tensor, max?: number | Tensor): Tensor {
  if (min === undefined && max === undefined) throw new ValueError('clamp', 'at least one of min and max must be given');
  let out = x;
  let outside: Tensor | undefined;
  if (min !== undefined) {
    out = out.maximum(min);
    outside = x.lt(min);
  }
  if (max !== undefined) {
    out = out.minimum(max);
    outside = outside ? outside.logicalOr(x.gt(max)) : x.gt(max);
  }
  // NOTE: values from maximum/minimum, gradient from the mask, so ties at a bound pass g whole
  return where(outside!, out.detach(), x);
}
