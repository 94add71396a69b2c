// Backend conformance: every primitive, forward and backward, on random small shapes (fast-check,
// fixed seed) on a device, compared with the CPU backend in float64. Runner-agnostic: each case is
// an async function a test file registers (`conformanceCases`) or `runConformance` runs them all.
//
// Tolerances (|device - cpu64| <= atol + rtol |cpu64|) default to float32-level rtol 1e-4, atol 1e-5.
// Transcendentals get looser bounds, from WGSL's accuracy rules: sin/cos are only absolutely
// accurate (2^-11 on [-pi, pi]); exp/log/pow/tanh/erf are a few ULP, more for large arguments.

import fc from 'fast-check';
import { getBackend } from '../backend.js';
import { dispose, scope } from '../memory.js';
import { ARRAY_OF, isFloat, type DType, type TypedArray } from '../dtype.js';
import * as ops from '../ops/index.js';
import { apply, kernelFor, primitives, type PrimitiveDef } from '../ops/define.js';
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

/** What to run the suite on and how hard. */
export interface ConformanceOptions {
  /** The device under test ('gpu'); the reference is always 'cpu' in float64. */
  readonly device: string;
  /** fast-check seed (fixed by default, so failures replay). */
  readonly seed?: number;
  /** Random cases per op. */
  readonly numRuns?: number;
  /** Overrides the default tolerance for every case. */
  readonly tolerance?: ConformanceTolerance;
  /** Only cases covering these ops. */
  readonly only?: readonly string[];
  /** Live device buffers once the device is idle (e.g. `await synchronize()`, then `gpuStats().liveBuffers`): checked unchanged by each case. */
  readonly liveBuffers?: () => number | Promise<number>;
}

/** One named check; `ops` lists the primitives it covers. */
export interface ConformanceCase {
  /** The case's name (a test name). */
  readonly name: string;
  /** The primitives it covers. */
  readonly ops: readonly string[];
  /** Runs the case; rejects with the first mismatch (fast-check prints a replayable counterexample). */
  run(): Promise<void>;
}

interface In {
  readonly shape: readonly number[];
  readonly values: readonly number[];
  readonly dtype: DType;
  readonly layout: Layout;
  readonly grad: boolean;
}
type Attrs = Record<string, unknown>;
interface Draw {
  readonly inputs: readonly In[];
  readonly attrs: Attrs;
}
interface Spec {
  readonly name: string;
  readonly ops: readonly string[];
  readonly arb: fc.Arbitrary<Draw>;
  readonly f: (xs: Tensor[], attrs: Attrs) => Tensor;
  readonly tol?: ConformanceTolerance;
}

const DEFAULT_TOL: ConformanceTolerance = { rtol: 1e-4, atol: 1e-5 };
const LOOSE: Readonly<Record<string, ConformanceTolerance>> = {
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

// ---- inputs -------------------------------------------------------------------------------

const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'offset'];

/** A float input of `shape` in the domain, values rounded to float32, in a random layout. */
function floatIn(shape: readonly number[], d: Domain, grad = true, layouts = LAYOUTS): fc.Arbitrary<In> {
  return fc.record({ v: valuesArb(sizeOf(shape), d), layout: fc.constantFrom(...layouts) })
    .map(({ v, layout }) => ({ shape, values: Array.from(v, Math.fround), dtype: 'float32' as DType, layout, grad }));
}

