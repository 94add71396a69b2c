// The conformance cases of the sorting, scan, shape and index ops (conformance.ts runs them with
// the cases of conformance-specs.ts). nonzero, maskedSelect, unique, bincount and
// repeatInterleave with a tensor of counts read values on the host, which a GPU backend cannot
// do synchronously, so they have no device case.

import fc from 'fast-check';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor.js';
import { dimOf, draw, floatIn, intIn, shape, type Spec } from './conformance-specs.js';

/** Distinct integers 0..18 in a scrambled order (7i mod 19), of x's shape (at most 19 elements). */
const scrambledRamp = (x: Tensor) => ops.arange(x.numel(), undefined, 1, { device: x.device, dtype: x.dtype }).mul(7).remainder(19).reshape(x.shape);

export const EXTRA_SPECS: readonly Spec[] = [
  {
    // ties may break differently in float32 and float64, so the values are distinct steps
    name: 'argsort', ops: ['argsort'],
    arb: shape(1, 2).chain((s) => dimOf(s).chain((dim) => fc.record({ dim: fc.constant(dim), descending: fc.boolean() })
      .chain((a) => draw([floatIn(s, { min: -3, max: 3 }, false)], fc.constant(a))))),
    f: ([x], a) => ops.argsort(x!.add(scrambledRamp(x!).mul(7)), a['dim'] as number, a['descending'] as boolean),
  },
  {
    // sorting, scans and searches composed from argsort, gather, slices, cat and comparisons
    name: 'composite: sort, topk, median, cumsum, cumprod, prod, vectorNorm, all, any, searchsorted', ops: [],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 })).chain(([m, n]) =>
      draw([floatIn([m, n], { min: -2, max: 2 }), floatIn([n], { min: -1, max: 1 })])),
    f: ([x0, v]) => {
      const n = x0!.shape[1]!;
      // NOTE: a ramp makes the values distinct (ties may resolve differently in float32)
      const x = x0!.mul(0.1).add(scrambledRamp(x0!));
      const seq = ops.sort(v!.add(ops.arange(n, undefined, 1, { device: v!.device, dtype: v!.dtype })), 0).values;
      return ops.cat([
        ops.sort(x, 1, true).values, ops.topk(x, Math.min(2, n), 1).values, ops.median(x, 1, true).values, ops.cumsum(x, 1), ops.cumprod(x.mul(0.25), -1),
        // the products and the norm see x, not x0, whose tiny values would underflow in float32
        ops.prod(x.mul(0.25), 1, true), ops.vectorNorm(x, 3, 1, true), ops.all(x0!.gt(0), 1, true).to(x.dtype), ops.any(x0!.gt(1), 1, true).to(x.dtype),
        ops.searchsorted(seq, x.mul(0.5)).to(x.dtype),
      ].map((t) => t.reshape([-1])), 0);
    },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
  {
    // distinct positions per row (where an index repeats, PyTorch leaves the written value open)
    name: 'scatter', ops: ['scatter'],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 })).chain(([m, n, r]) =>
      draw([floatIn([m, n], { min: -3, max: 3 }), floatIn([m, Math.min(n, 2)], { min: -3, max: 3 })], fc.constant({ r }))),
    f: ([x, src], a) => {
      const [m, n] = x!.shape as [number, number];
      const k = src!.shape[1]!;
      const index = ops.fromArray(Int32Array.from({ length: m * k }, (_, j) => (Math.floor(j / k) + (a['r'] as number) + (j % k)) % n), [m, k], { device: x!.device });
      return ops.scatter(x!, 1, index, src!);
    },
  },
  {
    // shape and index ops composed from indexSelect, slices, cat, expand and sliceScatter
    name: 'composite: flip, roll, repeat, repeatInterleave, movedim, meshgrid, diag, take', ops: [],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 })).chain(([m, n]) => draw([floatIn([m, n], { min: -3, max: 3 }), floatIn([n], { min: -3, max: 3 })])),
    f: ([x, v]) => {
      const [g0, g1] = ops.meshgrid([v!, x!.select(1, 0)], { indexing: 'xy' });
      return ops.cat([
        ops.flip(x!, [0, 1]), ops.roll(x!, [1, -2], [0, 1]), ops.repeat(x!, 2, 1, 2), ops.repeatInterleave(x!, 2, 1), ops.movedim(x!, 0, 1), g0!.mul(g1!),
        ops.diag(v!, 1), ops.diag(x!, -1), ops.take(x!, ops.arange(-1, x!.numel() - 1, 1, { dtype: 'int32', device: x!.device })),
      ].map((t) => t.reshape([-1])), 0);
    },
  },
  {
    // einsum lowers to permute, reshape, strided slices and matmul; the rest are elementwise
    name: 'composite: einsum, outer, bmm, baddbmm, lerp, addcmul, addcdiv, nanToNum', ops: [],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([b, n, m]) =>
      draw([floatIn([b, n, m], { min: -2, max: 2 }), floatIn([b, m, n], { min: -2, max: 2 }), floatIn([n], { min: 0.5, max: 2 })])),
    f: ([x, y, v]) => ops.cat([
      ops.einsum('bij,bjk->bik', x!, y!), ops.einsum('bij,bji->b', x!, y!), ops.einsum('...ij,j', y!, v!), ops.outer(v!, v!), ops.bmm(x!, y!),
      ops.baddbmm(v!, x!, y!, { beta: 0.5, alpha: 2 }), ops.lerp(x!, y!.transpose(1, 2), v!.sub(1).unsqueeze(-1)), ops.addcmul(v!.unsqueeze(-1), x!, x!, { value: 0.5 }),
      ops.addcdiv(v!.unsqueeze(-1), x!, v!.unsqueeze(-1), { value: -1 }), ops.nanToNum(x!.round().div(x!.round().gt(0).to(x!.dtype)), 0, 1, -1), // (rounded: denormals may flush to 0 on a device)
    ].map((t) => t.reshape([-1])), 0),
  },
  {
    // repeated positions on purpose: every reduction is order-independent up to rounding
    name: 'scatterReduce', ops: ['scatterReduce'],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).chain(([m, n, k]) =>
      draw([floatIn([m, n], { min: -2, max: 2 }), intIn([m, k], n), floatIn([m, k], { min: -2, max: 2 })],
        fc.record({ reduce: fc.constantFrom('sum', 'prod', 'mean', 'amax', 'amin'), includeSelf: fc.boolean() }))),
    f: ([x, index, src], a) => {
      // NOTE: distinct steps keep amax/amin away from ties (equal extremes share the gradient)
      const ramp = (t: Tensor) => ops.arange(t.numel(), undefined, 1, { device: t.device, dtype: t.dtype }).mul(7).remainder(19).reshape(t.shape);
      const reduce = a['reduce'] as 'sum' | 'prod' | 'mean' | 'amax' | 'amin';
      const shift = reduce === 'amax' || reduce === 'amin' ? 5 : 0;
      const [xd, sd] = reduce === 'prod' ? [x!.detach(), src!.detach()] : [x!, src!]; // prod has no gradient here
      return ops.scatterReduce(xd.add(ramp(x!).mul(shift)), 1, index!, sd.add(ramp(src!).mul(shift).add(shift / 2)), reduce, { includeSelf: a['includeSelf'] as boolean });
    },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
];
