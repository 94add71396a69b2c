// Autoregressive decoding for causal LMs: prefill the prompt once, then one token per step through
// the per-layer KV caches, sampling every row at once on the logits' device (greedy, temperature,
// top-k, top-p) and reading back only the chosen ids.

import { type Tensor, ValueError, fromArray, noGrad } from '@tsgrad/core';
import type { KVCache } from '../attention/kv-cache.js';
import { type SamplingOptions, sampleTokens } from './sampling.js';

/** Options of `generate`. */
export interface GenerateOptions extends SamplingOptions {
  /** How many tokens to add at most. */
  maxNewTokens: number;
  /** Stop a row when it produces this id (later positions of a finished row repeat it). */
  eosId?: number;
}

/** What generation needs of a model: logits from ids with caches, caches, and its context size. */
export interface CausalLM {
  /** The context size: longer contexts are cropped to the last blockSize tokens. */
  readonly config: {
    /** The longest context the model takes. */
    blockSize: number;
  };
  /**
   * Next-token logits.
   * @param idx - Token ids (B, T) int32.
   * @param opts - Per-layer `caches`.
   * @returns Logits (B, T, V).
   */
  forward(idx: Tensor, opts: { caches?: readonly KVCache[] }): Tensor;
  /**
   * Fresh caches, one per layer.
   * @returns The caches.
   */
  createCaches(): KVCache[];
  /**
   * The model's parameters (their device is where decoding runs).
   * @returns The parameters.
   */
  parameters(): Tensor[];
}

function idsTensor(rows: number[][], from: number, device: string): Tensor {
  const B = rows.length;
  const T = rows[0]!.length - from;
  const flat = new Int32Array(B * T);
  rows.forEach((r, b) => flat.set(r.slice(from), b * T));
  return fromArray(flat, [B, T], { device }); // (B, T)
}

/**
 * Decodes with a KV cache (see GPT.generate). Token ids are returned in the prompt's form: a
 * number[] for a number[] prompt, an int32 (B, T + n) tensor for a (B, T) tensor prompt.
 *
 * # Shapes
 * - prompt: (T) as number[], or (B, T) int32; output: (T + n) or (B, T + n)
 *
 * @example
 * @param model - A causal LM such as {@link GPT}.
 * @param prompt - Token ids: a number[] or (B, T) int32.
 * @param opts - `maxNewTokens`, `eosId` and sampling options.
 * @returns The prompt followed by the new ids, in the prompt's form.
 * @example
 * const gpt = new GPT({ vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }).eval();
 * const ids = await generateIds(gpt, [1, 2, 3], { maxNewTokens: 5, temperature: 0 });
 * (ids as number[]).length; // 8
 */
export async function generateIds(model: CausalLM, prompt: Tensor | readonly number[], opts: GenerateOptions): Promise<Tensor | number[]> {
  const { maxNewTokens, eosId } = opts;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 0) throw new ValueError('generate', `maxNewTokens must be a non-negative integer, got ${maxNewTokens}`);
  const asList = Array.isArray(prompt);
  let rows: number[][];
  if (asList) rows = [[...(prompt as readonly number[])]];
  else {
    const p = prompt as Tensor;
    if (p.ndim !== 2) throw new ValueError('generate', `expected a (B, T) prompt, got shape [${p.shape.join(', ')}]`);
    const flat = Array.from(await p.data());
    rows = Array.from({ length: p.shape[0]! }, (_, b) => flat.slice(b * p.shape[1]!, (b + 1) * p.shape[1]!));
  }
  if (rows[0]!.length === 0) throw new ValueError('generate', 'the prompt must hold at least one token');
  const device = model.parameters()[0]?.device ?? 'cpu';
  const blockSize = model.config.blockSize;
  const B = rows.length;
  const done = new Array<boolean>(B).fill(false);
  // prefill: the last blockSize tokens of the prompt fill fresh caches
  const prefill = () => {
    const caches = model.createCaches();
    const from = Math.max(0, rows[0]!.length - blockSize);
    return { caches, logits: noGrad(() => model.forward(idsTensor(rows, from, device), { caches })) }; // (B, T, V)
  };
  let { caches, logits } = prefill();
  for (let n = 0; n < maxNewTokens; n++) {
    const sampled = await noGrad(() => sampleTokens(logits.select(1, -1), opts)).data(); // (B, V) -> (B)
    const next = rows.map((row, b) => {
      const id = done[b] && eosId !== undefined ? eosId : sampled[b]!;
      row.push(id);
      if (id === eosId) done[b] = true;
      return id;
    });
    if (n === maxNewTokens - 1 || done.every(Boolean)) break;
    if ((caches[0]?.length ?? 0) + 1 > blockSize) ({ caches, logits } = prefill()); // window full: crop and recompute
    else logits = noGrad(() => model.forward(fromArray(Int32Array.from(next), [B, 1], { device }), { caches })); // (B, 1, V)
  }
  if (asList) return rows[0]!;
  return fromArray(Int32Array.from(rows.flat()), [B, rows[0]!.length], { device });
}
