// dropout: zeroes elements with probability p in training and rescales the rest by 1/(1-p).

import { ValueError } from '../../errors.js';
import type { Generator } from '../../rng.js';
import type { Tensor } from '../../tensor.js';
import { rand } from '../creation.js';

/**
 * Dropout (Srivastava et al., 2014): in training, each element is zeroed with probability `p`
 * (drawn from the seeded generator) and the survivors are scaled by 1/(1-p); in eval, x itself.
 * Gradient: the same mask and scale. @example dropout(ones([4]), 0.5, false).tolist(); // [1, 1, 1, 1]
 */
export function dropout(x: Tensor, p = 0.5, training = true, opts: { generator?: Generator } = {}): Tensor {
  if (!(p >= 0 && p <= 1)) {
    throw new ValueError('dropout', `probability has to be between 0 and 1, but got ${p}`, { x: { shape: x.shape, dtype: x.dtype } },
      'p is the probability of zeroing an element: 0 keeps everything, 1 zeroes everything');
  }
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, { device: x.device, generator: opts.generator }).ge(p);
  return x.mul(keep).div(1 - p);
}
