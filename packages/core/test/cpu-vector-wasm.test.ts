// The float32 wasm SIMD vector kernels (row exp/max/sum, GELU forward and backward, layerNorm and
// rmsNorm rows forward and backward) against float64 references, on random sizes (vector tails of 0-3 lanes, the
// threaded path included), with -inf rows and NaNs; the cross-entropy and GELU ops that use them
// against float64; and the matmul's batch folding.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { apply, crossEntropy, gelu, scaledMaskedSoftmaxOp, tensor, type Tensor } from '@tsgrad/core';
import { erfScalar } from '../src/ops/unary/erf.js';
import { foldBatch } from '../src/backends/cpu/matmul.js';
import { expRowsF32, geluF32, normGradRowsF32, normRowsF32 } from '../src/backends/cpu/vector-wasm.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';
import { cpuBackend } from '@tsgrad/core';

const FC = { seed: 20261203, numRuns: 40 } as const;
/** softmax(x / 2 [causal] [mask]) through the fused primitive the attention uses. */
const scaledDotSoftmax = (x: Tensor, mask: Tensor | null, isCausal: boolean) =>
  apply(scaledMaskedSoftmaxOp, mask ? [x, mask] : [x], { scale: 0.5, isCausal, mask: mask ? (mask.dtype === 'bool' ? 'bool' : 'additive') : 'none' });
const f32 = (xs: number[]) => Float32Array.from(xs);
/** Sizes that cover each vector tail and, at the top, the threaded path (>= 65,536 elements). */
const bigOrSmall = fc.oneof(fc.integer({ min: 4, max: 70 }), fc.integer({ min: 65536, max: 70000 }));

beforeAll(() => {
  setNumThreads(2);
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
  waitForHelpers(wasmGemm()!, 20000);
});

describe('expRowsF32', () => {
  test('max is exact and the sum of exp(x - max) is within float32 rounding of float64', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 4, max: 40 }), fc.integer(), (rows, cols, seed) => {
      let s = seed;
      const rnd = () => ((s = (s * 1103515245 + 12345) | 0) >>> 8) / (1 << 24);
      const x = f32(Array.from({ length: rows * cols }, () => rnd() * 60 - 40));
      if (rows > 1) x.fill(-Infinity, cols, 2 * cols); // an all -inf row: m = 0, s = 0
      const stats = expRowsF32(x, rows, cols)!;
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
        let m = Math.max(...row);
        if (m === -Infinity) m = 0;
        const sum = row.reduce((a, v) => a + Math.exp(Math.fround(v - m)), 0);
        expect(stats[2 * r]).toBe(m);
        expect(Math.abs(stats[2 * r + 1]! - sum)).toBeLessThanOrEqual(2e-6 * sum);
      }
    }), FC);
  });

  test('a NaN makes its row NaN (max and sum), as the TypeScript path', () => {
    const x = f32([1, 2, NaN, 4, 5, 1, 2, 3, 4, 5]);
    const st = expRowsF32(x, 2, 5)!;
    expect(st[0]).toBeNaN();
    expect(st[1]).toBeNaN();
    expect(st[2]).toBe(5);
  });

  test('with a scale, writes exp(x - m) * scale(r) over whole rows, threaded or not', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), bigOrSmall, (rows, n) => {
      const cols = Math.max(4, Math.floor(n / rows));
      const x = f32(Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.37) * 9));
      const res = new Float32Array(rows * cols);
      expRowsF32(x, rows, cols, (r, _m, s) => (r + 1) / s, res);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
        const m = Math.max(...row);
        const sum = row.reduce((a, v) => a + Math.exp(Math.fround(v - m)), 0);
        for (let j = 0; j < cols; j++) {
          const want = (Math.exp(Math.fround(row[j]! - m)) * (r + 1)) / sum;
          if (Math.abs(res[r * cols + j]! - want) > 2e-6 * want + 1e-30) expect(res[r * cols + j], `row ${r} col ${j}`).toBe(want);
        }
      }
    }), { ...FC, numRuns: 12 });
  });

  test('declines fewer than 4 columns (the caller keeps its TypeScript loop)', () => {
    expect(expRowsF32(f32([1, 2, 3]), 1, 3)).toBeNull();
  });
});

