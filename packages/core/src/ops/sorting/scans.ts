// cumsum, cumprod and prod as log-depth compositions of slices, cat and add/mul: they run on every
// backend, and autograd through the products keeps the gradients exact when inputs hold zeros.

import { isFloat, type DType } from '../../dtype.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../cat.js';
import { ones } from '../creation.js';

/** The dtype option of the scans and of prod (PyTorch's keyword `dtype`). */
export interface ScanOptions {
  /** Cast the input to this dtype first (default: floats keep theirs, bool and int32 give int32, PyTorch's int64). */
  dtype?: DType;
}

function promoted(x: Tensor, opts: ScanOptions): Tensor {
  const d = opts.dtype ?? (isFloat(x.dtype) ? x.dtype : 'int32');
  return x.dtype === d ? x : x.to(d);
}

// Hillis-Steele scan: after the step with shift s, y[i] combines x[i - 2s + 1 .. i]
function scan(op: string, x: Tensor, dim: number, opts: ScanOptions, mul: boolean): Tensor {
  const y0 = promoted(x, opts);
  if (y0.ndim === 0) { normalizeDim(op, dim, 1); return y0.clone(); }
  const d = normalizeDim(op, dim, y0.shape);
  const n = y0.shape[d]!;
  let y = y0.clone();
  for (let s = 1; s < n; s *= 2) {
    const lo = y.narrow(d, 0, n - s);
    const hi = y.narrow(d, s, n - s);
    y = cat([y.narrow(d, 0, s), mul ? hi.mul(lo) : hi.add(lo)], d);
  }
  return y;
}

/**
 * Cumulative sum along `dim` (PyTorch's `torch.cumsum`): out[i] = x[0] + ... + x[i]. bool and
 * int32 inputs give int32 (PyTorch's int64). Computed in ceil(log2 n) steps of shifted adds, so the
 * rounding of float sums differs slightly from a sequential loop. Gradient: the reversed
 * cumulative sum of g.
 * @param x - The tensor.
 * @param dim - The dim to scan along (negative allowed).
 * @param opts - `dtype`: cast the input first.
 * @returns A tensor of x's shape.
 * @example
 * cumsum(tensor([1, 2, 3, 4]), 0).tolist(); // [1, 3, 6, 10]
 * cumsum(tensor([[1, 2], [3, 4]]), -1).tolist(); // [[1, 3], [3, 7]]
 */
export function cumsum(x: Tensor, dim: number, opts: ScanOptions = {}): Tensor {
  return scan('cumsum', x, dim, opts, false);
}

/**
 * Cumulative product along `dim` (PyTorch's `torch.cumprod`): out[i] = x[0] * ... * x[i].
 * Gradient: d out[j] / d x[i] is the product of the other factors of out[j], exact also when x
 * holds zeros (the products are differentiated as products, never divided).
 * @param x - The tensor.
 * @param dim - The dim to scan along.
 * @param opts - `dtype`: cast the input first.
 * @returns A tensor of x's shape.
 * @example cumprod(tensor([2, 3, 0, 5]), 0).tolist(); // [2, 6, 0, 0]
 */
export function cumprod(x: Tensor, dim: number, opts: ScanOptions = {}): Tensor {
  return scan('cumprod', x, dim, opts, true);
}

// product over the last dim by pairwise halving (log2 n multiplies)
function prodLast(y: Tensor): Tensor {
  let n = y.shape[y.ndim - 1]!;
  if (n === 0) return ones(y.shape.slice(0, -1), { dtype: y.dtype, device: y.device });
  while (n > 1) {
    const h = Math.floor(n / 2);
    const p = y.narrow(-1, 0, h).mul(y.narrow(-1, h, h));
    y = n % 2 ? cat([p, y.narrow(-1, 2 * h, 1)], -1) : p;
    n = y.shape[y.ndim - 1]!;
  }
  return y.squeeze(-1);
}

/**
 * The product of all elements (0-d), or along one dim (PyTorch's `torch.prod`). bool and int32
 * inputs give int32 (PyTorch's int64); an empty product is 1. Gradient: the product of the other
 * elements, exact when some are zero (computed as a product tree, never by dividing).
 * @param x - The tensor.
 * @param dim - The dim to reduce; all elements when omitted.
 * @param keepdim - Keep the dim as size 1.
 * @param opts - `dtype`: cast the input first.
 * @returns The products.
 * @example
 * prod(tensor([[1, 2], [3, 4]])).item(); // 24
 * prod(tensor([[1, 2], [3, 4]]), 1).tolist(); // [2, 12]
 * prod(tensor([[1, 2], [3, 4]]), 0, true).tolist(); // [[3, 8]]
 */
export function prod(x: Tensor, dim?: number, keepdim = false, opts: ScanOptions = {}): Tensor {
  const y = promoted(x, opts);
  if (dim === undefined) return prodLast(y.reshape([-1]));
  if (y.ndim === 0) { normalizeDim('prod', dim, 1); return y.clone(); }
  const d = normalizeDim('prod', dim, y.shape);
  const out = prodLast(y.permute([...y.shape.keys()].filter((i) => i !== d).concat(d)));
  return keepdim ? out.unsqueeze(d) : out;
}
