// Activations: gelu (exact and tanh; a fused primitive in fused/gelu.ts), and silu, clamp composed from primitives.

import { ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { apply } from '../define.js';
import { geluOp } from '../fused/gelu.js';

/**
 * GELU (Hendrycks & Gimpel, https://arxiv.org/abs/1606.08415): x * Phi(x) with the exact
 * 0.5 (1 + erf(x / sqrt 2)), or with `approximate: 'tanh'`
 * 0.5 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as torch.nn.functional.gelu.
 * Gradient: Phi(x) + x phi(x) with phi the standard normal density (exact form), or the
 * derivative of the tanh formula (a fused kernel, {@link geluBackward}).
 * @param x - Any float tensor.
 * @param opts - `approximate`: `'none'` (default, erf) or `'tanh'`.
 * @returns A tensor of `x`'s shape.
 * @example
 * gelu(tensor([0, 1])).tolist(); // [0, 0.8413...]
 * gelu(tensor([1]), { approximate: 'tanh' }).tolist(); // [0.8412] (about)
 */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approx = opts.approximate ?? 'none';
  if (approx !== 'none' && approx !== 'tanh') throw new ValueError('gelu', `approximate must be 'none' or 'tanh', got '${String(approx)}'`);
  return apply(geluOp, [x], { approximate: approx }); // a fused primitive: its decompose is the composite formula
}

/**
 * SiLU / swish: x * sigmoid(x). Gradient: through its parts, s + x s (1 - s) with s = sigmoid(x).
 * @param x - Any float tensor.
 * @returns A tensor of `x`'s shape.
 * @example silu(tensor([0, 1])).tolist(); // [0, 0.7311] (about)
 */
export function silu(x: Tensor): Tensor {
  return x.mul(x.sigmoid());
}

/**
 * Limits values to [min, max] (either bound optional). Gradient: g inside the bounds (inclusive,
 * as PyTorch), 0 outside.
 * @param x - The tensor.
 * @param min - Lower bound (number or tensor broadcast against x), or undefined.
 * @param max - Upper bound, or undefined.
 * @returns A tensor of the broadcast shape.
 * @example clamp(tensor([-2, 0, 2]), -1, 1).tolist(); // [-1, 0, 1]
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

/**
 * Leaky ReLU (torch.nn.functional.leaky_relu): x where x > 0, else negativeSlope x.
 * Gradient: g where x > 0, else negativeSlope g (PyTorch's choice at 0).
 * @param x - Any float tensor.
 * @param negativeSlope - The slope below 0 (default 0.01).
 * @returns A tensor of x's shape.
 * @example leakyRelu(tensor([-2, 0, 3])).tolist(); // [-0.02, 0, 3]
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (!Number.isFinite(negativeSlope)) throw new ValueError('leakyRelu', `negativeSlope must be a finite number, got ${negativeSlope}`);
  return where(x.gt(0), x, x.mul(negativeSlope));
}
