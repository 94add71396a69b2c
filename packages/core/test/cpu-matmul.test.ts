// The CPU matmul (TypeScript, WebAssembly SIMD and threaded paths, every dtype) against a naive
// triple loop, on random shapes (0 and 1 dims, tile edges, broadcast batches) and random strided
// views (transposed, padded, offset, expanded). No timing is asserted anywhere.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { cpuBackend, matmul, Tensor, tensor, type DType, type TypedArray } from '@tsgrad/core';
import { setMatmulOptions } from '../src/backends/cpu/matmul.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

/** The implementations under test. */
const PATHS = ['ts', 'wasm', 'threads'] as const;
type Path = (typeof PATHS)[number];

/** Runs `f` with the matmul forced onto `path` ('threads': wasm split over helpers at any size). */
function onPath<T>(path: Path, f: () => T): T {
  const prev = setMatmulOptions(path === 'ts' ? { path: 'ts' } : { path: 'wasm', threadMinMacs: path === 'threads' ? 0 : Infinity, maxThreads: Infinity });
  try {
    return f();
  } finally {
    setMatmulOptions(prev);
  }
}

/** Starts the helper thread (one, even on a single core) and returns how many are ready. */
function startHelpers(): number {
  setNumThreads(2);
  const g = wasmGemm();
  return g ? waitForHelpers(g, 20000) : 0;
}

/** How one operand is laid out in its storage. */
interface Layout {
  /** Storage order of the dims, outermost first (a permutation). */
  order: number[];
  /** Extra elements of padding added after each dim (in storage order). */
  pad: number[];
  /** Batch dims read through stride 0 (an expanded view), by dim index. */
  expanded: boolean[];
  offset: number;
}

/** A layout for a rank-`r` operand: any dim order, padding, offsets, and expanded batch dims. */
function layoutArb(r: number): fc.Arbitrary<Layout> {
  const dims = Array.from({ length: r }, (_, i) => i);
  return fc.record({
    order: fc.oneof(fc.constant(dims), fc.constant([...dims.slice(0, -2), r - 1, r - 2]), fc.shuffledSubarray(dims, { minLength: r, maxLength: r })),
    pad: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })), { minLength: r, maxLength: r }),
    expanded: fc.array(fc.integer({ min: 0, max: 9 }).map((v) => v < 3), { minLength: r, maxLength: r }),
    offset: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 })),
  });
}

/** A small deterministic generator of values for a storage. */
function filler(seed: number, kind: 'small' | 'real' | 'int32'): (i: number) => number {
  let s = seed >>> 0 || 1;
  const next = () => (s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0);
  return () => {
    const u = next();
    if (kind === 'small') return (u % 7) - 3; // NOTE: small integers: every summation order is exact
    if (kind === 'int32') return u | 0;
    return (u / 2 ** 32) * 4 - 2;
  };
}

