// dropout: zeroes elements with probability p in training and rescales the rest by 1/(1-p). A
// fused primitive (mask and scale in one pass) whose `decompose` is the composite x * keep / (1-p).

import { ValueError } from '../../errors.js';
import { defaultGenerator, type Generator } from '../../rng.js';
import type { Shape } from '../../shape.js';
import { getBackend } from '../../backend.js';
import { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { floatRule } from '../helpers.js';

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
 * The keep mask of `rand(shape, { generator }).ge(p)` drawn straight into a bool tensor: the same
 * uniforms from the generator, rounded to float32 and compared with float32 p, so a seed gives
 * the mask it always gave (and the generator ends in the same state).
 */
function keepMask(shape: Shape, n: number, p: number, generator: Generator, device: string): Tensor {
  const keep = new Uint8Array(n);
  generator.fillKeepMask(keep, keepThreshold(p)); // the stream generator.random() draws
  return new Tensor(getBackend(device).fromArray(keep, 'bool'), shape); // built of 0s and 1s: fromArray's check of every byte is not needed
}

/**
 * The least 32-bit draw x whose uniform passes rand's test: u = float32(x / 2^32) (a value that
 * rounds up to 1 stays just below it, as rand's) with u >= float32(p). u grows with x, so one
 * integer comparison per element gives the mask the float test gives.
 */
function keepThreshold(p: number): number {
  const threshold = Math.fround(p); // ge(p) against a float32 tensor: a weak scalar p becomes float32
  const belowOne = 1 - 2 ** -24;
  const passes = (x: number): boolean => Math.min(Math.fround(x / 4294967296), belowOne) >= threshold;
  let [lo, hi] = [0, 4294967296]; // passes(hi) is taken as true: no draw reaches it
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (passes(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

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
