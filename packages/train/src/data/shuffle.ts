// Seeded shuffling: permutations drawn from a `Generator` (PyTorch's randperm), so every split and every
// epoch order is reproducible from a seed and resumable from a saved generator state.

import { Generator, randperm } from '@tsgrad/core';

/** A seed, or a generator to draw from (it advances). */
export type SeedLike = number | Generator;

/**
 * The generator a seed stands for: a new `Generator(seed)` for a number, the generator itself otherwise.
 *
 * @example
 * toGenerator(0).random() === new Generator(0).random(); // true
 * @param seed - A seed, or a generator.
 * @returns A generator.
 */
export function toGenerator(seed: SeedLike): Generator {
  return typeof seed === 'number' ? new Generator(seed) : seed;
}

/**
 * A random permutation of `0..n-1` (Fisher-Yates, as core's `randperm`).
 *
 * @example
 * permutation(5, 0).length; // 5
 * @param n - Number of elements.
 * @param seed - A seed, or a generator to draw from.
 * @returns Each of 0..n-1 once.
 */
export function permutation(n: number, seed: SeedLike): Int32Array {
  return randperm(n, { generator: toGenerator(seed) }).dataSync() as Int32Array;
}

/**
 * A shuffled copy of `items`; the input is left as it is.
 *
 * @example
 * shuffled([1, 2, 3, 4], 42).sort(); // [1, 2, 3, 4]
 * @param items - The items.
 * @param seed - A seed, or a generator to draw from.
 * @returns A new array in random order.
 */
export function shuffled<T>(items: readonly T[], seed: SeedLike): T[] {
  return Array.from(permutation(items.length, seed), (i) => items[i]!);
}
