// The sort kernel: per line along one dim, the stable order of the values (NaN sorts as the
// largest value, as in PyTorch), as int32 positions.

import type { Attrs, Kernel } from '../../backend.js';
import { decodeHalf, isHalf } from '../../half.js';
import { sizeOf } from '../../shape.js';
import { contiguousData, wrap } from './storage.js';

/** out[..., k, ...] = the position along `dim` of the k-th value in sorted order (ties keep their order). */
export const argsortKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const x = inputs[0]!;
  const dim = attrs['dim'] as number;
  const descending = attrs['descending'] as boolean;
  const raw = contiguousData(x);
  const data = isHalf(x.dtype) ? decodeHalf(raw, x.dtype) : raw;
  const n = x.shape[dim]!;
  const inner = sizeOf(x.shape.slice(dim + 1));
  const outer = sizeOf(x.shape.slice(0, dim));
  const res = new Int32Array(sizeOf(out.shape));
  const line = new Float64Array(n);
  const order: number[] = Array.from({ length: n }, () => 0);
  // ascending: a before b when a < b, NaN last; descending: a before b when a > b, NaN first
  const asc = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * n * inner + r;
      for (let i = 0; i < n; i++) {
        line[i] = data[base + i * inner]!;
        order[i] = i;
      }
      // Array.prototype.sort is stable: equal values keep their positions' order
      order.sort(descending ? (a, b) => asc(line[b]!, line[a]!) : (a, b) => asc(line[a]!, line[b]!));
      for (let i = 0; i < n; i++) res[base + i * inner] = order[i]!;
    }
  }
  return wrap(res, 'int32');
};
