// Reductions (sum, amax/amin, argmax/argmin) over any dims of a strided view: one thread per
// output element looping over the reduced dims; long contiguous sums and extrema run in two passes.

import type { Attrs } from '../../../backend.js';
import { coalesce } from '../../../strided.js';
import { coords, offset } from '../codegen.js';
import { dropAll, kernelFor, launch, launchBuf } from '../runtime.js';
import { bufOf, sig, type Impl } from './common.js';

type Kind = 'sum' | 'amax' | 'amin' | 'argmax' | 'argmin';

/** Reduced loops longer than this split into chunks of CHUNK (sum, amax, amin over one contiguous run). */
const CHUNK = 1024;

interface Plan {
  readonly outer: number[];
  readonly outerStrides: number[];
  readonly inner: number[];
  readonly innerStrides: number[];
}

function plan(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Plan {
  const keep = shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const [outer, [outerStrides]] = coalesce(keep.map((i) => shape[i]!), [keep.map((i) => strides[i]!)]);
  const [inner, [innerStrides]] = dims.length === 0 ? [[1], [[0]]] : coalesce(dims.map((i) => shape[i]!), [dims.map((i) => strides[i]!)]);
  return { outer, outerStrides: outerStrides!, inner, innerStrides: innerStrides! };
}

// Loop body per kind; `v` is the element, `k` its position among the reduced elements.
const STEP: Record<Kind, string> = {
  sum: 'acc = acc + v;',
  amax: 'if (tsgIsnan(v) > 0.5) { nan = 1; } if (v > acc) { acc = v; }',
  amin: 'if (tsgIsnan(v) > 0.5) { nan = 1; } if (v < acc) { acc = v; }',
  argmax: 'if (nan < 0.5) { if (tsgIsnan(v) > 0.5) { nan = 1; at = k; } else { if (v > acc) { acc = v; at = k; } } }',
  argmin: 'if (nan < 0.5) { if (tsgIsnan(v) > 0.5) { nan = 1; at = k; } else { if (v < acc) { acc = v; at = k; } } }',
};
const RESULT: Record<Kind, string> = { sum: 'acc', amax: 'nan > 0.5 ? tsgNan() : acc', amin: 'nan > 0.5 ? tsgNan() : acc', argmax: 'at', argmin: 'at' };

/** One pass: thread i reduces the inner dims (or, with `chunk`, one chunk of a single inner dim) at outer position i. */
function pass(kind: Kind, p: Plan, chunk: number): { key: string; build: () => { source: string; size: number } } {
  const n = p.inner.reduce((a, b) => a * b, 1);
  const chunks = chunk > 0 ? Math.ceil(n / chunk) : 1;
  const outShape = chunk > 0 ? [...p.outer, chunks] : p.outer;
  const key = `red|${kind}|${sig(p.outer)}|${sig(p.outerStrides)}|${sig(p.inner)}|${sig(p.innerStrides)}|${chunk}`;
  return {
    key,
    build: () => {
      const ix = coords(outShape, 'i', 'c');
      const base = offset(ix.names.slice(0, p.outer.length), p.outerStrides, 'o0');
      const lines = [`const base = ${base};`];
      const init = p.innerStrides.length === 1 && chunk > 0 ? `base + ${ix.names[p.outer.length]} * ${chunk * p.innerStrides[0]!}` : 'base';
      lines.push(`let acc = ${kind === 'sum' ? '0' : `x0[${init}]`};`, 'let nan = 0;', 'let at = 0;');
      if (chunk > 0) {
        const cc = ix.names[p.outer.length]!;
        lines.push(`for (let j = 0; j < ${chunk}; j++) {`, `  const k = ${cc} * ${chunk} + j;`,
          `  if (k < ${n}) { const v = x0[base + k * ${p.innerStrides[0]}]; ${STEP[kind]} }`, '}');
      } else {
        const loops = p.inner.map((s, d) => `for (let k${d} = 0; k${d} < ${s}; k${d}++) {`);
        const flat = p.inner.map((_, d) => `k${d} * ${p.inner.slice(d + 1).reduce((a, b) => a * b, 1)}`).join(' + ');
        const off = p.inner.map((_, d) => `k${d} * ${p.innerStrides[d]}`).join(' + ');
        lines.push(...loops, `const k = ${flat};`, `const v = x0[base + ${off}];`, STEP[kind], ...p.inner.map(() => '}'));
      }
      lines.push(`return ${RESULT[kind]};`);
      return { source: `function (x0, o0) {\n  const i = this.thread.x;\n  ${ix.code}\n  ${lines.join('\n  ')}\n}`, size: outShape.reduce((a, b) => a * b, 1) };
    },
  };
}

function compiled(kind: Kind, p: Plan, chunk: number) {
  const { key, build } = pass(kind, p, chunk);
  return kernelFor(key, () => ({ ...build(), argumentTypes: ['Array', 'Float'] }));
}

/** The kernel of one reduction primitive. */
export function reduce(kind: Kind): Impl {
  return (snaps, out, attrs: Attrs) => {
    const x = snaps[0]!;
    if (x.buf === null) {
      // an empty input (sum over a size-0 dim): zeros, nothing to read
      const k = kernelFor(`red0|${sig(out.shape)}`, () => ({ source: 'function () { return 0; }', argumentTypes: [], size: out.shape.reduce((a, b) => a * b, 1) }));
      return launch(k, [], []);
    }
    const p = plan(x.view.shape, x.view.strides, attrs['dims'] as readonly number[]);
    const n = p.inner.reduce((a, b) => a * b, 1);
    const buf = bufOf(x);
    if (n > 2 * CHUNK && p.inner.length === 1 && (kind === 'sum' || kind === 'amax' || kind === 'amin')) {
      // pass 1: [outer, chunks] partial results; pass 2 reduces the chunks (contiguous)
      const first = compiled(kind, p, CHUNK);
      const partial = launchBuf(first, [buf], [x.view.offset], first.spec.size);
      const chunks = Math.ceil(n / CHUNK);
      const outer = p.outer.reduce((a, b) => a * b, 1);
      const p2: Plan = { outer: [outer], outerStrides: [chunks], inner: [chunks], innerStrides: [1] };
      const r = launch(compiled(kind, p2, 0), [partial], [0]);
      dropAll([partial]);
      return r;
    }
    return launch(compiled(kind, p, 0), [buf], [x.view.offset]);
  };
}