/** A view of `shape` and `dtype` laid out as `l`, its values drawn from `fill`. */
function makeView(shape: readonly number[], dtype: DType, l: Layout, fill: (i: number) => number): Tensor {
  const r = shape.length;
  const strides = new Array<number>(r).fill(0);
  let s = 1;
  for (let q = r - 1; q >= 0; q--) {
    const d = l.order[q]!;
    if (l.expanded[d] && d < r - 2) continue; // stride 0
    strides[d] = s;
    s = s * shape[d]! + l.pad[q]!;
  }
  const empty = shape.some((d) => d === 0);
  const size = l.offset + (empty ? 0 : shape.reduce((acc, d, i) => acc + (d - 1) * strides[i]!, 0) + 1);
  const data = new ({ float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const)[dtype](size);
  for (let i = 0; i < size; i++) data[i] = dtype === 'bool' ? (fill(i) > 0 ? 1 : 0) : fill(i);
  return new Tensor(cpuBackend.fromArray(data, dtype), shape, strides, l.offset);
}

/** Accumulation semantics of the naive reference. */
type Accum = 'f64' | 'f32' | 'int32' | 'bool';

/**
 * The naive triple loop over broadcast batches, summing k in order with the given semantics:
 * 'f64' plain doubles, 'f32' rounding the product and each sum to float32 (what the wasm SIMD
 * kernel does without FMA), 'int32' wrapping multiply-adds, 'bool' int32 then != 0.
 */
function naiveMatmul(a: Tensor, b: Tensor, accum: Accum, abs = false): { shape: number[]; data: Float64Array } {
  const [ra, rb] = [a.ndim, b.ndim];
  const [M, K, N] = [a.shape[ra - 2]!, a.shape[ra - 1]!, b.shape[rb - 1]!];
  const [A, B] = [cpuBackend.readSync!(a.storage), cpuBackend.readSync!(b.storage)];
  const [sam, sak, sbk, sbn] = [a.strides[ra - 2]!, a.strides[ra - 1]!, b.strides[rb - 2]!, b.strides[rb - 1]!];
  const batch = broadcast(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const nb = batch.reduce((x, y) => x * y, 1);
  const base = (x: Tensor, bi: number[]) =>
    bi.slice(bi.length - (x.ndim - 2)).reduce((p, v, i) => p + (x.shape[i] === 1 ? 0 : v) * x.strides[i]!, x.offset);
  const out = new Float64Array(nb * M * N);
  for (let t = 0; t < nb; t++) {
    const bi = unravel(t, batch);
    const [pa, pb] = [base(a, bi), base(b, bi)];
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        let [x, y] = [A[pa + i * sam + k * sak]!, B[pb + k * sbk + j * sbn]!];
        if (abs) [x, y] = [Math.abs(x), Math.abs(y)];
        if (accum === 'f64') acc += x * y;
        else if (accum === 'f32') acc = Math.fround(acc + Math.fround(x * y));
        else acc = (acc + Math.imul(x, y)) | 0;
      }
      out[(t * M + i) * N + j] = accum === 'bool' ? (acc !== 0 ? 1 : 0) : acc;
    }
  }
  return { shape: [...batch, M, N], data: out };
}

function broadcast(x: readonly number[], y: readonly number[]): number[] {
  const r = Math.max(x.length, y.length);
  return Array.from({ length: r }, (_, i) => {
    const p = x[x.length - r + i] ?? 1;
    const q = y[y.length - r + i] ?? 1;
    return p === 1 ? q : p;
  });
}

function unravel(t: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = t % shape[d]!;
    t = Math.floor(t / shape[d]!);
  }
  return idx;
}

/** The result's elements as a plain array (for comparison). */
function values(x: Tensor): TypedArray {
  return x.contiguous().dataSync();
}

// ---- problems ----

/** Sizes biased to the tile edges (MR 4, NR 8 in wasm; 4 x 2 in TypeScript) and to 0 and 1. */
const dimArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9) }, { weight: 1, arbitrary: fc.integer({ min: 10, max: 33 }) });

interface Problem {
  aBatch: number[];
  bBatch: number[];
  M: number;
  K: number;
  N: number;
  la: Layout;
  lb: Layout;
  seed: number;
}

/** Broadcast batch shapes (a and b each drop leading dims or set dims to 1), sizes, layouts. */
const problemArb: fc.Arbitrary<Problem> = fc
  .record({
    batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    dropA: fc.integer({ min: 0, max: 2 }),
    dropB: fc.integer({ min: 0, max: 2 }),
    onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    M: dimArb, K: dimArb, N: dimArb, seed: fc.integer(),
  })
  .chain((p) => {
    const cut = (drop: number, ones: boolean[]) => p.batch.slice(Math.min(drop, p.batch.length)).map((d, i) => (ones[i] ? 1 : d));
    const [aBatch, bBatch] = [cut(p.dropA, p.onesA), cut(p.dropB, p.onesB)];
    return fc.record({ la: layoutArb(aBatch.length + 2), lb: layoutArb(bBatch.length + 2) })
      .map(({ la, lb }) => ({ aBatch, bBatch, M: p.M, K: p.K, N: p.N, la, lb, seed: p.seed }));
  });

function operands(p: Problem, dtypes: [DType, DType], kind: 'small' | 'real' | 'int32'): [Tensor, Tensor] {
  return [
    makeView([...p.aBatch, p.M, p.K], dtypes[0], p.la, filler(p.seed, kind)),
    makeView([...p.bBatch, p.K, p.N], dtypes[1], p.lb, filler(p.seed ^ 0x5bd1e995, kind)),
  ];
}

/** bool operands are refused by the op (as PyTorch does), so they never reach the kernel. */
const DTYPE_PAIRS: [DType, DType][] = [
  ['float32', 'float32'], ['float64', 'float64'], ['int32', 'int32'], ['int32', 'float32'], ['float32', 'float64'], ['int32', 'float64'],
];
const RUNS = { numRuns: 100, seed: 20251125 };

