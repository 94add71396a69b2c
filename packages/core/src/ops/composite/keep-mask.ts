// The keep mask of dropout: which elements survive, drawn from a generator as `rand(...).ge(p)`
// would draw them (dropout and packedAttention share it, so both consume the same stream).

import { getBackend } from '../../backend.js';
import type { Generator } from '../../rng.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';

/**
 * The keep mask of `rand(shape, { generator }).ge(p)` drawn straight into a bool tensor: the same
 * uniforms from the generator, rounded to float32 and compared with float32 p, so a seed gives
 * the mask it always gave (and the generator ends in the same state).
 */
export function keepMask(shape: Shape, n: number, p: number, generator: Generator, device: string): Tensor {
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
