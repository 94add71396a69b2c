// all, any, vectorNorm and norm: reductions composed from comparisons, sums, amax/amin and powers.

import { DTypeError, ValueError } from '../../errors.js';
import { isFloat } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';

/**
 * A dim, a list of dims, or undefined for every dim.
 * @inline
 */
type DimArg = number | readonly number[] | undefined;

/**
 * Whether every element is non-zero (truthy; NaN counts as true), over `dim` or all dims
 * (PyTorch's `torch.all`). The result is bool; an empty reduction is true. Not differentiable.
 * @param x - The tensor (any dtype).
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns A bool tensor.
 * @example
 * all(tensor([[1, 0], [2, 3]]), 1).tolist(); // [false, true]
 * all(tensor([])).tolist(); // true
 */
export function all(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return x.eq(0).sum(dim, keepdim).eq(0);
}

/**
 * Whether any element is non-zero (NaN counts as true), over `dim` or all dims (PyTorch's
 * `torch.any`). The result is bool; an empty reduction is false. Not differentiable.
 * @param x - The tensor (any dtype).
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns A bool tensor.
 * @example
 * any(tensor([[1, 0], [0, 0]]), 1).tolist(); // [true, false]
 * any(tensor([])).tolist(); // false
 */
export function any(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return x.ne(0).sum(dim, keepdim).gt(0);
}

// s^(1/p) with a zero gradient where s = 0 (PyTorch's norm backward masks the zero norm)
function root(s: Tensor, p: number): Tensor {
  const zero = s.eq(0);
  const safe = where(zero, 1, s);
  return where(zero, 0, p === 2 ? safe.sqrt() : safe.pow(1 / p));
}

/**
 * The vector norm of `x` over `dim` (all dims when omitted), PyTorch's
 * `torch.linalg.vector_norm`: ord p gives (sum |x|^p)^(1/p); `Infinity` the largest |x|,
 * `-Infinity` the smallest, 0 the number of non-zero elements. Float input only. Gradient: as
 * PyTorch's, zero where the norm is zero; for ±inf split evenly between ties; ord 0 is
 * piecewise constant and its result carries no gradient.
 * @param x - A float tensor.
 * @param ord - The order (default 2).
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The norms.
 * @example
 * vectorNorm(tensor([3, -4])).item(); // 5
 * vectorNorm(tensor([3, -4]), 1).item(); // 7
 * vectorNorm(tensor([[3, -4], [1, 0]]), Infinity, 1).tolist(); // [4, 1]
 * vectorNorm(tensor([3, 0, -4]), 0).item(); // 2
 */
export function vectorNorm(x: Tensor, ord = 2, dim?: DimArg, keepdim = false): Tensor {
  if (!isFloat(x.dtype)) {
    throw new DTypeError('linalg.vector_norm', `expected a floating point input, got ${x.dtype}`, { x: { shape: x.shape, dtype: x.dtype } }, "convert with x.to('float32')");
  }
  if (Number.isNaN(ord)) throw new ValueError('linalg.vector_norm', 'ord must be a number, got NaN', { x: x.shape });
  const a = x.abs();
  if (ord === Infinity) return a.amax(dim, keepdim);
  if (ord === -Infinity) return a.amin(dim, keepdim);
  if (ord === 0) return x.detach().ne(0).sum(dim, keepdim).to(x.dtype);
  if (ord === 1) return a.sum(dim, keepdim);
  return root((ord === 2 ? x.square() : a.pow(ord)).sum(dim, keepdim), ord);
}

/**
 * PyTorch's `torch.norm` for vectors: `'fro'` (the default) is the 2-norm over `dim`, a number p
 * is {@link vectorNorm} of order p. Matrix norms (`'nuc'`) are not provided. Gradient: as
 * {@link vectorNorm}.
 * @param x - A float tensor.
 * @param p - `'fro'` or the order (default `'fro'`).
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The norms.
 * @example norm(tensor([[1, 2], [2, 4]]), 'fro', 1).tolist(); // [2.2360..., 4.4721...]
 */
export function norm(x: Tensor, p: number | 'fro' = 'fro', dim?: DimArg, keepdim = false): Tensor {
  if (typeof p === 'string' && p !== 'fro') {
    throw new ValueError('norm', `p = '${p as string}' is not supported`, { x: x.shape }, "use 'fro' or a number");
  }
  return vectorNorm(x, p === 'fro' ? 2 : p, dim, keepdim);
}

/**
 * PyTorch's `torch.linalg` namespace, for the functions it holds here: `linalg.vectorNorm`.
 * @example linalg.vectorNorm(tensor([6, 8])).item(); // 10
 */
export const linalg: {
  /** {@link vectorNorm}, PyTorch's `torch.linalg.vector_norm`. */
  readonly vectorNorm: typeof vectorNorm;
} = { vectorNorm };
