// Elementwise kernels generated from each op's `scalar`: one kernel per (op, output dtype,
// coalesced shape, input strides); broadcast inputs have stride 0 and 1-element host values are uniforms.

import type { OpKey } from '../../../backend.js';
import type { DType } from '../../../dtype.js';
import { broadcastStrides } from '../../../shape.js';
import { coords, offset, scalarFunction } from '../codegen.js';
import { kernelFor, launch } from '../runtime.js';
import { bufOf, coalesceWithOut, sig, type Impl } from './common.js';

const convert: Record<DType, string> = { float32: '', float64: '', float16: '', bfloat16: '', int32: 'tsgInt', bool: 'tsgBool' }; // no half types on the device

/** The kernel of an elementwise op (its `scalar` becomes the gpu.js helper `tsgOp`). */
export function elementwise(op: OpKey): Impl {
  let fn: string | undefined;
  return (snaps, out) => {
    fn ??= scalarFunction('tsgOp', op.scalar!);
    const arrays = snaps.filter((s) => s.host === null);
    const hosts = snaps.filter((s) => s.host !== null);
    const c = coalesceWithOut(out.shape, arrays.map((s) => broadcastStrides(s.view.shape, s.view.strides, out.shape)));
    const key = `ew|${op.name}|${out.dtype}|${sig(c.shape)}|${snaps.map((s) => (s.host !== null ? 'h' : 'x')).join('')}|${c.views.map(sig).join('|')}`;
    const source = fn;
    const k = kernelFor(key, () => {
      const ix = coords(c.shape, 'i', 'c');
      let a = 0;
      let h = 0;
      const args = snaps.map((s) => (s.host !== null ? `h${h++}` : `x${a}[${offset(ix.names, c.views[a]!, `o${a++}`)}]`));
      const params = [...arrays.map((_, j) => `x${j}`), ...arrays.map((_, j) => `o${j}`), ...hosts.map((_, j) => `h${j}`)];
      const conv = convert[out.dtype];
      return {
        source: `function (${params.join(', ')}) {\n  const i = this.thread.x;\n  ${ix.code}\n  return ${conv}(tsgOp(${args.join(', ')}));\n}`,
        argumentTypes: [...arrays.map(() => 'Array' as const), ...arrays.map(() => 'Float' as const), ...hosts.map(() => 'Float' as const)],
        functions: [source],
        size: c.shape.reduce((x, y) => x * y, 1),
      };
    });
    return launch(k, arrays.map(bufOf), [...arrays.map((s) => s.view.offset), ...hosts.map((s) => s.host!)]);
  };
}

/** A strided copy into contiguous memory (clone, and materialising views), with dtype conversion. */
export const identityOp: OpKey = { name: 'clone', kind: 'elementwise', scalar: (x: number) => x };