/** Integers in [0, max) (index tensors) or booleans. */
function intIn(shape: readonly number[], max: number, dtype: DType = 'int32'): fc.Arbitrary<In> {
  return fc.array(fc.integer({ min: 0, max: max - 1 }), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
    .map((values) => ({ shape, values, dtype, layout: 'contiguous' as Layout, grad: false }));
}

/** Builds the input on `device` in its layout; floats as `floatDtype`. */
function make(i: In, device: string, floatDtype: DType): Tensor {
  const dtype = i.dtype === 'float32' ? floatDtype : i.dtype;
  const arr = (xs: readonly number[]): TypedArray => ARRAY_OF[dtype].from(xs);
  const r = i.shape.length;
  const n = sizeOf(i.shape);
  let t: Tensor;
  if (i.layout === 'transposed' && r >= 2) {
    const swapped = [...i.shape.slice(0, r - 2), i.shape[r - 1]!, i.shape[r - 2]!];
    const base = ops.fromArray(arr(i.values), i.shape).transpose(-1, -2).contiguous().dataSync();
    t = ops.fromArray(arr(Array.from(base)), swapped, { device }).transpose(-1, -2);
  } else if (i.layout === 'strided' && r >= 1) {
    const base = new Array<number>(n * 2).fill(0);
    i.values.forEach((v, j) => (base[j * 2] = v));
    t = ops.fromArray(arr(base), [...i.shape.slice(0, r - 1), i.shape[r - 1]! * 2], { device }).slice(-1, 0, undefined, 2);
  } else if (i.layout === 'offset') {
    t = ops.fromArray(arr([0, 0, 0, ...i.values]), [n + 3], { device }).narrow(0, 3, n).view([...i.shape]);
  } else t = ops.fromArray(arr(i.values), i.shape, { device });
  return i.grad && isFloat(dtype) ? t.detach().requiresGrad_() : t.detach();
}

// ---- the check ----------------------------------------------------------------------------

/** Output and input gradients of sum(f(xs) * w) for a fixed pattern w. */
function evaluate(spec: Spec, d: Draw, device: string, floatDtype: DType): Tensor[] {
  const xs = d.inputs.map((i) => make(i, device, floatDtype));
  const y = spec.f(xs, d.attrs);
  const out = [y.detach()];
  const leaves = xs.filter((x) => x.requiresGrad);
  if (leaves.length > 0 && isFloat(y.dtype) && y.requiresGrad) {
    const n = y.numel();
    const w = ops.fromArray(Float64Array.from({ length: n }, (_, j) => ((j * 7919) % 13) / 6.5 - 0.9), y.shape, { dtype: y.dtype, device });
    y.mul(w).sum().backward();
    for (const x of leaves) out.push(x.grad ?? ops.zerosLike(x));
  }
  return out;
}

function mismatch(got: ArrayLike<number>, want: ArrayLike<number>, tol: ConformanceTolerance): number {
  if (got.length !== want.length) return 0;
  for (let j = 0; j < want.length; j++) {
    const [a, b] = [got[j]!, want[j]!];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    if (!(Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b))) return j;
  }
  return -1;
}

async function check(spec: Spec, d: Draw, opts: ConformanceOptions): Promise<void> {
  const ref = evaluate(spec, d, 'cpu', 'float64');
  const before = await opts.liveBuffers?.();
  const dev = scope(() => evaluate(spec, d, opts.device, 'float32'));
  try {
    const tol = opts.tolerance ?? spec.tol ?? DEFAULT_TOL;
    for (let k = 0; k < ref.length; k++) {
      const [want, got] = [ref[k]!.dataSync(), await dev[k]!.data()];
      const what = k === 0 ? 'output' : `gradient of input ${k - 1}`;
      if (dev[k]!.dtype !== ref[k]!.dtype && !(isFloat(dev[k]!.dtype) && isFloat(ref[k]!.dtype))) throw new Error(`${spec.name}: ${what} dtype ${dev[k]!.dtype}, expected ${ref[k]!.dtype}`);
      if (dev[k]!.shape.join() !== ref[k]!.shape.join()) throw new Error(`${spec.name}: ${what} shape [${dev[k]!.shape}], expected [${ref[k]!.shape}]`);
      const j = mismatch(got, want, isFloat(ref[k]!.dtype) ? tol : { rtol: 0, atol: 0 });
      if (j >= 0) throw new Error(`${spec.name}: ${what} differs at ${j}: ${got[j]} vs ${want[j]} (cpu float64), tolerance ${JSON.stringify(tol)}`);
    }
  } finally {
    dispose(dev);
  }
  const after = await opts.liveBuffers?.();
  if (before !== after) throw new Error(`${spec.name}: ${after! - before!} device buffers leaked`);
}

// ---- the specs ----------------------------------------------------------------------------

const shape = (minRank = 0, maxRank = 3) => shapeArb({ minRank, maxRank, maxSize: 4 });
const draw = (inputs: fc.Arbitrary<In>[], attrs: fc.Arbitrary<Attrs> = fc.constant({})): fc.Arbitrary<Draw> =>
  fc.record({ inputs: fc.tuple(...inputs), attrs });
const dimOf = (s: readonly number[]) => fc.integer({ min: 0, max: Math.max(0, s.length - 1) });
const domainOf = (op: PrimitiveDef): Domain => op.testDomain ?? { min: -3, max: 3 };