describe('geluF32', () => {
  const ref = (v: number) => v * 0.5 * (1 + erfScalar(v * Math.SQRT1_2));
  const dref = (v: number) => 0.5 * (1 + erfScalar(v * Math.SQRT1_2)) + (v * Math.exp(-0.5 * v * v)) / Math.sqrt(2 * Math.PI);
  test('forward and gradient within 2e-6 (absolute and relative) of float64, every length', () => {
    fc.assert(fc.property(bigOrSmall, fc.double({ min: 0.5, max: 12, noNaN: true }), (n, spread) => {
      const x = f32(Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * spread));
      const g = f32(Array.from({ length: n }, (_, i) => Math.cos(i)));
      const y = new Float32Array(n);
      const dx = new Float32Array(n);
      expect(geluF32(x, y)).toBe(true);
      expect(geluF32(x, dx, g)).toBe(true);
      for (let i = 0; i < n; i++) {
        const [a, b] = [ref(x[i]!), g[i]! * dref(x[i]!)];
        if (Math.abs(y[i]! - a) > 2e-6 * (1 + Math.abs(a))) expect(y[i], `gelu(${x[i]})`).toBe(a);
        if (Math.abs(dx[i]! - b) > 2e-6 * (1 + Math.abs(b))) expect(dx[i], `gelu'(${x[i]})`).toBe(b);
      }
    }), { ...FC, numRuns: 16 });
  });
});

describe('normRowsF32', () => {
  /** normKernel's float64 loop for one row, rounded once to float32. */
  const ref = (row: Float32Array, w: Float32Array | null, b: Float32Array | null, eps: number, rms: boolean): number[] => {
    const d = row.length;
    const mean = rms ? 0 : row.reduce((a, v) => a + v, 0) / d;
    const rstd = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / d + eps);
    return Array.from(row, (v, j) => Math.fround((v - mean) * rstd * (w ? w[j]! : 1) + (b ? b[j]! : 0)));
  };
  test('layerNorm and rmsNorm rows within one float32 ulp of the float64 loop, with and without weight and bias, threaded or not', () => {
    const shapes = fc.oneof(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 })), fc.tuple(fc.integer({ min: 520, max: 600 }), fc.constant(32)));
    fc.assert(fc.property(shapes, fc.boolean(), fc.boolean(), fc.boolean(), fc.double({ min: 0.01, max: 50, noNaN: true }), ([rows, q], hasW, hasB, rms, spread) => {
      const d = 4 * q;
      const x = f32(Array.from({ length: rows * d }, (_, i) => Math.sin(i * 0.77) * spread + (i % 5)));
      const w = hasW ? f32(Array.from({ length: d }, (_, j) => Math.cos(j))) : null;
      const b = hasB ? f32(Array.from({ length: d }, (_, j) => j * 0.01 - 0.2)) : null;
      const y = new Float32Array(rows * d);
      expect(normRowsF32(x, rows, d, w, b, 1e-5, rms, y)).toBe(true);
      for (let r = 0; r < rows; r++) {
        const want = ref(x.subarray(r * d, (r + 1) * d), w, b, 1e-5, rms);
        for (let j = 0; j < d; j++) {
          const [got, exp] = [y[r * d + j]!, want[j]!];
          if (Math.abs(got - exp) > 2 ** -23 * Math.abs(exp)) expect(got, `row ${r} col ${j}`).toBe(exp);
        }
      }
    }), { ...FC, numRuns: 30 });
  });

  test('the backward: dx within one float32 ulp of the float64 loop, dweight and dbias within rounding of its sums, threaded or not', () => {
    const shapes = fc.oneof(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 40 })), fc.tuple(fc.integer({ min: 140, max: 170 }), fc.constant(32)));
    fc.assert(fc.property(shapes, fc.boolean(), fc.boolean(), fc.double({ min: 0.01, max: 50, noNaN: true }), ([rows, q], hasW, rms, spread) => {
      const d = 4 * q;
      const x = f32(Array.from({ length: rows * d }, (_, i) => Math.sin(i * 0.77) * spread + (i % 5)));
      const g = f32(Array.from({ length: rows * d }, (_, i) => Math.cos(i * 0.31) - 0.2));
      const w = hasW ? f32(Array.from({ length: d }, (_, j) => Math.cos(j))) : null;
      const [dx, dw, db] = [new Float32Array(rows * d), new Float64Array(d), new Float64Array(d)];
      expect(normGradRowsF32(g, x, rows, d, w, 1e-5, rms, dx, dw, db)).toBe(true);
      const [wantW, wantB, scale] = [new Float64Array(d), new Float64Array(d), new Float64Array(d)];
      for (let r = 0; r < rows; r++) {
        const row = x.subarray(r * d, (r + 1) * d);
        const mean = rms ? 0 : row.reduce((a, v) => a + v, 0) / d;
        const rstd = 1 / Math.sqrt(row.reduce((a, v) => a + (v - mean) ** 2, 0) / d + 1e-5);
        const xh = Array.from(row, (v) => (v - mean) * rstd);
        const h = xh.map((_, j) => g[r * d + j]! * (w ? w[j]! : 1));
        const mg = rms ? 0 : h.reduce((a, v) => a + v, 0) / d;
        const mgx = h.reduce((a, v, j) => a + v * xh[j]!, 0) / d;
        for (let j = 0; j < d; j++) {
          const want = Math.fround((h[j]! - mg - xh[j]! * mgx) * rstd);
          const got = dx[r * d + j]!;
          // one float32 ulp, or (where the row's terms cancel) float64 rounding of its largest term
          if (Math.abs(got - want) > 2 ** -23 * Math.abs(want) + 1e-12 * rstd * (Math.abs(h[j]!) + Math.abs(mg) + Math.abs(xh[j]! * mgx))) expect(got, `dx row ${r} col ${j}`).toBe(want);
          wantW[j]! += g[r * d + j]! * xh[j]!;
          wantB[j]! += g[r * d + j]!;
          scale[j]! += Math.abs(g[r * d + j]! * xh[j]!) + Math.abs(g[r * d + j]!);
        }
      }
      for (let j = 0; j < d; j++) {
        expect(Math.abs(dw[j]! - wantW[j]!)).toBeLessThanOrEqual(1e-12 * scale[j]!);
        expect(Math.abs(db[j]! - wantB[j]!)).toBeLessThanOrEqual(1e-12 * scale[j]!);
      }
    }), { ...FC, numRuns: 30 });
  });

  test('a NaN makes its row NaN; other row lengths are declined (the caller keeps its loop)', () => {
    const y = new Float32Array(8);
    expect(normRowsF32(f32([1, NaN, 3, 4, 1, 2, 3, 4]), 2, 4, null, null, 1e-5, false, y)).toBe(true);
    expect(Array.from(y.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(Array.from(y.subarray(4)).every(Number.isFinite)).toBe(true);
    expect(normRowsF32(f32([1, 2, 3, 4, 5, 6]), 1, 6, null, null, 1e-5, false, new Float32Array(6))).toBe(false);
  });
});

