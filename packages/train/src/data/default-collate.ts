// defaultCollate: PyTorch's default_collate for the loader's items: tensors are stacked, numbers
// and booleans become tensors, arrays and plain objects are collated per position or key, and
// anything else (strings) is returned as the list of values.

import { ShapeError, Tensor, ValueError, stack, tensor } from '@tsgrad/core';

/** What `defaultCollate` makes of a batch of items of type T. */
export type Collated<T> = T extends Tensor ? Tensor
  : T extends number | boolean ? Tensor
    : T extends readonly unknown[] ? { [K in keyof T]: Collated<T[K]> }
      : T extends string ? T[]
        : T extends object ? { [K in keyof T]: Collated<T[K]> }
          : T[];

/**
 * Batches items as PyTorch's `default_collate`: tensors are stacked along a new dim 0 (same shapes
 * needed); numbers become a tensor (int32 when every one is an integer, else float64, as PyTorch
 * makes float64 from Python floats); booleans a bool tensor; arrays (tuples) and plain objects are
 * collated position by position or key by key; strings and anything else come back as a list.
 * @param items - The batch's items, all of one structure.
 * @returns The batch.
 * @example
 * const b = defaultCollate([{ x: tensor([1, 2]), y: 0 }, { x: tensor([3, 4]), y: 1 }]);
 * b.x.shape; // [2, 2]
 * b.y.dtype; // 'int32'
 * defaultCollate([0.5, 1]).dtype; // 'float64'
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new ValueError('defaultCollate', 'got an empty batch');
  return collate(items as readonly unknown[], 'batch') as Collated<T>;
}

function collate(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  if (first instanceof Tensor) {
    const bad = items.findIndex((x) => !(x instanceof Tensor) || x.shape.join() !== first.shape.join());
    if (bad >= 0) {
      throw new ShapeError('defaultCollate', `${path}: every item must be a tensor of one shape to stack`,
        { [`${path}[0]`]: first.shape, [`${path}[${bad}]`]: items[bad] instanceof Tensor ? (items[bad] as Tensor).shape : [] });
    }
    return stack(items as Tensor[]);
  }
  if (typeof first === 'number') {
    const xs = items as number[];
    if (xs.some((x) => typeof x !== 'number')) throw new ValueError('defaultCollate', `${path}: mixes numbers with other values`);
    return tensor(xs, { dtype: xs.every(Number.isInteger) ? 'int32' : 'float64' });
  }
  if (typeof first === 'boolean') return tensor(items as boolean[], { dtype: 'bool' });
  if (Array.isArray(first)) {
    if (items.some((x) => !Array.isArray(x) || x.length !== first.length)) throw new ValueError('defaultCollate', `${path}: each item must be an array of length ${first.length}`);
    return first.map((_, k) => collate(items.map((x) => (x as unknown[])[k]), `${path}[${k}]`));
  }
  if (first !== null && typeof first === 'object' && Object.getPrototypeOf(first) === Object.prototype) {
    return Object.fromEntries(Object.keys(first).map((k) => [k, collate(items.map((x) => (x as Record<string, unknown>)[k]), `${path}.${k}`)]));
  }
  return [...items];
}
