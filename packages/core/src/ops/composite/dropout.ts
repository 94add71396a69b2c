// dropout: zeroes elements with probability p in training and rescales the rest by 1/(1-p). A
// fused primitive (mask and scale in one pass) whose `decompose` is the composite x * keep / (1-p).

import { ValueError } from '../../errors.js';
import { defaultGenerator, type Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { floatRule } from '../helpers.js';
import { keepMask } from './keep-mask.js';

/** @internal The primitive behind {@link dropout}: shape and dtype rules, kernel key and VJP. */
export const dropoutOp: PrimitiveDef<{ readonly p: number }> = definePrimitive<{ readonly p: number }>({
  name: 'dropout',
  kind: 'other',
  args: ['x', 'keep'],
  shape: ([x]) => x!.shape,
  dtype: (inputs) => floatRule('dropout')(inputs),
  save: { inputs: true },
  // y = x keep / (1 - p): dx = g keep / (1 - p), the same op on g (bit for bit the composite's (g / q) keep)
  vjp: (g, { inputs: [, keep], attrs }) => [apply(dropoutOp, [g, keep!], attrs), null],
  decompose: ([x, keep], { p }) => x!.mul(keep!).div(1 - p),
});

/**
 * Dropout (Srivastava et al., 2014): in training, each element is zeroed with probability `p`
 * (drawn from the seeded generator) and the survivors are scaled by 1/(1-p); in eval, x itself.
 * Gradient: the same mask and scale.
 * @param x - Any float tensor.
 * @param p - Probability of zeroing an element, in [0, 1].
 * @param training - Apply dropout (true) or return `x` (false).
 * @param opts - `generator` for the mask.
 * @returns A tensor of `x`'s shape.
 * @example
 * dropout(ones([4]), 0.5, false).tolist(); // [1, 1, 1, 1]
 * dropout(ones([1000]), 0.5).sum().item() > 800; // true
 */
export function dropout(x: Tensor, p = 0.5, training = true, opts: { generator?: Generator } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) {
    throw new ValueError('dropout', `probability has to be between 0 and 1, but got ${p}`, { x: { shape: x.shape, dtype: x.dtype } },
      'p is the probability of zeroing an element: 0 keeps everything, 1 zeroes everything');
  }
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = keepMask(x.shape, x.numel(), p, opts.generator ?? defaultGenerator, x.device);
  return apply(dropoutOp, [x, keep], { p });
}