describe('the ops on the wasm kernels (float32) against float64', () => {
  const close = (a: Tensor, b: Tensor, tol: number) => {
    const [p, q] = [a.dataSync(), b.dataSync()];
    expect(p.length).toBe(q.length);
    for (let i = 0; i < p.length; i++) if (!(Math.abs(p[i]! - q[i]!) <= tol * (1 + Math.abs(q[i]!)))) expect(p[i], `element ${i}`).toBe(q[i]);
  };
  test('crossEntropy forward and backward: reductions, ignore_index, weights, label smoothing', () => {
    const opts = fc.record({
      reduction: fc.constantFrom('mean' as const, 'sum' as const, 'none' as const),
      labelSmoothing: fc.constantFrom(0, 0.1),
      weighted: fc.boolean(),
    });
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.oneof(fc.integer({ min: 4, max: 40 }), fc.constant(9000)), opts, (n, c, o) => {
      const x64 = tensor(Array.from({ length: n * c }, (_, i) => Math.sin(i * 0.61) * 6), { shape: [n, c], dtype: 'float64', requiresGrad: true });
      const x32 = tensor(x64.dataSync(), { shape: [n, c], dtype: 'float32', requiresGrad: true });
      const t = tensor(Array.from({ length: n }, (_, i) => (i === 1 ? -100 : (i * 7) % c)), { dtype: 'int32' });
      const w = o.weighted ? Array.from({ length: c }, (_, j) => 0.5 + (j % 3) * 0.25) : undefined;
      const run = (x: Tensor) => {
        const loss = crossEntropy(x, t, { reduction: o.reduction, labelSmoothing: o.labelSmoothing, weight: w ? tensor(w, { dtype: x.dtype }) : undefined });
        const gOut = tensor(Array.from({ length: loss.numel() }, (_, i) => 1 + i * 0.1), { shape: loss.shape, dtype: x.dtype });
        loss.mul(gOut).sum().backward();
        return loss;
      };
      close(run(x32), run(x64), 2e-6);
      close(x32.grad!, x64.grad!, 2e-6);
      const ignored = x32.grad!.dataSync().subarray(c, 2 * c); // row 1 has ignore_index: exactly 0
      if (n > 1) expect(Array.from(ignored).every((v) => v === 0)).toBe(true);
    }), { ...FC, numRuns: 25 });
  });

  test('scaledMaskedSoftmax: causal, bool and additive masks, a fully masked row (NaN as PyTorch), threaded sizes', () => {
    for (const [B, L] of [[1, 5], [3, 7], [8, 96]] as const) {
      const x64 = tensor(Array.from({ length: B * L * L }, (_, i) => Math.sin(i * 0.3) * 4), { shape: [B, L, L], dtype: 'float64' });
      const boolMask = tensor(Array.from({ length: L }, (_, j) => j % 3 !== 0), { dtype: 'bool' });
      const additive = tensor(Array.from({ length: L * L }, (_, i) => (i % 5) * -0.5), { shape: [L, L], dtype: 'float64' });
      for (const [mask, isCausal] of [[null, true], [boolMask, false], [boolMask, true], [additive, true]] as const) {
        const run = (x: Tensor) => scaledDotSoftmax(x, mask && mask.dtype !== 'bool' ? mask.to(x.dtype) : mask, isCausal);
        const [a, b] = [run(x64.to('float32')), run(x64)];
        if (mask === boolMask && isCausal) expect(Number.isNaN(b.dataSync()[0]!), 'row 0 fully masked').toBe(true);
        const [p, q] = [a.dataSync(), b.dataSync()];
        for (let i = 0; i < p.length; i++) {
          const ok = (Number.isNaN(p[i]!) && Number.isNaN(q[i]!)) || Math.abs(p[i]! - q[i]!) <= 2e-6 * (1 + Math.abs(q[i]!));
          if (!ok) expect(p[i], `B ${B} L ${L} element ${i}`).toBe(q[i]);
        }
      }
    }
  });

  test('gelu forward and backward', () => {
    const x64 = tensor(Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 5), { dtype: 'float64', requiresGrad: true });
    const x32 = tensor(x64.dataSync(), { dtype: 'float32', requiresGrad: true });
    const y32 = gelu(x32);
    const y64 = gelu(x64);
    close(y32, y64, 2e-6);
    y32.sum().backward();
    y64.sum().backward();
    close(x32.grad!, x64.grad!, 2e-6);
  });
});

