// Reductions composed from primitives: mean, var, std, logsumexp, and max/min with indices.

import { DTypeError } from '../../errors.js';
import { isFloat } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { reduceAttrs } from '../reduce/reduce-rule.js';

function reducedCount(x: Tensor, dims: readonly number[]): number {
  return dims.reduce((n, d) => n * x.shape[d]!, 1);
}

function requireFloatInput(op: string, x: Tensor): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(op, `could not infer the output dtype: input must be floating point, got ${x.dtype}`, { x: { shape: x.shape, dtype: x.dtype } },
      "convert with x.to('float32')");
  }
}

/**
 * Mean over `dim` (all dims when omitted). Float input only, as in PyTorch. Gradient: g/N over
 * the reduced dims.
 * @param x - A float tensor.
 * @param dim - Dim or dims to reduce (negative allowed); all when omitted.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The means (0-d when all dims are reduced).
 * @example mean(tensor([[1, 2], [3, 4]]), 0).tolist(); // [2, 3]
 */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  requireFloatInput('mean', x);
  const { dims } = reduceAttrs('mean', x, dim, keepdim);
  return x.sum(dims, keepdim).div(reducedCount(x, dims));
}

/** Options of var/std: `correction` is subtracted from N in the divisor (1: unbiased, Bessel). */
export interface VarOptions {
  /** Subtracted from N in the divisor (default 1). */
  correction?: number;
  /** Keep reduced dims as size 1. */
  keepdim?: boolean;
}

/**
 * Variance over `dim` (`x.var()` as a method; `var` is reserved in JS): sum((x - mean)^2) / (N - correction), with PyTorch's default correction 1.
 * N - correction <= 0 gives inf or NaN, as in PyTorch. Gradient: 2 (x - mean) g / (N - correction).
 * @param x - A float tensor.
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param opts - `correction`, `keepdim`.
 * @returns The variances.
 * @example variance(tensor([1, 2, 3, 4])).item(); // 1.6666...
 */
export function variance(x: Tensor, dim?: number | readonly number[], opts: VarOptions = {}): Tensor {
  requireFloatInput('var', x);
  const { correction = 1, keepdim = false } = opts;
  const { dims } = reduceAttrs('var', x, dim, keepdim);
  const mu = x.sum(dims, true).div(reducedCount(x, dims));
  const ss = x.sub(mu).square().sum(dims, keepdim);
  return ss.div(Math.max(0, reducedCount(x, dims) - correction));
}

/**
 * Standard deviation: sqrt(var(x, dim, { correction })). Gradient: (x - mean) g / ((N - correction) std).
 * @param x - A float tensor.
 * @param dim - Dim or dims to reduce; all when omitted.
 * @param opts - `correction`, `keepdim`.
 * @returns The standard deviations.
 * @example std(tensor([1, 3])).item(); // 1.4142...
 */
export function std(x: Tensor, dim?: number | readonly number[], opts: VarOptions = {}): Tensor {
  return variance(x, dim, opts).sqrt();
}

/**
 * log(sum(exp(x))) over `dim`, stable for large |x| (the max is subtracted first; rows of -inf
 * give -inf). Gradient: softmax(x) times g.
 * @param x - A float tensor.
 * @param dim - Dim or dims to reduce.
 * @param keepdim - Keep reduced dims as size 1.
 * @returns The reduced tensor.
 * @example logsumexp(tensor([0, 0]), 0).item(); // 0.6931...
 */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  const { dims } = reduceAttrs('logsumexp', x, dim, keepdim);
  const xf = isFloat(x.dtype) ? x : x.to('float32');
  const m0 = xf.amax(dims, true).detach();
  const m = where(m0.abs().eq(Infinity), 0, m0); // all -inf (or +inf) rows must not become NaN
  const out = xf.sub(m).exp().sum(dims, true).log().add(m);
  return keepdim ? out : out.squeeze(dims as number[]);
}

/**
 * Values and int32 indices of a max/min along a dim: PyTorch's named tuple, so both
 * `r.values` and `const [values, indices] = r` work.
 */
export interface ValuesIndices extends Iterable<Tensor> {
  /** The extreme values (float, differentiable). */
  values: Tensor;
  /** Their int32 indices along the dim. */
  indices: Tensor;
}

/** `{ values, indices }` that also destructures as `[values, indices]`. */
function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return { values, indices, *[Symbol.iterator]() { yield values; yield indices; } };
}

function extremumWithIndices(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const indices = op === 'max' ? x.argmax(dim, true) : x.argmin(dim, true);
  const values = x.gather(dim, indices);
  return keepdim ? valuesIndices(values, indices) : valuesIndices(values.squeeze(dim), indices.squeeze(dim));
}

/**
 * The largest value of all elements, 0-d. Gradient: g split evenly between ties.
 * @param x - The tensor.
 * @returns A 0-d tensor.
 * @example max(tensor([[1, 5], [7, 2]])).item(); // 7
 */
export function max(x: Tensor): Tensor;
/**
 * The largest values along `dim` and their indices (torch.max with a dim). Gradient: g to the
 * chosen index.
 * @param x - The tensor.
 * @param dim - The dim to reduce.
 * @param keepdim - Keep it as size 1.
 * @returns `{ values, indices }`, both shaped as x without `dim`.
 * @example max(tensor([[1, 5], [7, 2]]), 1).indices.tolist(); // [1, 0]
 */
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? x.amax() : extremumWithIndices('max', x, dim, keepdim);
}

/**
 * The smallest value of all elements, 0-d. Gradient: g split evenly between ties.
 * @param x - The tensor.
 * @returns A 0-d tensor.
 * @example min(tensor([[1, 5], [7, 2]])).item(); // 1
 */
export function min(x: Tensor): Tensor;
/**
 * The smallest values along `dim` and their indices. Gradient: g to the chosen index.
 * @param x - The tensor.
 * @param dim - The dim to reduce.
 * @param keepdim - Keep it as size 1.
 * @returns `{ values, indices }`, both shaped as x without `dim`.
 * @example
 * min(tensor([[1, 5], [7, 2]]), 1).values.tolist(); // [1, 2]
 * const [values, indices] = min(tensor([[1, 5], [7, 2]]), 1);
 * indices.tolist(); // [0, 1]
 */
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? x.amin() : extremumWithIndices('min', x, dim, keepdim);
}
