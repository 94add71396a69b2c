// The conformance suite's cases: what each primitive is called with (shapes, layouts, dtypes,
// attributes) when conformance.ts compares a device with the CPU. A new primitive adds its spec here.

import fc from 'fast-check';
import type { DType } from '../dtype.js';
import * as ops from '../ops/index.js';
import { apply, type PrimitiveDef } from '../ops/define.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastShapesArb, shapeArb, valuesArb, type Domain, type Layout } from './arbitraries.js';

/** Allowed error: |device - reference| <= atol + rtol |reference|. */
export interface ConformanceTolerance {
  /** Relative tolerance. */
  readonly rtol: number;
  /** Absolute tolerance. */
  readonly atol: number;
}

export const DEFAULT_TOL: ConformanceTolerance = { rtol: 1e-4, atol: 1e-5 };
export const LOOSE: Readonly<Record<string, ConformanceTolerance>> = {
  sin: { rtol: 1e-3, atol: 2e-3 },
  cos: { rtol: 1e-3, atol: 2e-3 },
  exp: { rtol: 5e-4, atol: 1e-5 },
  log: { rtol: 5e-4, atol: 1e-4 },
  log1p: { rtol: 5e-4, atol: 1e-4 },
  pow: { rtol: 5e-4, atol: 1e-4 },
  tanh: { rtol: 5e-4, atol: 1e-4 },
  sigmoid: { rtol: 5e-4, atol: 1e-4 },
  softplus: { rtol: 5e-4, atol: 1e-4 },
  erf: { rtol: 5e-4, atol: 1e-4 },
  softmax: { rtol: 5e-4, atol: 1e-5 },
  logSoftmax: { rtol: 5e-4, atol: 1e-4 },
};

export interface In {
  readonly shape: readonly number[];
  readonly values: readonly number[];
  readonly dtype: DType;
  readonly layout: Layout;
  readonly grad: boolean;
}
export type Attrs = Record<string, unknown>;
export interface Draw {
  readonly inputs: readonly In[];
  readonly attrs: Attrs;
}
export interface Spec {
  readonly name: string;
  readonly ops: readonly string[];
  readonly arb: fc.Arbitrary<Draw>;
  readonly f: (xs: Tensor[], attrs: Attrs) => Tensor;
  readonly tol?: ConformanceTolerance;
}


// ---- inputs -------------------------------------------------------------------------------

const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'offset'];

/** A float input of `shape` in the domain, values rounded to float32, in a random layout. */
export function floatIn(shape: readonly number[], d: Domain, grad = true, layouts = LAYOUTS): fc.Arbitrary<In> {
  return fc.record({ v: valuesArb(sizeOf(shape), d), layout: fc.constantFrom(...layouts) })
    .map(({ v, layout }) => ({ shape, values: Array.from(v, Math.fround), dtype: 'float32' as DType, layout, grad }));
}

