// TensorDataset (torch.utils.data.TensorDataset): tensors that share their first dim, item i being
// the i-th slice of each; and stackCollate, the default way to batch such items.

import { ShapeError, stack, type Tensor } from '@tsgrad/core';
import type { Dataset } from './dataloader.js';

/**
 * A dataset over tensors of equal first dims: `at(i)` is `[t0[i], t1[i], ...]` (views).
 * @example
 * const ds = new TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([0, 1, 0], { dtype: 'int32' }));
 * ds.length; // 3
 * ds.at(1)!.map((t) => t.tolist()); // [[3, 4], 1]
 */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors. */
  readonly tensors: readonly Tensor[];

  /** @param tensors - One or more tensors with the same size of dim 0. */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ShapeError('TensorDataset', 'needs at least one tensor');
    const n = tensors[0]!.shape[0];
    const bad = tensors.findIndex((t) => t.ndim === 0 || t.shape[0] !== n);
    if (n === undefined || bad >= 0) {
      throw new ShapeError('TensorDataset', 'size mismatch between tensors: every tensor needs the same size of dim 0', Object.fromEntries(tensors.map((t, i) => [`tensor ${i}`, t.shape])));
    }
    this.tensors = tensors;
  }

  /** Number of items (the size of dim 0). */
  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /**
   * Item `index`: the index-th slice of every tensor.
   * @param index - 0 .. length - 1 (negative counts from the end).
   * @returns The slices, or undefined out of range.
   */
  at(index: number): Tensor[] | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    return this.tensors.map((t) => t.select(0, i));
  }
}

/**
 * Batches items of tensors by stacking each position (PyTorch's default collate for tensors).
 * @param items - Items of equal structure, e.g. from a TensorDataset.
 * @returns One stacked tensor per position, with a new leading batch dim.
 * @example stackCollate([[tensor([1, 2])], [tensor([3, 4])]])[0]!.shape; // [2, 2]
 */
export function stackCollate(items: readonly (readonly Tensor[])[]): Tensor[] {
  return items[0]!.map((_, k) => stack(items.map((it) => it[k]!)));
}
