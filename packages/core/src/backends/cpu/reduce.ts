// Reduction kernels: sum, amax/amin, argmax/argmin over any set of dims of a strided view.
// Reducing the contiguous last axis is a plain loop; reducing leading dims adds whole rows.

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import { coalesce, offsetsOf } from '../../strided.js';
import { dataOf, wrap } from './storage.js';
import { sumRowsF32Wasm } from './vector-wasm.js';
import { allocOut } from './reuse.js';

type ReduceKind = 'sum' | 'amax' | 'amin' | 'argmax' | 'argmin';

interface Split {
  outerShape: number[];
  outerStrides: number[];
  innerShape: number[];
  innerStrides: number[];
}

/** Splits a view into the kept (outer) and reduced (inner) dims, each coalesced. */
function split(x: KernelInput, dims: readonly number[]): Split {
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const [os, [ost]] = coalesce(keep.map((i) => x.shape[i]!), [keep.map((i) => x.strides[i]!)]);
  const [is, [ist]] = coalesce(dims.map((i) => x.shape[i]!), [dims.map((i) => x.strides[i]!)]);
  return { outerShape: os, outerStrides: ost!, innerShape: is, innerStrides: ist! };
}

/** Sums of n contiguous elements from each offset in `outer` (last-axis reduction), in order. */
function sumLast<A extends ArrayLike<number>>(data: A, outer: Int32Array, n: number, res: TypedArray): void {
  for (let i = 0; i < outer.length; i++) {
    let acc = 0;
    for (let j = 0, p = outer[i]!; j < n; j++) acc += data[p + j]!;
    res[i] = acc;
  }
}

/** Adds whole contiguous rows of m elements, one per offset in `inner`, into a float64 accumulator, in order. */
function sumRows<A extends ArrayLike<number>>(data: A, inner: Int32Array, base: number, m: number, res: TypedArray): void {
  const acc = new Float64Array(m);
  for (let k = 0; k < inner.length; k++) {
    const p = base + inner[k]!;
    for (let j = 0; j < m; j++) acc[j]! += data[p + j]!;
  }
  for (let j = 0; j < m; j++) res[j] = acc[j]!;
}

// NOTE: float32 data gets its own copies of the two loops (V8 keeps type feedback per function,
// and one loop that sees every dtype's array turns megamorphic, several times slower); they add in
// the same order, so the same bits

/** sumLast for float32 data. */
function sumLastF32(data: Float32Array, outer: Int32Array, n: number, res: TypedArray): void {
  for (let i = 0; i < outer.length; i++) {
    let acc = 0;
    for (let j = 0, p = outer[i]!; j < n; j++) acc += data[p + j]!;
    res[i] = acc;
  }
}

/** sumRows for float32 data. */
function sumRowsF32(data: Float32Array, inner: Int32Array, base: number, m: number, res: TypedArray): void {
  const acc = new Float64Array(m);
  for (let k = 0; k < inner.length; k++) {
    const p = base + inner[k]!;
    for (let j = 0; j < m; j++) acc[j]! += data[p + j]!;
  }
  for (let j = 0; j < m; j++) res[j] = acc[j]!;
}

/** Elements from which a float32 sum over leading dims runs on the wasm kernel. */
const SUM_ROWS_WASM_MIN = 2048;

/** Whether the rows at these offsets follow each other with no gap (row k at k * m). */
function denseRows(inner: Int32Array, m: number): boolean {
  for (let k = 0; k < inner.length; k++) if (inner[k] !== k * m) return false;
  return true;
}

function sumKernel(x: KernelInput, sp: Split, res: TypedArray): void {
  const data = dataOf(x.storage);
  const m = res.length;
  if (sp.innerShape.length === 1 && sp.innerStrides[0] === 1) {
    // last-axis reduction: one tight loop per output element
    const outer = offsetsOf(sp.outerShape, sp.outerStrides, x.offset);
    if (data instanceof Float32Array) sumLastF32(data, outer, sp.innerShape[0]!, res);
    else sumLast(data, outer, sp.innerShape[0]!, res);
    return;
  }
  // NOTE: the reduced dims' offsets are built only here: a full reduction of a big tensor would
  // otherwise allocate and fill one Int32 per element just to skip them
  const inner = offsetsOf(sp.innerShape, sp.innerStrides);
  if (sp.outerShape.length === 1 && sp.outerStrides[0] === 1) {
    // leading-dim reduction (bias gradients): add whole contiguous rows into an accumulator
    if (data instanceof Float32Array && res instanceof Float32Array && m * inner.length >= SUM_ROWS_WASM_MIN && denseRows(inner, m) &&
      sumRowsF32Wasm(data, x.offset, inner.length, m, res)) return; // the same sums in wasm SIMD
    if (data instanceof Float32Array) sumRowsF32(data, inner, x.offset, m, res);
    else sumRows(data, inner, x.offset, m, res);
    return;
  }
  const outer = offsetsOf(sp.outerShape, sp.outerStrides, x.offset);
  for (let i = 0; i < m; i++) {
    let acc = 0;
    const b = outer[i]!;
    for (let k = 0; k < inner.length; k++) acc += data[b + inner[k]!]!;
    res[i] = acc;
  }
}

function extremumKernel(kind: Exclude<ReduceKind, 'sum'>, x: KernelInput, sp: Split, res: TypedArray): void {
  const data = dataOf(x.storage);
  const inner = offsetsOf(sp.innerShape, sp.innerStrides);
  const outer = offsetsOf(sp.outerShape, sp.outerStrides, x.offset);
  const isMax = kind === 'amax' || kind === 'argmax';
  const wantIndex = kind === 'argmax' || kind === 'argmin';
  for (let i = 0; i < res.length; i++) {
    const b = outer[i]!;
    let best = data[b + inner[0]!]!;
    let at = 0;
    for (let k = 1; k < inner.length && best === best; k++) {
      const v = data[b + inner[k]!]!;
      // NOTE: NaN wins (it propagates through max/min and argmax/argmin return its index, as PyTorch)
      if ((isMax ? v > best : v < best) || v !== v) {
        best = v;
        at = k;
      }
    }
    res[i] = wantIndex ? at : best;
  }
}

/** Builds the CPU kernel of one reduction primitive. */
export function reduceKernel(kind: ReduceKind): Kernel {
  return (inputs, out, attrs: Attrs) => {
    const x = inputs[0]!;
    const dims = attrs['dims'] as readonly number[];
    const res = allocOut(out.dtype, sizeOf(out.shape));
    if (res.length > 0) {
      const sp = split(x, dims);
      if (kind === 'sum') {
        if (sizeOf(sp.innerShape) > 0) sumKernel(x, sp, res);
      } else extremumKernel(kind, x, sp, res);
    }
    return wrap(res, out.dtype);
  };
}