/** Integers in [0, max) (index tensors) or booleans. */
export function intIn(shape: readonly number[], max: number, dtype: DType = 'int32'): fc.Arbitrary<In> {
  return fc.array(fc.integer({ min: 0, max: max - 1 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((values) => ({ shape, values, dtype, layout: 'contiguous' as Layout, grad: false }));
}

// ---- the specs ----------------------------------------------------------------------------

export const shape = (minRank = 0, maxRank = 3) => shapeArb({ minRank, maxRank, maxSize: 4 });
export const draw = (inputs: fc.Arbitrary<In>[], attrs: fc.Arbitrary<Attrs> = fc.constant({})): fc.Arbitrary<Draw> =>
  fc.record({ inputs: fc.tuple(...inputs), attrs });
export const dimOf = (s: readonly number[]) => fc.integer({ min: 0, max: Math.max(0, s.length - 1) });
const domainOf = (op: PrimitiveDef): Domain => op.testDomain ?? { min: -3, max: 3 };

/** Elementwise primitives from the registry: broadcast shapes, inputs in the op's test domain. */
export function elementwiseSpec(op: PrimitiveDef): Spec {
  const arity = op.scalar!.length;
  const to = op.name === 'to' ? ['int32', 'bool', 'float32'] as const : null;
  const arb = broadcastShapesArb(arity, { maxRank: 3, maxSize: 4 }).chain((shapes) => fc.record({
    inputs: fc.tuple(...shapes.map((s, j) => (op.name === 'where' && j === 0 ? intIn(s, 2, 'bool') : floatIn(s, domainOf(op), !to)))),
    attrs: to ? fc.constantFrom(...to).map((dtype) => ({ dtype })) : fc.constant({}),
  }));
  return { name: op.name, ops: [op.name], arb, f: (xs, a) => apply(op, to && a['dtype'] === 'float32' ? [xs[0]!.to('int32')] : xs, a), tol: LOOSE[op.name] };
}

const reductionSpec = (name: 'sum' | 'amax' | 'amin'): Spec => ({
  name, ops: [name],
  arb: shape(1).chain((s) => draw([floatIn(s, { min: -3, max: 3 })], fc.record({
    dims: fc.subarray(s.map((_, j) => j), { minLength: name === 'sum' ? 0 : 1 }), keepdim: fc.boolean() }))),
  f: ([x], a) => ops[name](x!, a['dims'] as number[], a['keepdim'] as boolean),
});

const argSpec = (name: 'argmax' | 'argmin'): Spec => ({
  name, ops: [name],
  arb: shape(1).chain((s) => draw([floatIn(s, { min: -3, max: 3 }, false)], fc.record({ dim: dimOf(s), keepdim: fc.boolean() }))),
  f: ([x], a) => ops[name](x!, a['dim'] as number, a['keepdim'] as boolean),
});

const softmaxSpec = (name: 'softmax' | 'logSoftmax'): Spec => ({
  name, ops: [name], tol: LOOSE[name],
  arb: shape(1).chain((s) => draw([floatIn(s, { min: -4, max: 4 })], fc.record({ dim: dimOf(s) }))),
  f: ([x], a) => ops[name](x!, a['dim'] as number),
});

/** x (rank 1-3), a dim, and an index shape no larger than x except along dim. */
const indexed = (sameAlongDim: boolean) => shape(1).chain((s) => dimOf(s).chain((dim) =>
  fc.tuple(...s.map((n, j) => fc.integer({ min: 1, max: j === dim && !sameAlongDim ? 5 : n }))).map((is) => ({ s, dim, is }))));

export const SPECS: readonly Spec[] = [
  reductionSpec('sum'), reductionSpec('amax'), reductionSpec('amin'), argSpec('argmax'), argSpec('argmin'),
  softmaxSpec('softmax'), softmaxSpec('logSoftmax'),
  {
    name: 'matmul', ops: ['matmul'],
    arb: fc.tuple(broadcastShapesArb(2, { maxRank: 2, maxSize: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 8 }))
      .chain(([[ba, bb], m, k, n]) => draw([floatIn([...ba!, m, k], { min: -2, max: 2 }), floatIn([...bb!, k, n], { min: -2, max: 2 })])),
    f: ([a, b]) => ops.matmul(a!, b!),
  },
  {
    name: 'cat', ops: ['cat'],
    arb: fc.tuple(shape(1), fc.integer({ min: 1, max: 8 })).chain(([s, count]) => dimOf(s).chain((dim) =>
      fc.tuple(...Array.from({ length: count }, () => fc.integer({ min: 0, max: 3 }))).chain((sizes) =>
        draw(sizes.map((n) => floatIn(s.map((v, j) => (j === dim ? n : v)), { min: -3, max: 3 })), fc.constant({ dim }))))),
    f: (xs, a) => ops.cat(xs, a['dim'] as number),
  },
  {
    name: 'gather', ops: ['gather', 'scatterAdd'],
    arb: indexed(false).chain(({ s, dim, is }) => draw([floatIn(s, { min: -3, max: 3 }), intIn(is, s[dim]!)], fc.constant({ dim }))),
    f: ([x, i], a) => ops.gather(x!, a['dim'] as number, i!),
  },
  {
    name: 'scatterAdd', ops: ['scatterAdd', 'gather'],
    arb: indexed(false).chain(({ s, dim, is }) => draw([floatIn(s, { min: -3, max: 3 }), intIn(is, s[dim]!), floatIn(is, { min: -3, max: 3 })], fc.constant({ dim }))),
    f: ([x, i, src], a) => ops.scatterAdd(x!, a['dim'] as number, i!, src!),
  },
  {
    name: 'indexSelect', ops: ['indexSelect', 'indexAdd'],
    arb: shape(1).chain((s) => dimOf(s).chain((dim) => fc.integer({ min: 1, max: 5 }).chain((n) =>
      draw([floatIn(s, { min: -3, max: 3 }), intIn([n], s[dim]!)], fc.constant({ dim }))))),
    f: ([x, i], a) => ops.indexSelect(x!, a['dim'] as number, i!),
  },
  {
    name: 'indexAdd', ops: ['indexAdd', 'indexSelect'],
    arb: shape(1).chain((s) => dimOf(s).chain((dim) => fc.integer({ min: 1, max: 5 }).chain((n) =>
      draw([floatIn(s, { min: -3, max: 3 }), intIn([n], s[dim]!), floatIn(s.map((v, j) => (j === dim ? n : v)), { min: -3, max: 3 })], fc.constant({ dim }))))),
    f: ([x, i, src], a) => ops.indexAdd(x!, a['dim'] as number, i!, src!),
  },
  {
    name: 'clone', ops: ['clone'],
    arb: shape(1).chain((s) => draw([floatIn(s, { min: -3, max: 3 }, true, ['transposed', 'strided', 'offset'])])),
    f: ([x]) => ops.clone(x!),
  },
  {
    name: 'slice', ops: ['slice', 'sliceScatter'],
    arb: shape(1).chain((s) => dimOf(s).chain((dim) => fc.record({ dim: fc.constant(dim), start: fc.integer({ min: 0, max: s[dim]! - 1 }), step: fc.integer({ min: 1, max: 3 }) })
      .chain((a) => draw([floatIn(s, { min: -3, max: 3 })], fc.constant(a))))),
    f: ([x], a) => ops.slice(x!, a['dim'] as number, a['start'] as number, undefined, a['step'] as number),
  },
  {
    name: 'sliceScatter', ops: ['sliceScatter', 'slice'],
    arb: shape(1).chain((s) => dimOf(s).chain((dim) => fc.tuple(fc.integer({ min: 0, max: s[dim]! - 1 }), fc.integer({ min: 1, max: 3 })).chain(([start, step]) => {
      const len = Math.ceil((s[dim]! - start) / step);
      return draw([floatIn(s, { min: -3, max: 3 }), floatIn(s.map((v, j) => (j === dim ? len : v)), { min: -3, max: 3 })], fc.constant({ dim, start, step }));
    }))),
    f: ([x, src], a) => ops.sliceScatter(x!, src!, a['dim'] as number, a['start'] as number, undefined, a['step'] as number),
  },
  {
    name: 'expand', ops: ['expand', 'permute', 'view'],
    arb: shape(1).chain((s) => draw([floatIn(s.map((v, j) => (j % 2 === 0 ? 1 : v)), { min: -3, max: 3 })], fc.constant({ s }))),
    f: ([x], a) => ops.expand(x!, [2, ...(a['s'] as number[])]).permute([...Array((a['s'] as number[]).length + 1).keys()].reverse()).reshape([-1]),
  },
  {
    // the fused norm, gelu and sumSquares primitives (and their backward primitives) through their public functions
    name: 'composite: layerNorm, rmsNorm, gelu, crossEntropy, sumSquares',
    ops: ['layerNorm', 'layerNormBackward', 'rmsNorm', 'rmsNormBackward', 'gelu', 'geluBackward', 'sumSquares'],
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 6 })).chain(([b, c]) =>
      draw([floatIn([b, c], { min: -0.4, max: 0.4 }), floatIn([c], { min: 0.5, max: 2 }), floatIn([c], { min: -1, max: 1 }), intIn([b], c)])),
    f: ([x0, w, bias, t]) => {
      // NOTE: a ramp keeps rows away from constant (a zero variance makes float32 and float64 gradients diverge)
      const x = x0!.add(ops.arange(x0!.shape[1]!, undefined, 1, { device: x0!.device }));
      const c = [x.shape[1]!];
      const ce = ops.crossEntropy(ops.gelu(ops.layerNorm(x, c, w!, bias!)), t!);
      return ce.add(ops.gelu(ops.rmsNorm(x, c, w!), { approximate: 'tanh' }).mul(bias!).sum()).add(ops.sumSquares(x0!.mul(w!)));
    },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
  {
    // int8 dynamic quantisation, in the device's float dtype (the reference: the CPU's float64 loop)
    name: 'linearDynamicInt8', ops: ['linearDynamicInt8'],
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 })).chain(([m, k, n]) =>
      draw([floatIn([m, k], { min: -2, max: 2 }, false), floatIn([n, k], { min: -1, max: 1 }, false), floatIn([n], { min: -1, max: 1 }, false)])),
    f: ([x, w, b]) => {
      const q = ops.quantizeWeightInt8(w!);
      return ops.linearDynamicInt8(x!, q.weight, q.scale, b!);
    },
    // float32 against the float64 reference may round an activation or a weight to the neighbouring
    // int8 step: one step moves an output by at most (2/127)(1/127)127 < 0.016
    tol: { rtol: 1e-4, atol: 0.02 },
  },
  {
    // advanced indexing composes indexSelect, indexAdd, gather and integer arithmetic on the device
    name: 'composite: index, indexPut, takeAlongDim', ops: [],
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 })).chain(([m, n, k]) =>
      draw([floatIn([m, n], { min: -3, max: 3 }), intIn([k], m), intIn([k], n), floatIn([k], { min: -3, max: 3 })])),
    f: ([x, i, j, v]) => ops.indexPut(x!, [i!, j!], v!.mul(ops.index(x!, [i!, j!])), { accumulate: true })
      .add(ops.takeAlongDim(x!, j!.unsqueeze(0), 1).sum(1, true)),
  },
  {
    name: 'composite: causal attention, embedding', ops: [],
    arb: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 })).chain(([t, e]) =>
      draw([floatIn([6, e], { min: -1, max: 1 }), intIn([t], 6), floatIn([t, e], { min: -1, max: 1 })])),
    f: ([w, ids, v]) => { const q = ops.embedding(ids!, w!); return ops.scaledDotProductAttention(q, q, v!, { isCausal: true }); },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
  {
    // convolution, pooling, padding and resizing: composites of slice/stack/matmul/indexSelect/gather
    name: 'composite: conv2d, conv1d, pad, maxPool2d, avgPool2d, interpolate (unfold)', ops: ['unfold', 'unfoldBackward'],
    arb: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 3, max: 5 }), fc.integer({ min: 3, max: 5 })).chain(([n, c, h, w]) =>
      draw([floatIn([n, c, h, w], { min: -1, max: 1 }), floatIn([2, c, 3, 2], { min: -1, max: 1 }), floatIn([2], { min: -1, max: 1 })])),
    f: ([x, w, b]) => {
      const [n, c, h] = x!.shape as [number, number, number];
      // NOTE: a ramp makes every window's maximum unique (ties may resolve differently in float32)
      const ramp = ops.arange(x!.numel(), undefined, 1, { device: x!.device, dtype: x!.dtype }).reshape(x!.shape).mul(0.1).add(x!.mul(0.01));
      return ops.cat([
        ops.conv2d(x!, w!, b!, [1, 2], 1, [1, 2]), ops.conv1d(x!.reshape([n, c, -1]), w!.reshape([2, c, 6]), b!, 1, 'same'),
        ops.maxPool2d(ramp, 2, 1, 1), ops.avgPool2d(x!, 3, 2, 1, true, false), ops.pad(x!, [1, 2, 2, 1], 'reflect'), ops.interpolate(x!, [h + 1, 2], null, 'bilinear'),
      ].map((t) => t.reshape([-1])), 0);
    },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
];
