// The scatter kernel: a copy of x with src written (or added, or multiplied) at the positions an
// index tensor names along one dim, in row-major order of the index (a later write wins).

import type { Attrs, Kernel } from '../../backend.js';
import { allocArray } from '../../dtype.js';
import { IndexError } from '../../errors.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import { gatherStrided, offsetsOf } from '../../strided.js';
import { contiguousData, dataOf, wrap } from './storage.js';

/** out = x; out[pos with dim replaced by index[pos]] = src[pos] (or += / *= with `reduce`). */
export const scatterKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, index, src] = [inputs[0]!, inputs[1]!, inputs[2]!];
  const dim = attrs['dim'] as number;
  const reduce = attrs['reduce'] as 'none' | 'add' | 'multiply';
  const res = allocArray(out.dtype, sizeOf(out.shape));
  gatherStrided(dataOf(x.storage), x.shape, x.strides, x.offset, res);
  const idx = contiguousData(index);
  const vals = contiguousData(src);
  const strides = contiguousStrides(out.shape);
  const base = offsetsOf(index.shape, strides.map((s, i) => (i === dim ? 0 : s)));
  const size = x.shape[dim]!;
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (k < 0 || k >= size) {
      throw new IndexError('scatter', `index ${k} is out of bounds for dim ${dim} with size ${size}`, { x: x.shape, index: index.shape }, `indices must be in [0, ${size - 1}]`);
    }
    const p = base[i]! + k * strides[dim]!;
    res[p] = reduce === 'add' ? res[p]! + vals[i]! : reduce === 'multiply' ? res[p]! * vals[i]! : vals[i]!;
  }
  return wrap(res, out.dtype);
};
