// Copy kernels: cat (at most 6 inputs per kernel, staged beyond), sliceScatter, and the in-place
// write of a view (a new buffer generation: the old values outside the view, the source inside).

import type { Attrs, KernelInput } from '../../../backend.js';
import { broadcastStrides, contiguousStrides } from '../../../shape.js';
import type { Handle } from '../device.js';
import { coords, offset } from '../codegen.js';
import { dropAll, kernelFor, launch, launchBuf, type Compiled } from '../runtime.js';
import type { Buf } from '../storage.js';
import { bufOf, sig, type Impl } from './common.js';

/** Inputs per cat kernel (WebGPU guarantees 8 storage buffers per shader stage, one is the output). */
const MAX_INPUTS = 6;
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

interface Part {
  readonly buf: Buf;
  readonly view: Pick<KernelInput, 'shape' | 'strides' | 'offset'>;
}

function catKernel(parts: readonly Part[], outShape: readonly number[], dim: number): Compiled {
  const key = `cat|${dim}|${sig(outShape)}|${parts.map((p) => `${sig(p.view.shape)}/${sig(p.view.strides)}`).join('|')}`;
  return kernelFor(key, () => {
    const ix = coords(outShape, 'i', 'c');
    const cd = ix.names[dim]!;
    let start = 0;
    const branches = parts.map((p, j) => {
      const names = ix.names.map((c, d) => (d === dim ? `(${cd} - ${start})` : c));
      const read = `v = x${j}[${offset(names, p.view.strides, `o${j}`)}];`;
      start += p.view.shape[dim]!;
      return j === parts.length - 1 ? `{ ${read} }` : `if (${cd} < ${start}) { ${read} }`;
    });
    const params = [...parts.map((_, j) => `x${j}`), ...parts.map((_, j) => `o${j}`)];
    return {
      source: `function (${params.join(', ')}) {\n  const i = this.thread.x;\n  ${ix.code}\n  let v = 0;\n  ${branches.join(' else ')}\n  return v;\n}`,
      argumentTypes: [...parts.map(() => 'Array' as const), ...parts.map(() => 'Float' as const)],
      size: size(outShape),
    };
  });
}

/** Concatenation along `dim`. */
export const cat: Impl = (snaps, out, attrs: Attrs) => {
  const dim = attrs['dim'] as number;
  let parts: Part[] = snaps.filter((s) => s.view.shape[dim] !== 0).map((s) => ({ buf: bufOf(s), view: s.view }));
  const temps: Buf[] = [];
  while (parts.length > MAX_INPUTS) {
    const next: Part[] = [];
    for (let g = 0; g < parts.length; g += MAX_INPUTS) {
      const group = parts.slice(g, g + MAX_INPUTS);
      const shape = out.shape.map((s, d) => (d === dim ? group.reduce((a, p) => a + p.view.shape[dim]!, 0) : s));
      const buf = launchBuf(catKernel(group, shape, dim), group.map((p) => p.buf), group.map((p) => p.view.offset), size(shape));
      temps.push(buf);
      next.push({ buf, view: { shape, strides: contiguousStrides(shape), offset: 0 } });
    }
    parts = next;
  }
  const r = launch(catKernel(parts, out.shape, dim), parts.map((p) => p.buf), parts.map((p) => p.view.offset));
  dropAll(temps);
  return r;
};

/** A copy of x with src written into the slice start:end:step of dim. */
export const sliceScatter: Impl = (snaps, out, attrs: Attrs) => {
  const [x, src] = [snaps[0]!.view, snaps[1]!.view];
  const { dim, start, step } = attrs as { dim: number; start: number; step: number };
  const len = src.shape[dim]!;
  const key = `ss|${dim},${start},${step}|${sig(out.shape)}|${sig(x.strides)}|${sig(src.shape)}/${sig(src.strides)}`;
  const k = kernelFor(key, () => {
    const ix = coords(out.shape, 'i', 'c');
    const cd = ix.names[dim]!;
    const names = ix.names.map((c, d) => (d === dim ? 'j' : c));
    return {
      source: `function (x0, x1, o0, o1) {
  const i = this.thread.x;
  ${ix.code}
  let v = x0[${offset(ix.names, x.strides, 'o0')}];
  const t = ${cd} - ${start};
  if (t >= 0) {
    const j = tsgDiv(t, ${step});
    if (j < ${len} && t - j * ${step} === 0) { v = x1[${offset(names, src.strides, 'o1')}]; }
  }
  return v;
}`,
      argumentTypes: ['Array', 'Array', 'Float', 'Float'],
      size: size(out.shape),
    };
  });
  return launch(k, [bufOf(snaps[0]!), bufOf(snaps[1]!)], [x.offset, src.offset]);
};

/** Dims of a view ordered by decreasing stride, if each stride exceeds the extent of the dims after it (no overlap). */
export function invertibleOrder(shape: readonly number[], strides: readonly number[]): number[] | null {
  const dims = shape.map((_, d) => d).filter((d) => shape[d]! > 1).sort((a, b) => strides[b]! - strides[a]!);
  let extent = 0;
  for (let j = dims.length - 1; j >= 0; j--) {
    const d = dims[j]!;
    if (strides[d]! <= extent) return null;
    extent += strides[d]! * (shape[d]! - 1);
  }
  return dims;
}

/**
 * A new generation of a storage of `total` cells: `dst`'s old buffer with the view `dst` replaced
 * by `src` (broadcast to dst's shape). `order` comes from `invertibleOrder`.
 */
export function writeView(old: Buf, total: number, dst: KernelInput, src: Part, order: readonly number[], conv: string): Handle | Promise<Handle> {
  const ss = broadcastStrides(src.view.shape, src.view.strides, dst.shape);
  const key = `wv|${total}|${sig(dst.shape)}/${sig(dst.strides)}|${sig(ss)}|${conv}`;
  const k = kernelFor(key, () => {
    const lines = ['let ok = 1;', 'let r = p - o0;'];
    const names = dst.shape.map(() => '0');
    for (const d of order) {
      names[d] = `c${d}`;
      lines.push(`const c${d} = tsgDiv(r, ${dst.strides[d]});`, `if (c${d} < 0 || c${d} >= ${dst.shape[d]}) { ok = 0; }`, `r = r - c${d} * ${dst.strides[d]};`);
    }
    lines.push('if (r !== 0) { ok = 0; }', `if (ok > 0.5) { v = ${conv}(x1[${offset(names, ss, 'o1')}]); }`);
    return {
      source: `function (x0, x1, o0, o1) {\n  const p = this.thread.x;\n  let v = x0[p];\n  ${lines.join('\n  ')}\n  return v;\n}`,
      argumentTypes: ['Array', 'Array', 'Float', 'Float'],
      size: total,
    };
  });
  return launch(k, [old, src.buf], [dst.offset, src.view.offset]);
}
