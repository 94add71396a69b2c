// takeAlongDim: gather with the index and the input broadcast against each other outside `dim`.

import { ShapeError } from '../../errors.js';
import { broadcastShapes, normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

/**
 * Picks values of `x` along `dim` at `indices` (PyTorch's `take_along_dim`): like
 * {@link gather}, but x and indices broadcast against each other in every dim except `dim`.
 * Without `dim`, both are flattened first. It pairs with `argmax`/`argsort` results taken with
 * keepdim. Gradient: scatter-added back into x (through gather), summed over broadcast dims.
 * @param x - The source tensor.
 * @param indices - int32 positions along `dim`, the same rank as x (any shape when `dim` is omitted).
 * @param dim - The dim to pick along; omitted: x and indices are flattened.
 * @returns A tensor of the broadcast shape, with indices' size along `dim`.
 * @example
 * const x = tensor([[10, 30, 20], [60, 40, 50]]);
 * takeAlongDim(x, x.argmax(1, true), 1).tolist(); // [[30], [60]]
 * takeAlongDim(x, tensor([[0], [2]], { dtype: 'int32' }), 1).tolist(); // [[10], [50]]
 * takeAlongDim(x, tensor([5, 0], { dtype: 'int32' })).tolist(); // [50, 10]
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number): Tensor {
  if (dim === undefined) return x.reshape([-1]).gather(0, indices.reshape([-1]));
  const d = normalizeDim('takeAlongDim', dim, x.shape);
  if (indices.ndim !== x.ndim) {
    throw new ShapeError('takeAlongDim', `input and indices should have the same number of dimensions, got ${x.ndim} and ${indices.ndim}`,
      { x: x.shape, indices: indices.shape }, 'unsqueeze the indices, or omit dim to index the flattened input');
  }
  const one = (s: readonly number[]) => s.map((v, i) => (i === d ? 1 : v));
  const common = broadcastShapes('takeAlongDim', { x: one(x.shape), indices: one(indices.shape) });
  const at = (size: number) => common.map((v, i) => (i === d ? size : v));
  return x.expand(at(x.shape[d]!)).gather(d, indices.expand(at(indices.shape[d]!)));
}
