// Index kernels: gather and indexSelect read through an index tensor (out-of-range indices give
// NaN: a device cannot throw); scatterAdd and indexAdd are written gather-style, each output
// element summing the sources whose index points at it.

import type { Attrs } from '../../../backend.js';
import { coords, offset } from '../codegen.js';
import { kernelFor, launch } from '../runtime.js';
import { bufOf, sig, type Impl } from './common.js';
import type { Snap } from '../fallback.js';

const HEAD = 'const i = this.thread.x;';
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const key = (name: string, snaps: readonly Snap[], dim: number) =>
  `${name}|${dim}|${snaps.map((s) => `${sig(s.view.shape)}/${sig(s.view.strides)}`).join('|')}`;

/** out[c] = x[c with dim replaced by index[c]] (index has the output's shape). */
export const gather: Impl = (snaps, out, attrs: Attrs) => {
  const [x, idx] = [snaps[0]!.view, snaps[1]!.view];
  const dim = attrs['dim'] as number;
  const k = kernelFor(key('gather', snaps, dim), () => {
    const ix = coords(out.shape, 'i', 'c');
    const xs = x.strides.map((s, d) => (d === dim ? 0 : s));
    return {
      source: `function (x0, x1, o0, o1) {
  ${HEAD}
  ${ix.code}
  const t = x1[${offset(ix.names, idx.strides, 'o1')}];
  if (t < 0 || t >= ${x.shape[dim]}) { return tsgNan(); }
  return x0[${offset(ix.names, xs, 'o0')} + t * ${x.strides[dim]}];
}`,
      argumentTypes: ['Array', 'Array', 'Float', 'Float'],
      size: size(out.shape),
    };
  });
  return launch(k, [bufOf(snaps[0]!), bufOf(snaps[1]!)], [x.offset, idx.offset]);
};

/** out.select(dim, k) = x.select(dim, index[k]). */
export const indexSelect: Impl = (snaps, out, attrs: Attrs) => {
  const [x, idx] = [snaps[0]!.view, snaps[1]!.view];
  const dim = attrs['dim'] as number;
  const k = kernelFor(key('indexSelect', snaps, dim), () => {
    const ix = coords(out.shape, 'i', 'c');
    const rank0 = x.shape.length === 0;
    const kk = rank0 ? 'i' : ix.names[dim]!;
    const xs = x.strides.map((s, d) => (d === dim ? 0 : s));
    const src = rank0 ? 'x0[o0]' : `x0[${offset(ix.names, xs, 'o0')} + t * ${x.strides[dim]}]`;
    return {
      source: `function (x0, x1, o0, o1) {
  ${HEAD}
  ${ix.code}
  const t = x1[o1 + ${kk} * ${idx.strides[0] ?? 0}];
  if (t < 0 || t >= ${rank0 ? 1 : x.shape[dim]}) { return tsgNan(); }
  return ${src};
}`,
      argumentTypes: ['Array', 'Array', 'Float', 'Float'],
      size: size(out.shape),
    };
  });
  return launch(k, [bufOf(snaps[0]!), bufOf(snaps[1]!)], [x.offset, idx.offset]);
};

/** A copy of x with src[q] added at x[q with dim replaced by index[q]], for every q of index's shape. */
export const scatterAdd: Impl = (snaps, out, attrs: Attrs) => {
  const [x, idx, src] = [snaps[0]!.view, snaps[1]!.view, snaps[2]!.view];
  const dim = attrs['dim'] as number;
  const k = kernelFor(key('scatterAdd', snaps, dim), () => {
    const ix = coords(out.shape, 'i', 'c');
    const inRange = idx.shape.map((s, d) => (d === dim || s >= out.shape[d]! ? '' : `${ix.names[d]} < ${s}`)).filter(Boolean);
    const at = (strides: readonly number[], base: string) => `${offset(ix.names, strides.map((s, d) => (d === dim ? 0 : s)), base)} + j * ${strides[dim]}`;
    const loop = idx.shape[dim]! === 0 ? '' : `for (let j = 0; j < ${idx.shape[dim]}; j++) {
    if (x1[${at(idx.strides, 'o1')}] === ${ix.names[dim]}) { acc = acc + x2[${at(src.strides, 'o2')}]; }
  }`;
    return {
      source: `function (x0, x1, x2, o0, o1, o2) {
  ${HEAD}
  ${ix.code}
  let acc = x0[${offset(ix.names, x.strides, 'o0')}];
  ${inRange.length ? `if (${inRange.join(' && ')}) {\n  ${loop}\n  }` : loop}
  return acc;
}`,
      argumentTypes: ['Array', 'Array', 'Array', 'Float', 'Float', 'Float'],
      size: size(out.shape),
    };
  });
  return launch(k, snaps.map(bufOf), [x.offset, idx.offset, src.offset]);
};

/** A copy of x with source.select(dim, k) added at x.select(dim, index[k]). */
export const indexAdd: Impl = (snaps, out, attrs: Attrs) => {
  const [x, idx, src] = [snaps[0]!.view, snaps[1]!.view, snaps[2]!.view];
  const dim = attrs['dim'] as number;
  const n = idx.shape[0] ?? 1;
  const k = kernelFor(key('indexAdd', snaps, dim), () => {
    const ix = coords(out.shape, 'i', 'c');
    const rank0 = x.shape.length === 0;
    const target = rank0 ? '0' : ix.names[dim]!;
    const srcAt = rank0 ? `o2 + j * ${src.strides[0] ?? 0}` : `${offset(ix.names, src.strides.map((s, d) => (d === dim ? 0 : s)), 'o2')} + j * ${src.strides[dim]}`;
    return {
      source: `function (x0, x1, x2, o0, o1, o2) {
  ${HEAD}
  ${ix.code}
  let acc = x0[${offset(ix.names, x.strides, 'o0')}];
  for (let j = 0; j < ${n}; j++) {
    if (x1[o1 + j * ${idx.strides[0] ?? 0}] === ${target}) { acc = acc + x2[${srcAt}]; }
  }
  return acc;
}`,
      argumentTypes: ['Array', 'Array', 'Array', 'Float', 'Float', 'Float'],
      size: size(out.shape),
    };
  });
  return launch(k, snaps.map(bufOf), [x.offset, idx.offset, src.offset]);
};