/** Elementwise primitives from the registry: broadcast shapes, inputs in the op's test domain. */
function elementwiseSpec(op: PrimitiveDef): Spec {
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

const SPECS: readonly Spec[] = [
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
    // the fused norm and gelu primitives (and their backward primitives) through their public functions
    name: 'composite: layerNorm, rmsNorm, gelu, crossEntropy',
    ops: ['layerNorm', 'layerNormBackward', 'rmsNorm', 'rmsNormBackward', 'gelu', 'geluBackward'],
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 6 })).chain(([b, c]) =>
      draw([floatIn([b, c], { min: -0.4, max: 0.4 }), floatIn([c], { min: 0.5, max: 2 }), floatIn([c], { min: -1, max: 1 }), intIn([b], c)])),
    f: ([x0, w, bias, t]) => {
      // NOTE: a ramp keeps rows away from constant (a zero variance makes float32 and float64 gradients diverge)
      const x = x0!.add(ops.arange(x0!.shape[1]!, undefined, 1, { device: x0!.device }));
      const c = [x.shape[1]!];
      const ce = ops.crossEntropy(ops.gelu(ops.layerNorm(x, c, w!, bias!)), t!);
      return ce.add(ops.gelu(ops.rmsNorm(x, c, w!), { approximate: 'tanh' }).mul(bias!).sum());
    },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
  {
    name: 'composite: causal attention, embedding', ops: [],
    arb: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 })).chain(([t, e]) =>
      draw([floatIn([6, e], { min: -1, max: 1 }), intIn([t], 6), floatIn([t, e], { min: -1, max: 1 })])),
    f: ([w, ids, v]) => { const q = ops.embedding(ids!, w!); return ops.scaledDotProductAttention(q, q, v!, { isCausal: true }); },
    tol: { rtol: 5e-4, atol: 1e-4 },
  },
];

/**
 * The suite as named cases, one per primitive (elementwise ones generated from the registry) plus
 * composite and layout cases. A primitive without a case gets a failing case that says so, unless
 * it is a fused op the device runs as its decomposition (then its parts are what runs, and checked).
 * @param opts - The device, seed, runs per case, tolerance, op filter and buffer counter.
 * @returns The cases, to register one test each.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * const cases = conformanceCases({ device: 'gpu', only: ['matmul'], numRuns: 2 });
 * cases.map((c) => c.name); // ['matmul']
 * await cases[0]!.run();
 */
export function conformanceCases(opts: ConformanceOptions): ConformanceCase[] {
  const { seed = 20240601, numRuns = 8 } = opts;
  const prims = primitives();
  const specs = [...prims.filter((p) => p.kind === 'elementwise' && p.scalar).map(elementwiseSpec), ...SPECS];
  const covered = new Set(specs.flatMap((s) => s.ops));
  const cases: ConformanceCase[] = specs.map((spec) => ({
    name: spec.name,
    ops: spec.ops,
    run: async () => {
      await fc.assert(fc.asyncProperty(spec.arb, (d) => check(spec, d, opts)), { seed, numRuns, endOnFailure: true });
    },
  }));
  for (const p of prims.filter((q) => !covered.has(q.name))) {
    // a fused op the device has no kernel for runs there as its decomposition, i.e. as primitives this suite checks
    const decomposed = p.decompose !== undefined && kernelFor(p, getBackend(opts.device), 'float32') === undefined;
    cases.push(decomposed
      ? { name: `${p.name} (no kernel on '${opts.device}': runs as its decomposition)`, ops: [p.name], run: async () => {} }
      : { name: p.name, ops: [p.name], run: async () => { throw new Error(`no conformance case covers primitive '${p.name}'; add one in testing/conformance.ts`); } });
  }
  return opts.only ? cases.filter((c) => c.ops.some((o) => opts.only!.includes(o))) : cases;
}

/**
 * Runs every case; resolves to the failures (empty when the device conforms).
 * @param opts - The device, seed, runs per case, tolerance, op filter and buffer counter.
 * @returns One entry per failed case.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * await runConformance({ device: 'gpu', only: ['add', 'sum'], numRuns: 2 }); // []
 */
export async function runConformance(opts: ConformanceOptions): Promise<{
  /** The failed case. */
  name: string;
  /** Its error message. */
  error: string;
}[]> {
  const failures: { name: string; error: string }[] = [];
  for (const c of conformanceCases(opts)) {
    try {
      await c.run();
    } catch (e) {
      failures.push({ name: c.name, error: (e as Error).message });
    }
  }
  return failures;
}
