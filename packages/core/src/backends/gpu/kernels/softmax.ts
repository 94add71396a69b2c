// Softmax and logSoftmax along one dim in two passes: per row the log-sum-exp (max first, for
// stability), then every element as exp(x - lse) or x - lse.

import type { Attrs } from '../../../backend.js';
import { coalesce } from '../../../strided.js';
import { coords, offset } from '../codegen.js';
import { dropAll, kernelFor, launch, launchBuf } from '../runtime.js';
import { bufOf, sig, type Impl } from './common.js';

/** The softmax (or, with `log`, logSoftmax) kernel. */
export function softmax(log: boolean): Impl {
  return (snaps, out, attrs: Attrs) => {
    const x = snaps[0]!;
    const v = x.view;
    if (v.shape.length === 0) {
      const k = kernelFor(`sm0|${log}`, () => ({ source: `function () { return ${log ? 0 : 1}; }`, argumentTypes: [], size: 1 }));
      return launch(k, [], []);
    }
    const dim = attrs['dim'] as number;
    const n = v.shape[dim]!;
    const sx = v.strides[dim]!;
    const rows = v.shape.map((s, i) => (i === dim ? 1 : s));
    const [rshape, [rstrides]] = coalesce(rows, [v.strides]);
    const rowKey = `smr|${sig(rshape)}|${sig(rstrides!)}|${n},${sx}`;
    const lse = kernelFor(rowKey, () => {
      const ix = coords(rshape, 'i', 'c');
      return {
        source: `function (x0, o0) {
  const i = this.thread.x;
  ${ix.code}
  const base = ${offset(ix.names, rstrides!, 'o0')};
  let m = x0[base];
  let nan = 0;
  for (let j = 0; j < ${n}; j++) { const v = x0[base + j * ${sx}]; if (tsgIsnan(v) > 0.5) { nan = 1; } if (v > m) { m = v; } }
  if (nan > 0.5) { return tsgNan(); }
  if (m < -3.0e38) { m = 0; }
  let s = 0;
  for (let j = 0; j < ${n}; j++) { s = s + Math.exp(x0[base + j * ${sx}] - m); }
  return m + Math.log(s);
}`,
        argumentTypes: ['Array', 'Float'],
        size: rshape.reduce((a, b) => a * b, 1),
      };
    });
    const l = launchBuf(lse, [bufOf(x)], [v.offset], lse.spec.size);
    // elementwise pass: the row of output element i is i with the softmax dim dropped
    const outer = v.shape.map((s, i) => (i === dim ? 1 : s));
    const rowStrides = [...outer].map((_, i) => (i === dim ? 0 : outer.slice(i + 1).reduce((a, b) => a * b, 1)));
    const ewKey = `sme|${log}|${sig(v.shape)}|${sig(v.strides)}|${dim}`;
    const ew = kernelFor(ewKey, () => {
      const ix = coords(out.shape, 'i', 'c');
      const y = log ? 'v - l' : 'Math.exp(v - l)';
      return {
        source: `function (x0, x1, o0) {
  const i = this.thread.x;
  ${ix.code}
  const v = x0[${offset(ix.names, v.strides, 'o0')}];
  const l = x1[${offset(ix.names, rowStrides, '0')}];
  return ${y};
}`,
        argumentTypes: ['Array', 'Array', 'Float'],
        size: out.shape.reduce((a, b) => a * b, 1),
      };
    });
    const r = launch(ew, [bufOf(x), l], [v.offset]);
    dropAll([l]);
    return r;
  };
}
