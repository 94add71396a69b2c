// Copy kernels: clone (materialise a view), cat, sliceScatter, and in-place copyInto.

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { broadcastStrides, contiguousStrides, sizeOf } from '../../shape.js';
import { gatherStrided, scatterStrided } from '../../strided.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { allocOut } from './reuse.js';

/** Copies a view into new contiguous storage of the output dtype. */
export const cloneKernel: Kernel = (inputs, out) => {
  const x = inputs[0]!;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  gatherStrided(dataOf(x.storage), x.shape, x.strides, x.offset, res);
  return wrap(res, out.dtype);
};

/** Writes `src` into the region of a contiguous `dst` (of `shape`) that starts at `offset` with these strides. */
function writeRegion(dst: TypedArray, region: { shape: readonly number[]; strides: readonly number[]; offset: number }, src: KernelInput): void {
  scatterStrided(dst, region.shape, region.strides, region.offset, dataOf(src.storage), src.strides, src.offset);
}

/** Concatenation: each input is copied into its slab of the output. */
export const catKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const dim = attrs['dim'] as number;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  const strides = contiguousStrides(out.shape);
  let start = 0;
  for (const x of inputs) {
    writeRegion(res, { shape: x.shape, strides, offset: start * strides[dim]! }, x);
    start += x.shape[dim]!;
  }
  return wrap(res, out.dtype);
};

/** A copy of input with src written into the slice start:end:step of dim. */
export const sliceScatterKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, src] = [inputs[0]!, inputs[1]!];
  const { dim, start, step } = attrs as { dim: number; start: number; step: number };
  const res = allocOut(out.dtype, sizeOf(out.shape));
  gatherStrided(dataOf(x.storage), x.shape, x.strides, x.offset, res);
  const strides = contiguousStrides(out.shape);
  writeRegion(res, { shape: src.shape, strides: strides.map((s, i) => (i === dim ? s * step : s)), offset: start * strides[dim]! }, src);
  return wrap(res, out.dtype);
};

/** unfold's adjoint: every window element of grad added onto the input element it views, in one pass. */
export const unfoldBackwardKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const g = inputs[0]!;
  const { dim, step } = attrs as { dim: number; step: number };
  const res = allocOut(out.dtype, sizeOf(out.shape));
  const strides = contiguousStrides(out.shape);
  // grad[..., w (at dim), ..., j] lands at w step + j along dim: unfold's own strides over the output
  const region = [...strides.map((s, i) => (i === dim ? s * step : s)), strides[dim]!];
  scatterStrided(res, g.shape, region, 0, dataOf(g.storage), g.strides, g.offset, true);
  return wrap(res, out.dtype);
};

/** In-place write of `src` (broadcast to dst's shape) into the view `dst`. */
// whether a view is one dense row-major run from its offset
function isDense(x: KernelInput): boolean {
  let expected = 1;
  for (let i = x.shape.length - 1; i >= 0; i--) {
    if (x.shape[i] !== 1 && x.strides[i] !== expected) return false;
    expected *= x.shape[i]!;
  }
  return true;
}

export function copyInto(dst: KernelInput, src: KernelInput): void {
  const data = dataOf(dst.storage);
  if (src.dtype === dst.dtype && src.shape.length === dst.shape.length && src.shape.every((d, i) => d === dst.shape[i]) && isDense(dst) && isDense(src)) {
    const n = sizeOf(dst.shape); // one block copy (an optimizer writing its new parameter back)
    data.set(dataOf(src.storage).subarray(src.offset, src.offset + n) as never, dst.offset);
    dst.storage.version++;
    return;
  }
  const s = src.dtype === dst.dtype ? src : { ...src, storage: wrap(contiguousData(src), src.dtype), strides: contiguousStrides(src.shape), offset: 0 };
  scatterStrided(data, dst.shape, dst.strides, dst.offset, dataOf(s.storage), broadcastStrides(s.shape, s.strides, dst.shape), s.offset);
  dst.storage.version++;
}