describe('foldBatch', () => {
  const input = (shape: number[], strides: number[]) => ({ storage: cpuBackend.fromArray(new Float32Array(1), 'float32'), shape, strides, offset: 0, dtype: 'float32' as const });
  test('folds [B, M, K] x [K, N] (and a stride-0 batch of B) into one [B M, K] x [K, N] product', () => {
    const p = foldBatch({ a: input([3, 4, 5], [20, 5, 1]), b: input([5, 6], [6, 1]), batch: [3], M: 4, N: 6, K: 5 });
    expect([p.batch, p.M, p.a.shape, p.a.strides, p.b.shape]).toEqual([[], 12, [12, 5], [5, 1], [5, 6]]);
    const q = foldBatch({ a: input([2, 3, 4, 5], [60, 20, 5, 1]), b: input([2, 3, 5, 6], [0, 0, 6, 1]), batch: [2, 3], M: 4, N: 6, K: 5 });
    expect([q.batch, q.M]).toEqual([[], 24]);
  });
  test('leaves products alone where B varies over the batch or A rows do not follow each other', () => {
    const varied = { a: input([3, 4, 5], [20, 5, 1]), b: input([3, 5, 6], [30, 6, 1]), batch: [3], M: 4, N: 6, K: 5 };
    expect(foldBatch(varied)).toBe(varied);
    const transposed = { a: input([3, 4, 5], [20, 1, 4]), b: input([5, 6], [6, 1]), batch: [3], M: 4, N: 6, K: 5 };
    expect(foldBatch(transposed)).toBe(transposed);
    const padded = { a: input([3, 4, 5], [24, 5, 1]), b: input([5, 6], [6, 1]), batch: [3], M: 4, N: 6, K: 5 };
    expect(foldBatch(padded)).toBe(padded);
  });
});
