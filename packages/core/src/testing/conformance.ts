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
import { EXTRA_SPECS } from './conformance-specs-extra.js';
import { DEFAULT_TOL, SPECS, elementwiseSpec, type ConformanceTolerance, type Draw, type In, type Spec } from './conformance-specs.js';

export type { ConformanceTolerance } from './conformance-specs.js';


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
  /** The float dtype the device computes in (default 'float32'). */
  readonly dtype?: DType;
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
  const dev = scope(() => evaluate(spec, d, opts.device, opts.dtype ?? 'float32'));
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
  const specs = [...prims.filter((p) => p.kind === 'elementwise' && p.scalar).map(elementwiseSpec), ...SPECS, ...EXTRA_SPECS];
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
    const decomposed = p.decompose !== undefined && kernelFor(p, getBackend(opts.device), opts.dtype ?? 'float32') === undefined;
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
