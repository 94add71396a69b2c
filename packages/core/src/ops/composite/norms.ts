// layerNorm and rmsNorm over the trailing `normalizedShape` dims.

import { ShapeError, formatShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
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
 * torch.nn.functional.layer_norm. @example layerNorm(tensor([[1, 3]]), [2]).tolist(); // [[-1, 1]] (about)
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor {
  const dims = trailingDims('layerNorm', x, normalizedShape, weight, bias);
  const mu = x.mean(dims, true);
  const xc = x.sub(mu);
  const y = xc.mul(xc.square().mean(dims, true).add(eps).rsqrt());
  const scaled = weight ? y.mul(weight) : y;
  return bias ? scaled.add(bias) : scaled;
}

/**
 * RMS normalisation (Zhang & Sennrich, https://arxiv.org/abs/1910.07467):
 * x / sqrt(mean(x^2) + eps) * weight over the trailing dims; eps defaults to the dtype's machine
 * epsilon, as torch.nn.functional.rms_norm. @example rmsNorm(tensor([[3, 4]]), [2]).shape; // [1, 2]
 */
export function rmsNorm(x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, eps?: number): Tensor {
  const dims = trailingDims('rmsNorm', x, normalizedShape, weight);
  const e = eps ?? (x.dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7);
  const y = x.mul(x.square().mean(dims, true).add(e).rsqrt());
  return weight ? y.mul(weight) : y;
}
