// The scatter kernels: a copy of x with src written (or added, or multiplied) at the positions an
// index tensor names along one dim, in row-major order of the index (a later write wins); and
// scatterReduce's sum, prod, mean, amax and amin, with or without x's own values.

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { IndexError } from '../../errors.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import { gatherStrided, offsetsOf } from '../../strided.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { allocOut } from './reuse.js';

// x copied, then f(p, i) called for output position p and index/src position i
function each(op: string, inputs: readonly KernelInput[], outShape: readonly number[], res: TypedArray, dim: number, f: (p: number, i: number) => void): void {
  const [x, index] = [inputs[0]!, inputs[1]!];
  gatherStrided(dataOf(x.storage), x.shape, x.strides, x.offset, res);
  const idx = contiguousData(index);
  const strides = contiguousStrides(outShape);
  const base = offsetsOf(index.shape, strides.map((s, i) => (i === dim ? 0 : s)));
  const size = x.shape[dim]!;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k < 0 || k >= size) {
      throw new IndexError(op, `index ${k} is out of bounds for dim ${dim} with size ${size}`, { x: x.shape, index: index.shape }, `indices must be in [0, ${size - 1}]`);
    }
    f(base[i]! + k * strides[dim]!, i);
  }
}

/** out = x; out[pos with dim replaced by index[pos]] = src[pos] (or += / *= with `reduce`). */
export const scatterKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const reduce = attrs['reduce'] as 'none' | 'add' | 'multiply';
  const res = allocOut(out.dtype, sizeOf(out.shape));
  const vals = contiguousData(inputs[2]!);
  each('scatter', inputs, out.shape, res, attrs['dim'] as number, (p, i) => {
    res[p] = reduce === 'add' ? res[p]! + vals[i]! : reduce === 'multiply' ? res[p]! * vals[i]! : vals[i]!;
  });
  return wrap(res, out.dtype);
};

const IDENTITY = { sum: 0, mean: 0, prod: 1, amax: -Infinity, amin: Infinity } as const;

/** scatterReduce: each written position combines x's value (with includeSelf) and every src value sent to it. */
export const scatterReduceKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const reduce = attrs['reduce'] as keyof typeof IDENTITY;
  const includeSelf = attrs['includeSelf'] as boolean;
  const res = allocOut(out.dtype, sizeOf(out.shape));
  const vals = contiguousData(inputs[2]!);
  const count = new Int32Array(res.length);
  const dim = attrs['dim'] as number;
  each('scatterReduce', inputs, out.shape, res, dim, (p) => {
    if (count[p] === 0) {
      count[p] = includeSelf ? 1 : 0;
      if (!includeSelf) res[p] = IDENTITY[reduce];
    }
  });
  const pick = (a: number, b: number, max: boolean) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : max ? Math.max(a, b) : Math.min(a, b));
  const seen = new Uint8Array(res.length);
  each('scatterReduce', inputs, out.shape, allocOut(out.dtype, res.length), dim, (p, i) => {
    const v = vals[i]!;
    const r = res[p]!;
    res[p] = reduce === 'sum' || reduce === 'mean' ? r + v : reduce === 'prod' ? r * v : pick(r, v, reduce === 'amax');
    seen[p] = 1;
    count[p]!++;
  });
  if (reduce === 'mean') {
    const int = out.dtype === 'int32';
    for (let p = 0; p < res.length; p++) {
      if (!seen[p]) continue;
      res[p] = int ? Math.floor(res[p]! / count[p]!) : res[p]! / count[p]!;
    }
  }
  return wrap(res, out.dtype);
};