describe('cpu matmul', () => {
  let helpers = 0;
  beforeAll(() => {
    helpers = startHelpers();
  });

  test('WebAssembly SIMD is available and the helper threads start (so every path below is exercised)', () => {
    expect(wasmGemm()).not.toBeNull();
    expect(helpers).toBeGreaterThanOrEqual(1);
  });

  for (const path of PATHS) {
    test(`${path}: exact on small integers for every dtype pair, shape and layout`, () => {
      fc.assert(fc.property(problemArb, fc.constantFrom(...DTYPE_PAIRS), (p, dtypes) => {
        const [a, b] = operands(p, dtypes, 'small');
        const c = onPath(path, () => a.matmul(b));
        const want = naiveMatmul(a, b, c.dtype === 'bool' ? 'bool' : 'f64');
        expect(c.shape).toEqual(want.shape);
        expect(Array.from(values(c))).toEqual(Array.from(want.data));
      }), RUNS);
    });

    test(`${path}: float64 equals the sequential double loop exactly`, () => {
      fc.assert(fc.property(problemArb, (p) => {
        const [a, b] = operands(p, ['float64', 'float64'], 'real');
        const c = onPath(path, () => a.matmul(b));
        expect(Array.from(values(c))).toEqual(Array.from(naiveMatmul(a, b, 'f64').data));
      }), RUNS);
    });

    test(`${path}: float32 within the summation bound (exactly the float32 loop on wasm without FMA)`, () => {
      const exact = path !== 'ts' && wasmGemm()?.relaxed === false;
      fc.assert(fc.property(problemArb, (p) => {
        const [a, b] = operands(p, ['float32', 'float32'], 'real');
        const got = values(onPath(path, () => a.matmul(b)));
        if (exact) {
          expect(Array.from(got)).toEqual(Array.from(naiveMatmul(a, b, 'f32').data));
          return;
        }
        // NOTE: recursive summation of K terms errs by at most about K * 2^-24 * sum |a_ik b_kj|
        const [ref, mag] = [naiveMatmul(a, b, 'f64').data, naiveMatmul(a, b, 'f64', true).data];
        got.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual((p.K + 1) * 2 ** -23 * mag[i]!));
      }), RUNS);
    });

    test(`${path}: int32 wraps modulo 2^32 exactly (Math.imul semantics)`, () => {
      fc.assert(fc.property(problemArb, (p) => {
        const [a, b] = operands(p, ['int32', 'int32'], 'int32');
        const c = onPath(path, () => a.matmul(b));
        expect(Array.from(values(c))).toEqual(Array.from(naiveMatmul(a, b, 'int32').data));
      }), RUNS);
    });

    test(`${path}: panel and block edges (K past KC = 256, M past MC = 128, N past NC)`, () => {
      const plain: Layout = { order: [0, 1], pad: [0, 0], expanded: [false, false], offset: 0 };
      const flipped: Layout = { order: [1, 0], pad: [1, 0], expanded: [false, false], offset: 3 };
      for (const [M, K, N, dt] of [[5, 300, 9, 'float32'], [131, 3, 6, 'float32'], [3, 2, 2057, 'float32'], [2, 3, 1029, 'float64'], [130, 260, 17, 'int32']] as const) {
        for (const [la, lb] of [[plain, plain], [flipped, flipped]] as const) {
          const a = makeView([M, K], dt, la, filler(M + K, 'small'));
          const b = makeView([K, N], dt, lb, filler(K + N, 'small'));
          const c = onPath(path, () => a.matmul(b));
          expect(Array.from(values(c))).toEqual(Array.from(naiveMatmul(a, b, 'f64').data));
        }
      }
    });
  }

  test('1-D operands and the backward pass run through the same kernel', () => {
    for (const path of PATHS) {
      onPath(path, () => {
        expect(matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).tolist()).toEqual([3, 7]);
        expect(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
        const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64', requiresGrad: true });
        const w = tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64', requiresGrad: true });
        x.matmul(w).sum().backward();
        expect(x.grad!.tolist()).toEqual([[1, 1, 2], [1, 1, 2]]); // g w^T with g = 1
        expect(w.grad!.tolist()).toEqual([[5, 5], [7, 7], [9, 9]]); // x^T g
      });
    }
  });
});
