// Index kernels: gather/scatterAdd (index of the input's rank) and indexSelect/indexAdd (1-D
// index of whole slices). Out-of-range indices throw an IndexError naming the op.

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { IndexError, type ArgInfo } from '../../errors.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import { gatherStrided, offsetsOf, scatterStrided } from '../../strided.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { allocOut } from './reuse.js';

// The arguments as errors show them (names as in the op definitions: x, index, then src/source).
function argsOf(inputs: readonly KernelInput[], third: string): Record<string, ArgInfo> {
  const names = ['x', 'index', third];
  return Object.fromEntries(inputs.map((t, i) => [names[i]!, { shape: t.shape, dtype: t.dtype }]));
}

function checkedIndex(op: string, v: number, size: number, dim: number, inputs: readonly KernelInput[], third = 'src'): number {
  if (v < 0 || v >= size) {
    throw new IndexError(op, `index ${v} is out of bounds for dim ${dim} with size ${size}`, argsOf(inputs, third), `indices must be in [0, ${size - 1}]`);
  }
  return v;
}

/** out[pos] = x[pos with dim replaced by index[pos]]. */
export const gatherKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, index] = [inputs[0]!, inputs[1]!];
  const dim = attrs['dim'] as number;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  const idx = contiguousData(index);
  const base = offsetsOf(index.shape, x.strides.map((s, i) => (i === dim ? 0 : s)), x.offset);
  const data = dataOf(x.storage);
  const size = x.shape[dim]!;
  const sd = x.strides[dim]!;
  for (let i = 0; i < res.length; i++) res[i] = data[base[i]! + checkedIndex('gather', idx[i]!, size, dim, inputs) * sd]!;
  return wrap(res, out.dtype);
};

/** A copy of x with src[pos] added at x[pos with dim replaced by index[pos]]. */
export const scatterAddKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, index, src] = [inputs[0]!, inputs[1]!, inputs[2]!];
  const dim = attrs['dim'] as number;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  gatherStrided(dataOf(x.storage), x.shape, x.strides, x.offset, res);
  const idx = contiguousData(index);
  const vals = contiguousData(src);
  const strides = contiguousStrides(out.shape);
  const base = offsetsOf(index.shape, strides.map((s, i) => (i === dim ? 0 : s)));
  const size = x.shape[dim]!;
  for (let i = 0; i < idx.length; i++) {
    const p = base[i]! + checkedIndex('scatterAdd', idx[i]!, size, dim, inputs) * strides[dim]!;
    res[p] = res[p]! + vals[i]!;
  }
  return wrap(res, out.dtype);
};

function slabOf(x: { shape: readonly number[]; strides: readonly number[] }, dim: number) {
  return { shape: x.shape.filter((_, i) => i !== dim), strides: x.strides.filter((_, i) => i !== dim) };
}

/** out.select(dim, k) = x.select(dim, index[k]). */
export const indexSelectKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, index] = [inputs[0]!, inputs[1]!];
  const dim = attrs['dim'] as number;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  const idx = contiguousData(index);
  const data = dataOf(x.storage);
  if (x.shape.length === 0) {
    for (let k = 0; k < idx.length; k++) res[k] = data[x.offset + checkedIndex('indexSelect', idx[k]!, 1, 0, inputs) * 0]!;
    return wrap(res, out.dtype);
  }
  const slab = slabOf(x, dim);
  const outStrides = contiguousStrides(out.shape);
  const outSlab = outStrides.filter((_, i) => i !== dim);
  const size = x.shape[dim]!;
  const contiguousRows = dim === 0 && x.strides.every((s, i) => i === 0 || s === outStrides[i]);
  const rowLen = sizeOf(slab.shape);
  for (let k = 0; k < idx.length; k++) {
    const src = x.offset + checkedIndex('indexSelect', idx[k]!, size, dim, inputs) * x.strides[dim]!;
    if (contiguousRows) (res as TypedArray).set((data as TypedArray).subarray(src, src + rowLen) as never, k * rowLen);
    else scatterStrided(res, slab.shape, outSlab, k * outStrides[dim]!, data, slab.strides, src);
  }
  return wrap(res, out.dtype);
};

/** A copy of x with source.select(dim, k) added at x.select(dim, index[k]). */
export const indexAddKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, index, source] = [inputs[0]!, inputs[1]!, inputs[2]!];
  const dim = attrs['dim'] as number;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  gatherStrided(dataOf(x.storage), x.shape, x.strides, x.offset, res);
  const idx = contiguousData(index);
  if (x.shape.length === 0) {
    const src = contiguousData(source);
    for (let k = 0; k < idx.length; k++) res[checkedIndex('indexAdd', idx[k]!, 1, 0, inputs, 'source')] = res[0]! + src[k]!;
    return wrap(res, out.dtype);
  }
  const outStrides = contiguousStrides(out.shape);
  const outSlab = outStrides.filter((_, i) => i !== dim);
  const srcSlab = slabOf(source as KernelInput, dim);
  const srcData = dataOf(source.storage);
  const size = x.shape[dim]!;
  for (let k = 0; k < idx.length; k++) {
    const dst = checkedIndex('indexAdd', idx[k]!, size, dim, inputs, 'source') * outStrides[dim]!;
    scatterStrided(res, srcSlab.shape, outSlab, dst, srcData, srcSlab.strides, source.offset + k * source.strides[dim]!, true);
  }
  return wrap(res, out.dtype);
};
