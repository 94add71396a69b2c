// Gradient clipping by global norm or by value (torch.nn.utils.clip_grad_norm_ / clip_grad_value_).

import { ValueError, noGrad, type Tensor } from '@tsgrad/core';

/**
 * Scales all gradients in place so their global norm is at most `maxNorm`, exactly as
 * torch.nn.utils.clip_grad_norm_ (coefficient maxNorm / (norm + 1e-6), clamped to 1).
 * Returns the total norm before clipping. `normType` may be a number or Infinity.
 * @example const norm = clipGradNorm_(model.parameters(), 1.0);
 */
export function clipGradNorm_(params: Iterable<Tensor>, maxNorm: number, normType = 2, opts: { errorIfNonfinite?: boolean } = {}): number {
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
  if (grads.length === 0) return 0;
  const total = noGrad(() => {
    if (normType === Infinity) return Math.max(...grads.map((g) => g.abs().amax().item()));
    let s = 0;
    for (const g of grads) s += g.abs().pow(normType).sum().item();
    return Math.pow(s, 1 / normType);
  });
  if (opts.errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError('clipGradNorm_', `the total norm of order ${normType} of the gradients is non-finite (${total})`, {}, 'set errorIfNonfinite: false to clip anyway');
  }
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) noGrad(() => grads.forEach((g) => g.mul_(coef)));
  return total;
}

/** Clamps every gradient element to [-clipValue, clipValue] in place (torch.nn.utils.clip_grad_value_). */
export function clipGradValue_(params: Iterable<Tensor>, clipValue: number): void {
  noGrad(() => {
    for (const p of params) if (p.grad) p.grad.copy_(p.grad.clamp(-clipValue, clipValue));
  });
}
