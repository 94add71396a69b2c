// Fused softmax/logSoftmax along one dim: max, sum of exponentials and output in one pass per row.

import type { Attrs, Kernel } from '../../backend.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
import { offsetsOf } from '../../strided.js';
import { dataOf, wrap } from './storage.js';
import { allocOut } from './reuse.js';

function rowwise(log: boolean): Kernel {
  return (inputs, out, attrs: Attrs) => {
    const x = inputs[0]!;
    const dim = attrs['dim'] as number;
    const res = allocOut(out.dtype, sizeOf(out.shape));
    if (res.length === 0) return wrap(res, out.dtype);
    if (x.shape.length === 0) {
      res[0] = log ? 0 : 1;
      return wrap(res, out.dtype);
    }
    const data = dataOf(x.storage);
    const n = x.shape[dim]!;
    const sx = x.strides[dim]!;
    const oStrides = contiguousStrides(out.shape);
    const so = oStrides[dim]!;
    const outerShape = x.shape.map((s, i) => (i === dim ? 1 : s));
    const inBase = offsetsOf(outerShape, x.strides, x.offset);
    const outBase = offsetsOf(outerShape, oStrides);
    const tmp = new Float64Array(n);
    for (let r = 0; r < inBase.length; r++) {
      const b = inBase[r]!;
      let m = -Infinity;
      for (let j = 0; j < n; j++) {
        const v = data[b + j * sx]!;
        tmp[j] = v;
        if (v > m || v !== v) m = v;
      }
      if (m === -Infinity) m = 0; // an all -inf row: exp(-inf) = 0, giving NaN as PyTorch does
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(tmp[j]! - m);
      const o = outBase[r]!;
      if (log) {
        // (x - m) - log s, not x - (m + log s): the shifted value is exact, so large x keeps its precision
        const logS = Math.log(s);
        for (let j = 0; j < n; j++) res[o + j * so] = tmp[j]! - m - logS;
      } else {
        const inv = 1 / s;
        for (let j = 0; j < n; j++) res[o + j * so] = Math.exp(tmp[j]! - m) * inv;
      }
    }
    return wrap(res, out.dtype);
  };
}

export const softmaxKernel = rowwise(false);
export const logSoftmaxKernel = rowwise(true);
