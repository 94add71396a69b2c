// KVCache: the keys and values a self-attention layer has seen, for token-by-token decoding.

import type { Tensor } from '@tsgrad/core';

/**
 * Past keys and values of one self-attention layer, (B, H, S, D) each, after the in-projection
 * (and rotary embedding). Pass the same cache to `MultiheadAttention.forward` on every decoding
 * step: the layer appends the new keys and values and attends over all of them, with the query
 * positions offset by `length`. One cache per layer; `GPT.generate` makes and holds them.
 *
 * # Shapes
 * - key, value: (B, H, S, D)
 *
 * @example
 * const attn = new MultiheadAttention(8, 2, { batchFirst: true });
 * const cache = new KVCache();
 * const x = randn([1, 3, 8]);
 * attn.forward(x, x, x, { isCausal: true, cache }); // prefill 3 positions
 * const next = randn([1, 1, 8]);
 * attn.forward(next, next, next, { isCausal: true, cache }); // one more
 * cache.length; // 4
 */
export class KVCache {
  /** Keys seen so far (B, H, S, D), or null when empty. */
  key: Tensor | null = null;
  /** Values seen so far (B, H, S, D), or null when empty. */
  value: Tensor | null = null;

  /** Positions held (S), 0 when empty. */
  get length(): number {
    return this.key?.shape[2] ?? 0;
  }

  /** Empties the cache. */
  reset(): void {
    this.key = null;
    this.value = null;
  }
}
