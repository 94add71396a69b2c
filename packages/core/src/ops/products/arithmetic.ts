// outer, bmm, baddbmm, lerp, addcmul, addcdiv and nanToNum, composed from elementwise ops and matmul.

import { isFloat } from '../../dtype.js';
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import type { TensorLike } from '../helpers.js';
import { matmul } from '../matmul.js';

/**
 * The outer product of two 1-D tensors (PyTorch's `torch.outer`): out[i][j] = a[i] b[j].
 * Gradient: g b summed over j for a, g a summed over i for b.
 * @param a - A 1-D tensor.
 * @param b - A 1-D tensor.
 * @returns A (len(a), len(b)) tensor.
 * @example outer(tensor([1, 2]), tensor([3, 4, 5])).tolist(); // [[3, 4, 5], [6, 8, 10]]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError('outer', `expected 1-D tensors, got ${a.ndim}-D and ${b.ndim}-D`, { a: a.shape, b: b.shape });
  return a.unsqueeze(1).mul(b.unsqueeze(0));
}

/**
 * Batched matrix product of two 3-D tensors with the same batch size (PyTorch's `torch.bmm`; no
 * broadcasting, unlike {@link matmul}). Gradient: as matmul's.
 * @param a - (b, n, m).
 * @param b - (b, m, p).
 * @returns (b, n, p).
 * @example bmm(ones([2, 1, 3]), ones([2, 3, 1])).tolist(); // [[[3]], [[3]]]
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) throw new ShapeError('bmm', `batch1 and batch2 must be 3-D tensors, got ${a.ndim}-D and ${b.ndim}-D`, { batch1: a.shape, batch2: b.shape });
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeError('bmm', 'batch sizes must match and batch1.shape[2] must equal batch2.shape[1]', { batch1: a.shape, batch2: b.shape });
  }
  return matmul(a, b);
}

/** The scaling options of {@link baddbmm}. */
export interface ScaleOptions {
  /** The factor of `input` (default 1; 0 ignores input, NaN and inf included). */
  beta?: number;
  /** The factor of the product (default 1). */
  alpha?: number;
}

/**
 * beta input + alpha bmm(batch1, batch2) (PyTorch's `torch.baddbmm`); input broadcasts to the
 * product's shape, and with beta = 0 it is ignored. Gradient: beta g for input, as bmm's times
 * alpha for the batches.
 * @param input - Broadcastable to (b, n, p).
 * @param batch1 - (b, n, m).
 * @param batch2 - (b, m, p).
 * @param opts - `beta`, `alpha`.
 * @returns (b, n, p).
 * @example baddbmm(ones([1, 1, 1]), ones([2, 1, 3]), ones([2, 3, 1]), { beta: 2, alpha: 0.5 }).tolist(); // [[[3.5]], [[3.5]]]
 */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts: ScaleOptions = {}): Tensor {
  const { beta = 1, alpha = 1 } = opts;
  const p = bmm(batch1, batch2);
  const scaled = alpha === 1 ? p : p.mul(alpha);
  if (beta !== 0) return scaled.add(beta === 1 ? input : input.mul(beta));
  input.expand(p.shape); // checks that input broadcasts, as PyTorch does before ignoring it
  return scaled;
}

/**
 * Linear interpolation (PyTorch's `torch.lerp`): start + weight (end - start), computed as
 * end - (end - start)(1 - weight) for |weight| >= 0.5, as PyTorch does, so weight 1 gives end
 * exactly. Broadcasts. Gradient: 1 - weight for start, weight for end, end - start for weight.
 * @param start - The start values.
 * @param end - The end values.
 * @param weight - A number or a tensor.
 * @returns The interpolated values.
 * @example lerp(tensor([1, 2]), tensor([10, 10]), 0.5).tolist(); // [5.5, 6]
 */
export function lerp(start: Tensor, end: Tensor, weight: TensorLike): Tensor {
  const d = end.sub(start);
  if (typeof weight === 'number') return Math.abs(weight) < 0.5 ? start.add(d.mul(weight)) : end.sub(d.mul(1 - weight));
  const w = weight as Tensor;
  return where(w.abs().lt(0.5), start.add(d.mul(w)), end.sub(d.mul(w.neg().add(1))));
}

/**
 * input + value t1 t2, broadcasting (PyTorch's `torch.addcmul`). Gradient: g, value g t2 and
 * value g t1.
 * @param input - The tensor added to.
 * @param tensor1 - The first factor.
 * @param tensor2 - The second factor.
 * @param opts - `value` (default 1).
 * @returns The sum.
 * @example addcmul(tensor([1, 1]), tensor([2, 3]), tensor([4, 5]), { value: 0.5 }).tolist(); // [5, 8.5]
 */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, opts: { value?: number } = {}): Tensor {
  const { value = 1 } = opts;
  const p = tensor1.mul(tensor2);
  return input.add(value === 1 ? p : p.mul(value));
}

/**
 * input + value t1 / t2, broadcasting (PyTorch's `torch.addcdiv`). Gradient: g, value g / t2 and
 * -value g t1 / t2^2.
 * @param input - The tensor added to.
 * @param tensor1 - The numerator.
 * @param tensor2 - The denominator.
 * @param opts - `value` (default 1).
 * @returns The sum.
 * @example addcdiv(tensor([1, 1]), tensor([2, 3]), tensor([4, 6]), { value: 2 }).tolist(); // [2, 2]
 */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, opts: { value?: number } = {}): Tensor {
  const { value = 1 } = opts;
  const q = tensor1.div(tensor2);
  return input.add(value === 1 ? q : q.mul(value));
}

const FINITE_MAX = { float32: 3.4028234663852886e38, float64: Number.MAX_VALUE, float16: 65504, bfloat16: 3.3895313892515355e38 } as const;

/**
 * Replaces NaN, +inf and -inf (PyTorch's `torch.nan_to_num`): by `nan` (default 0), `posinf`
 * and `neginf` (default: the dtype's largest and lowest finite values). Integer and bool tensors
 * are returned as a copy. Gradient: g where x is finite, 0 elsewhere.
 * @param x - The tensor.
 * @param nan - The value for NaN (default 0).
 * @param posinf - The value for +inf (default the dtype's largest finite value).
 * @param neginf - The value for -inf (default the dtype's lowest finite value).
 * @returns A tensor of x's shape and dtype.
 * @example
 * nanToNum(tensor([NaN, Infinity, -Infinity, 3.14]), 0, 1, -1).tolist(); // [0, 1, -1, 3.14...]
 * nanToNum(tensor([Infinity]), 0).item(); // 3.4028234663852886e38
 */
export function nanToNum(x: Tensor, nan = 0, posinf?: number, neginf?: number): Tensor {
  if (!isFloat(x.dtype)) return x.clone();
  const big = FINITE_MAX[x.dtype as keyof typeof FINITE_MAX];
  const y = where(x.isnan(), nan, x);
  return where(x.eq(Infinity), posinf ?? big, where(x.eq(-Infinity), neginf ?? -big, y));
}
