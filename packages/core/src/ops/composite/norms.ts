// layerNorm and rmsNorm over the trailing `normalizedShape` dims: argument checks here, then the
// fused primitives of fused/norms.ts.

import { ShapeError, formatShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { apply } from '../define.js';
import { layerNormOp, rmsNormOp } from '../fused/norms.js';
import { requireFloat } from '../helpers.js';

function trailingDims(op: string, x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null): number[] {
  requireFloat(op, 'x', x);
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || k > x.ndim || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new ShapeError(op, `normalizedShape ${formatShape(normalizedShape)} must match the last dims of the input`, { x: x.shape },
      `expected input of shape [*, ${normalizedShape.join(', ')}]`);
  }
  for (const [name, p] of [['weight', weight], ['bias', bias]] as const) {
    if (p && (p.ndim !== k || p.shape.some((s, i) => s !== normalizedShape[i]))) {
      throw new ShapeError(op, `${name} must have shape ${formatShape(normalizedShape)}`, { x: x.shape, [name]: p.shape });
    }
  }
  return Array.from({ length: k }, (_, i) => x.ndim - k + i);
}

/**
 * Layer normalisation (Ba et al., https://arxiv.org/abs/1607.06450) over the trailing dims:
 * (x - mean) / sqrt(var + eps) * weight + bias, with the biased variance, as
 * torch.nn.functional.layer_norm. Gradient (x_hat the normalised x, N the normalised size):
 * dx = (w g - mean(w g) - x_hat mean(w g x_hat)) / sqrt(var + eps); dweight = sum of g x_hat;
 * dbias = sum of g (a fused kernel, {@link layerNormBackward}).
 * @param x - Input [..., *normalizedShape].
 * @param normalizedShape - The trailing dims to normalise over.
 * @param weight - Scale of shape `normalizedShape`, or null.
 * @param bias - Shift of shape `normalizedShape`, or null.
 * @param eps - Added to the variance.
 * @returns A tensor of `x`'s shape.
 * @example layerNorm(tensor([[1, 3]]), [2]).tolist(); // [[-1, 1]] (about)
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  trailingDims('layerNorm', x, normalizedShape, weight, bias);
  // a fused primitive (fused/norms.ts): its decompose is (x - mean) rsqrt(var + eps) * weight + bias
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return apply(layerNormOp, inputs, { k: normalizedShape.length, eps, hasWeight: !!weight, hasBias: !!bias });
}

/**
 * RMS normalisation (Zhang & Sennrich, https://arxiv.org/abs/1910.07467):
 * x / sqrt(mean(x^2) + eps) * weight over the trailing dims; eps defaults to the dtype's machine
 * epsilon, as torch.nn.functional.rms_norm. Gradient (r = sqrt(mean(x^2) + eps)):
 * dx = (w g - x mean(w g x) / r^2) / r; dweight = sum of g x / r ({@link rmsNormBackward}).
 * @param x - Input [..., *normalizedShape].
 * @param normalizedShape - The trailing dims to normalise over.
 * @param weight - Scale of shape `normalizedShape`, or null.
 * @param eps - Added to the mean square (default: the dtype's epsilon).
 * @returns A tensor of `x`'s shape.
 * @example rmsNorm(tensor([[3, 4]]), [2]).tolist(); // [[0.8485, 1.1314]] (about)
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, eps?: number): Tensor {
  trailingDims('rmsNorm', x, normalizedShape, weight);
  const e = eps ?? (x.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  // a fused primitive (fused/norms.ts): its decompose is x rsqrt(mean(x^2) + eps) * weight
  return apply(rmsNormOp, weight ? [x, weight] : [x], { k: normalizedShape.length, eps: e, hasWeight: !!weight, hasBias: false });
}
