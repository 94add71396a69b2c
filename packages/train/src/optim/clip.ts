// Gradient clipping by global norm or by value (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).

import { ValueError, canReadSync, noGrad, stack, sumSquares, zeros, type Tensor } from '@tsgrad/core';

function gradsOf(params: Iterable<Tensor>): Tensor[] {
  return [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

// the global norm of order normType, where the gradients live
function totalNorm(grads: readonly Tensor[], normType: number): Tensor {
  return noGrad(() => {
    // NOTE: the 2-norm (the common case) as sumSquares: one pass per gradient, no squared copy
    // (g.abs().pow(2) cost ~40 ms a step at 1.3M parameters, g.square().sum() ~15 ms)
    const parts = grads.map((g) => (normType === Infinity ? g.abs().amax() : normType === 2 ? sumSquares(g) : g.abs().pow(normType).sum()));
    const stacked = stack(parts.map((t) => t.to(parts[0]!.dtype))); // one dtype, should grads mix float32 and float64
    return normType === Infinity ? stacked.amax() : stacked.sum().pow(1 / normType);
  });
}

function checkFinite(value: number, normType: number): void {
  if (!Number.isFinite(value)) {
    throw new ValueError('clipGradNorm_', `the total norm of order ${normType} of the gradients is non-finite (${value})`, {}, 'set errorIfNonfinite: false to clip anyway');
  }
}

function scaleGrads(grads: readonly Tensor[], total: Tensor, maxNorm: number): Tensor {
  noGrad(() => {
    const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(undefined, 1); // 1 when no clipping is needed
    // where the coefficient reads back at no cost (the CPU), a factor of exactly 1 skips the pass
    // over every gradient (g * 1 = g bit for bit); elsewhere the multiply needs no readback
    if (canReadSync(coef) && coef.item() === 1) return;
    for (const g of grads) g.mul_(coef);
  });
  return total;
}

/**
 * Scales all gradients in place so their global norm is at most `maxNorm`, exactly as
 * torch.nn.utils.clip_grad_norm_ (coefficient maxNorm / (norm + 1e-6), clamped to 1), computed
 * where the gradients live (no device readback). Returns the total norm before clipping as a 0-d
 * tensor, as PyTorch does. `normType` may be a number or Infinity.
 * @param params - The parameters whose `.grad` is clipped.
 * @param maxNorm - The largest norm allowed.
 * @param normType - Order of the norm (default 2; Infinity for the max).
 * @param opts - `errorIfNonfinite`: throw on a NaN or infinite norm, before any gradient changes.
 *   Checking reads the norm: where the gradients cannot be read synchronously (`canReadSync`), this
 *   throws and asks for {@link clipGradNormAsync_}, which checks on every device.
 * @returns The total norm before clipping (0-d tensor; 0 when no parameter has a gradient).
 * @example
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(w).sum().div(2).backward(); // grad = w = [3, 4], norm 5
 * clipGradNorm_([w], 1.0).item(); // 5
 * w.grad!.tolist(); // [0.6, 0.8] (about)
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, normType = 2, opts: { errorIfNonfinite?: boolean } = {}): Tensor {
  const grads = gradsOf(params);
  if (grads.length === 0) return zeros([]);
  const total = totalNorm(grads, normType);
  if (opts.errorIfNonfinite) {
    if (!canReadSync(total)) {
      throw new ValueError('clipGradNorm_', `errorIfNonfinite needs to read the norm, and '${total.device}' tensors are read asynchronously`, {},
        'use `await clipGradNormAsync_(params, maxNorm, normType, { errorIfNonfinite: true })`');
    }
    checkFinite(total.item(), normType);
  }
  return scaleGrads(grads, total, maxNorm);
}

/**
 * {@link clipGradNorm_} for any device: with `errorIfNonfinite` it awaits the norm's readback and
 * throws on a NaN or infinite norm before any gradient changes (no readback without it).
 * @param params - The parameters whose `.grad` is clipped.
 * @param maxNorm - The largest norm allowed.
 * @param normType - Order of the norm (default 2; Infinity for the max).
 * @param opts - `errorIfNonfinite`: throw on a NaN or infinite norm.
 * @returns The total norm before clipping (0-d tensor).
 * @example
 * const w = tensor([3, 4], { requiresGrad: true });
 * w.mul(w).sum().div(2).backward();
 * (await clipGradNormAsync_([w], 1.0, 2, { errorIfNonfinite: true })).item(); // 5
 */
export async function clipGradNormAsync_(params: Iterable<Tensor>, maxNorm: number, normType = 2, opts: { errorIfNonfinite?: boolean } = {}): Promise<Tensor> {
  const grads = gradsOf(params);
  if (grads.length === 0) return zeros([]);
  const total = totalNorm(grads, normType);
  if (opts.errorIfNonfinite) checkFinite(await total.itemAsync(), normType);
  return scaleGrads(grads, total, maxNorm);
}

/**
 * Clamps every gradient element to [-clipValue, clipValue] in place (torch.nn.utils.clip_grad_value_).
 * @param params - The parameters whose `.grad` is clipped.
 * @param clipValue - The bound.
 * @example
 * const w = tensor([3, -4], { requiresGrad: true });
 * w.mul(w).sum().div(2).backward();
 * clipGradValue_([w], 1);
 * w.grad!.tolist(); // [1, -1]
 */
export function clipGradValue_(params: Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const p of params) if (p.grad) p.grad.copy_(p.grad.clamp(-clipValue, clipValue));
  });
}
