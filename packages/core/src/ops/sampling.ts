// Sampling from distributions held in tensors: multinomial (categorical draws, with or without
// replacement) and bernoulli, seeded by a Generator. Both draw their uniforms with `rand`, so a
// seed gives the same draws on every backend, and both run as tensor ops on the tensor's device.

import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { canReadSync } from '../memory.js';
import type { Generator } from '../rng.js';
import { Tensor } from '../tensor.js';
import { cat } from './cat.js';
import { fromArray, fullLike } from './creation.js';
import { rand } from './random.js';

/** The generator option of the sampling functions. */
export interface SamplingGenerator {
  /** Draw from this generator instead of the default one (seeded by `manualSeed`). */
  readonly generator?: Generator;
}

// the host-side checks PyTorch makes (skipped where the values cannot be read synchronously)
function checkWeights(p: Tensor, numSamples: number, replacement: boolean): void {
  if (!canReadSync(p)) return;
  const v = p.dataSync();
  const n = p.shape[p.ndim - 1]!;
  for (let r = 0; r < v.length / n; r++) {
    let sum = 0;
    let positive = 0;
    for (let i = r * n; i < (r + 1) * n; i++) {
      const w = v[i]!;
      if (!(w >= 0) || w === Infinity) {
        throw new ValueError('multinomial', `probability tensor contains either inf, nan or element < 0 (row ${r} holds ${w})`, { input: p.shape });
      }
      sum += w;
      if (w > 0) positive++;
    }
    if (!(sum > 0)) throw new ValueError('multinomial', `invalid multinomial distribution (sum of probabilities <= 0 in row ${r})`, { input: p.shape });
    if (!replacement && positive < numSamples) {
      throw new ValueError('multinomial', `invalid multinomial distribution (with replacement=false, not enough non-zero categories to sample): row ${r} has ${positive}, ${numSamples} asked`,
        { input: p.shape }, 'pass replacement = true, or ask for fewer samples');
    }
  }
}

/**
 * Draws `numSamples` category indices from each row of non-negative weights (PyTorch's
 * `torch.multinomial`); rows need not sum to 1. Without replacement a category is drawn at most
 * once per row, in the order drawn. Each draw is the Gumbel-max trick: the argmax of
 * log(w) - log(-log(u)) with u uniform from `rand`, which picks category i with probability
 * w_i / sum(w); without replacement the top `numSamples` keys of one such draw give sequential
 * sampling without replacement. With replacement this takes numSamples x categories uniforms
 * per row. Indices are int32 (PyTorch's are int64). Not differentiable.
 *
 * # Shapes
 * - input: (C) or (B, C); result: (numSamples) or (B, numSamples), int32
 *
 * @param input - Non-negative float weights, 1-D or 2-D (checked on the CPU: no NaN, inf or negative values, a positive sum per row).
 * @param numSamples - Draws per row (at most the number of non-zero categories without replacement).
 * @param replacement - Draw with replacement (default false).
 * @param opts - `generator` (default: the global one).
 * @returns The drawn indices.
 * @example
 * manualSeed(0);
 * multinomial(tensor([0, 10, 3, 0]), 2).tolist().sort(); // [1, 2]
 * multinomial(tensor([[0, 1], [1, 0]]), 3, true).tolist(); // [[1, 1, 1], [0, 0, 0]]
 * multinomial(tensor([1, 0, 1]), 3); // throws ValueError: multinomial: invalid multinomial distribution...
 */
