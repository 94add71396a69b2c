// Choosing the next token from logits: greedy, temperature, top-k and top-p (nucleus) sampling,
// batched on tensors (every row at once, on the logits' device) and drawn with `multinomial` from a
// seeded Generator, so generation is reproducible.

import { type Generator, type Tensor, ValueError, canReadSync, fromArray, multinomial, tensor } from '@tsgrad/core';

/** How the next token is chosen. */
export interface SamplingOptions {
  /** Divides the logits; 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (ties with the k-th kept, as nanoGPT). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (Holtzman et al. 2019); ties with the last one kept are kept too. */
  topP?: number;
  /** The random stream (default: the global generator seeded by `manualSeed`). */
  generator?: Generator;
}

function check(op: string, V: number, { temperature = 1, topK, topP }: SamplingOptions): void {
  if (V === 0) throw new ValueError(op, 'logits are empty');
  if (!(temperature >= 0)) throw new ValueError(op, `temperature must be >= 0, got ${temperature}`);
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new ValueError(op, `topP must be in (0, 1], got ${topP}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new ValueError(op, `topK must be a positive integer, got ${topK}`);
}

/**
 * Per row of z (R, V): the largest value t among the row's values for which `enough` holds of the
 * set {z >= t}. On the CPU each row is sorted once; elsewhere t is found by bisection on the
 * device (64 halvings, which narrow any float32 interval to one value) and snapped to the row's
 * smallest value at or above it. Both give the same t.
 */
function rowThreshold(z: Tensor, host: (sorted: number[], row: Float64Array) => number, enough: (t: Tensor) => Tensor): Tensor {
  const [R, V] = z.shape as [number, number];
  if (canReadSync(z)) {
    const d = z.dataSync();
    const out = new Float64Array(R);
    for (let r = 0; r < R; r++) {
      const row = Float64Array.from(d.subarray(r * V, (r + 1) * V));
      out[r] = host(Array.from(row).sort((a, b) => b - a), row);
    }
    return fromArray(out, [R, 1], { dtype: 'float64' }).to(z.dtype);
  }
  let lo = z.maskedFill(z.eq(-Infinity), Infinity).amin(-1, true); // the set {z >= lo} is every finite entry: enough
  let hi = z.amax(-1, true);
  for (let i = 0; i < 64; i++) {
    const mid = lo.add(hi).div(2);
    const ok = enough(mid);
    lo = mid.where(ok, lo);
    hi = hi.where(ok, mid);
  }
  const top = enough(hi);
  const snapped = z.maskedFill(z.lt(lo), Infinity).amin(-1, true);
  return hi.where(top, snapped);
}

/** Logits outside the k largest of each row (ties with the k-th kept) set to -inf. */
function keepTopK(z: Tensor, k: number): Tensor {
  const t = rowThreshold(z, (sorted) => sorted[k - 1]!, (th) => z.ge(th).sum(-1, true).ge(k));
  return z.maskedFill(z.lt(t), -Infinity);
}

/** Logits outside each row's nucleus set to -inf: the largest threshold whose kept softmax mass reaches p. */
function keepTopP(z: Tensor, p: number): Tensor {
  const probs = z.softmax(-1);
  const t = rowThreshold(z, (sorted) => {
    const top = sorted[0]!;
    const w = sorted.map((v) => Math.exp(v - top));
    const total = w.reduce((a, b) => a + b, 0);
    let cum = 0;
    for (let j = 0; j < w.length; j++) {
      cum += w[j]!;
      if (cum >= p * total) return sorted[j]!;
    }
    return sorted[w.length - 1]!;
  }, (th) => probs.mul(z.ge(th)).sum(-1, true).ge(p));
  return z.maskedFill(z.lt(t), -Infinity);
}

/**
 * Picks one token id per row of logits, all rows at once on the logits' device. Greedy when
 * `temperature` is 0 (the first maximum); otherwise softmax(logits / temperature) restricted to
 * the topK largest logits (ties with the k-th kept), then to the nucleus of mass topP (the
 * smallest set of most likely tokens reaching p, ties with its last kept), renormalised and drawn
 * with {@link multinomial} from the generator.
 *
 * # Shapes
 * - logits: (..., V); result: (...) int32 ids in [0, V)
 *
 * @param logits - Logits, one row per sequence.
 * @param opts - `temperature`, `topK`, `topP`, `generator`.
 * @returns The chosen ids.
 * @example
 * sampleTokens(tensor([[0, 5, 1], [7, 0, 0]]), { temperature: 0 }).tolist(); // [1, 0]
 * sampleTokens(tensor([[0, 5, 1], [2, 9, 3]]), { topK: 1 }).tolist(); // [1, 1]
 * sampleTokens(tensor([[0, 0, -Infinity]]), { generator: new Generator(3) }).item() < 2; // true
 */
export function sampleTokens(logits: Tensor, opts: SamplingOptions = {}): Tensor {
  const { temperature = 1, topK, topP, generator } = opts;
  const V = logits.shape[logits.ndim - 1] ?? 0;
  check('sampleTokens', V, opts);
  if (logits.ndim === 0) throw new ValueError('sampleTokens', 'expected logits with a last dim of size V, got a 0-d tensor');
  const lead = logits.shape.slice(0, -1);
  if (temperature === 0) return logits.argmax(-1);
  let z = logits.reshape([-1, V]).div(temperature);
  if (topK !== undefined && topK < V) z = keepTopK(z, topK);
  if (topP !== undefined && topP < 1) z = keepTopP(z, topP);
  return multinomial(z.softmax(-1), 1, false, { generator }).reshape(lead);
}

/**
 * Picks a token id from one row of logits given as a JS array: {@link sampleTokens} on one row.
 *
 * # Shapes
 * - logits: (V) as a JS array or TypedArray; result: an id in [0, V)
 *
 * @param logits - One row of logits (V).
 * @param opts - `temperature`, `topK`, `topP`, `generator`.
 * @returns The chosen id.
 * @example
 * sampleToken([0, 5, 1], { temperature: 0 }); // 1
 * sampleToken([0, 5, 1], { topK: 1 }); // 1
 * sampleToken([0, 0], { generator: new Generator(3) }) < 2; // true
 */
export function sampleToken(logits: ArrayLike<number>, opts: SamplingOptions = {}): number {
  check('sampleToken', logits.length, opts);
  return sampleTokens(tensor(Array.from(logits), { dtype: 'float64' }), opts).item();
}
