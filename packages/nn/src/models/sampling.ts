// Choosing the next token from logits: greedy, temperature, top-k and top-p (nucleus) sampling,
// drawn from a seeded Generator so generation is reproducible.

import { type Generator, ValueError, defaultGenerator } from '@tsgrad/core';

/** How the next token is chosen. */
export interface SamplingOptions {
  /** Divides the logits; 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (ties with the k-th kept, as nanoGPT). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (Holtzman et al. 2019). */
  topP?: number;
  /** The random stream (default: the global generator seeded by `manualSeed`). */
  generator?: Generator;
}

/**
 * Picks a token id from one row of logits. Greedy when `temperature` is 0 (the first maximum);
 * otherwise softmax(logits / temperature) restricted by topK, then topP, renormalised, and
 * sampled with one uniform draw from the generator.
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
  const { temperature = 1, topK, topP, generator = defaultGenerator } = opts;
  const V = logits.length;
  if (V === 0) throw new ValueError('sampleToken', 'logits are empty');
  if (!(temperature >= 0)) throw new ValueError('sampleToken', `temperature must be >= 0, got ${temperature}`);
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new ValueError('sampleToken', `topP must be in (0, 1], got ${topP}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new ValueError('sampleToken', `topK must be a positive integer, got ${topK}`);
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b); // most likely first
  let keep = V;
  if (topK !== undefined && topK < V) {
    const kth = logits[order[topK - 1]!]!;
    keep = topK;
    while (keep < V && logits[order[keep]!]! === kth) keep++;
  }
  const top = logits[order[0]!]! / temperature;
  const probs = order.slice(0, keep).map((i) => Math.exp(logits[i]! / temperature - top)); // stable softmax numerators
  let total = probs.reduce((a, b) => a + b, 0);
  if (topP !== undefined) {
    let cum = 0;
    let n = 0;
    while (n < probs.length && cum < topP * total) cum += probs[n++]!; // smallest prefix reaching p
    probs.length = Math.max(1, n);
    total = probs.reduce((a, b) => a + b, 0);
  }
  let u = generator.random() * total;
  for (let j = 0; j < probs.length; j++) {
    u -= probs[j]!;
    if (u < 0) return order[j]!;
  }
  return order[probs.length - 1]!;
}
