// randomSplit and Subset (torch.utils.data.random_split / Subset): non-overlapping random subsets
// of a dataset, of given lengths or fractions, drawn from a generator.

import { ValueError, defaultGenerator, type Generator } from '@tsgrad/core';
import type { Dataset } from './dataloader.js';
import { permutation } from './shuffle.js';

/**
 * The items of `dataset` at `indices`, in that order (PyTorch's `Subset`).
 * @example
 * const s = new Subset(['a', 'b', 'c', 'd'], [3, 1]);
 * [s.length, s.at(0)]; // [2, 'd']
 */
export class Subset<T> implements Dataset<T> {
  /**
   * @param dataset - The full dataset.
   * @param indices - Positions in it.
   */
  constructor(readonly dataset: Dataset<T>, readonly indices: readonly number[]) {}

  /** Number of items. */
  get length(): number {
    return this.indices.length;
  }

  /**
   * The item at `index` of the subset.
   * @param index - 0 .. length - 1 (negative counts from the end).
   * @returns The item, or undefined out of range.
   */
  at(index: number): T | undefined {
    const i = this.indices.at(index);
    return i === undefined ? undefined : this.dataset.at(i);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets (PyTorch's `random_split`): `lengths` are
 * counts summing to the dataset's length, or fractions summing to 1 (each floor(f n), the
 * remainder handed out one by one from the first subset, as PyTorch does). The positions come from
 * one permutation drawn from `generator` (default: the global one). Duplicates are not looked at.
 * @param dataset - The dataset (an array works).
 * @param lengths - Counts or fractions, one per subset.
 * @param opts - `generator`.
 * @returns One `Subset` per length.
 * @example
 * const [train, val] = randomSplit([...Array(10).keys()], [0.8, 0.2], { generator: new Generator(0) });
 * [train!.length, val!.length]; // [8, 2]
 * new Set([...train!.indices, ...val!.indices]).size; // 10
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], opts: { generator?: Generator } = {}): Subset<T>[] {
  const n = dataset.length;
  let sizes = [...lengths];
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((l) => l >= 0 && l <= 1) && Math.abs(sum - 1) < 1e-9 && sum !== n) {
    sizes = lengths.map((f) => Math.floor(n * f));
    const left = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; i < left; i++) sizes[i % sizes.length]!++;
  } else if (lengths.some((l) => !Number.isInteger(l) || l < 0) || sum !== n) {
    throw new ValueError('randomSplit', `lengths must be counts summing to the dataset's length (${n}) or fractions summing to 1, got [${lengths.join(', ')}]`);
  }
  const order = permutation(n, opts.generator ?? defaultGenerator);
  let at = 0;
  return sizes.map((k) => {
    const idx = Array.from(order.subarray(at, at + k));
    at += k;
    return new Subset(dataset, idx);
  });
}