export function multinomial(input: Tensor, numSamples: number, replacement = false, opts: SamplingGenerator = {}): Tensor {
  if (!isFloat(input.dtype)) {
    throw new DTypeError('multinomial', `expected a floating-point tensor of weights, got ${input.dtype}`, { input: { shape: input.shape, dtype: input.dtype } }, "convert with input.to('float32')");
  }
  if (input.ndim < 1 || input.ndim > 2) throw new ShapeError('multinomial', `prob_dist must be 1 or 2 dim, got ${input.ndim} dims`, { input: input.shape });
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new ValueError('multinomial', `cannot sample n_sample <= 0 samples (got ${numSamples})`);
  const n = input.shape[input.ndim - 1]!;
  if (!replacement && numSamples > n) {
    throw new ValueError('multinomial', `cannot sample n_sample > prob_dist.size(-1) samples without replacement (${numSamples} > ${n})`, { input: input.shape });
  }
  checkWeights(input, numSamples, replacement);
  const logw = input.log();
  const gumbel = (shape: readonly number[]) => rand(shape, { generator: opts.generator, dtype: input.dtype, device: input.device }).log().neg().log().neg();
  if (replacement) {
    const lead = input.shape.slice(0, -1);
    return logw.unsqueeze(-2).add(gumbel([...lead, numSamples, n])).argmax(-1); // (..., S)
  }
  const keys = logw.add(gumbel(input.shape));
  return topIndices(keys, numSamples);
}

// the indices of the k largest keys per row, largest first (ties: lower index first)
function topIndices(keys: Tensor, k: number): Tensor {
  const n = keys.shape[keys.ndim - 1]!;
  const rows = keys.numel() / n;
  if (canReadSync(keys)) {
    const v = keys.dataSync();
    const out = new Int32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[r * n + b]! - v[r * n + a]! || a - b);
      for (let j = 0; j < k; j++) out[r * k + j] = order[j]!;
    }
    return fromArray(out, [...keys.shape.slice(0, -1), k], { device: keys.device });
  }
  // on a device: k rounds of argmax, each removing the key it picked
  let rest = keys;
  const picks: Tensor[] = [];
  for (let j = 0; j < k; j++) {
    const i = rest.argmax(-1, true);
    picks.push(i);
    rest = rest.scatterAdd(-1, i, fullLike(i, -Infinity, { dtype: rest.dtype }));
  }
  return cat(picks, -1);
}

/**
 * Bernoulli draws (PyTorch's `torch.bernoulli`): each element is 1 with probability given by the
 * matching element of `input` (or by `p` when given, in the shape of `input`), else 0, in input's
 * float dtype. Element i is 1 when the i-th uniform from `rand` is below its probability, so a seed
 * gives the same draws on every backend. Not differentiable.
 * @param input - Probabilities in [0, 1] (float), or the shape and dtype template when `p` is given.
 * @param p - One probability for every element (optional).
 * @param opts - `generator` (default: the global one).
 * @returns 0/1 values of input's shape and dtype.
 * @example
 * manualSeed(0);
 * bernoulli(tensor([0, 1, 0, 1])).tolist(); // [0, 1, 0, 1]
 * bernoulli(zeros([2, 3]), 1).tolist(); // [[1, 1, 1], [1, 1, 1]]
 * bernoulli(tensor([0.5]), { generator: new Generator(1) }).shape; // [1]
 */
export function bernoulli(input: Tensor, p?: number | SamplingGenerator, opts: SamplingGenerator = {}): Tensor {
  const o = typeof p === 'object' ? p : opts;
  const prob = typeof p === 'number' ? p : undefined;
  if (!isFloat(input.dtype)) {
    throw new DTypeError('bernoulli', `expected a floating-point tensor, got ${input.dtype}`, { input: { shape: input.shape, dtype: input.dtype } }, "convert with input.to('float32')");
  }
  if (prob !== undefined && !(prob >= 0 && prob <= 1)) throw new ValueError('bernoulli', `expects p to be in [0, 1], but got p=${prob}`);
  if (prob === undefined && canReadSync(input)) {
    const bad = input.dataSync().find((v) => !(v >= 0 && v <= 1));
    if (bad !== undefined) throw new ValueError('bernoulli', `expected every probability in [0, 1], got ${bad}`, { input: input.shape });
  }
  const u = rand(input.shape, { generator: o.generator, dtype: input.dtype, device: input.device });
  return u.lt(prob ?? input).to(input.dtype);
}
