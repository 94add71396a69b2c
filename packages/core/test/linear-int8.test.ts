// int8 dynamic quantisation: quantizeWeightInt8 and linearDynamicInt8 on hand-worked values, the
// wasm kernel against a float64 reference of the float product within the quantisation error
// bound (random shapes: K and N off multiples of 8, row counts off multiples of 4, the threaded
// path), the same numbers as the decomposition other backends run and as the TypeScript loop,
// the edge rows (zeros, NaN), and the errors.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { gelu, linearDynamicInt8, linearDynamicInt8Op, noGrad, quantizeWeightInt8, relu, tensor, zeros, type Tensor } from '@tsgrad/core';
import { linearInt8Ts } from '../src/backends/cpu/linear-int8.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

const FC = { seed: 20261203, numRuns: 40 } as const;
const f = Math.fround;

/** Deterministic float32 values in [-amp, amp]. */
function values(n: number, seed: number, amp: number): number[] {
  let s = seed | 0;
  return Array.from({ length: n }, () => f((((s = (s * 1103515245 + 12345) | 0) >>> 8) / (1 << 24) * 2 - 1) * amp));
}

beforeAll(() => {
  setNumThreads(2);
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
  waitForHelpers(wasmGemm()!, 20000);
});

describe('quantizeWeightInt8', () => {
  test('rounds w * 127 / max|row| to the nearest integer (halves to even), one scale per row', () => {
    const { weight, scale } = quantizeWeightInt8(tensor([[0.5, -1, 0.25], [0, 0, 0], [-4, 2, 1]]));
    expect(weight.dtype).toBe('int32');
    // row 0: 63.5 -> 64 (even), -127, 31.75 -> 32; row 2: max 4, -127, 63.5 -> 64, 31.75 -> 32
    expect(weight.tolist()).toEqual([[64, -127, 32], [0, 0, 0], [-127, 64, 32]]);
    expect(scale.tolist()).toEqual([f(1 / 127), 0, f(4 / 127)]);
  });

  test('rejects a weight that is not 2-D or not float', () => {
    expect(() => quantizeWeightInt8(zeros([3]))).toThrow(/quantizeWeightInt8.*2-D/s);
    expect(() => quantizeWeightInt8(zeros([2, 2], { dtype: 'int32' }))).toThrow(/quantizeWeightInt8.*float/s);
  });
});

describe('linearDynamicInt8', () => {
  test('a hand-worked product: quantise, int32 sum, dequantise, add the bias', () => {
    // x = [1, 0.5]: max 1, q = [127, 63.5 -> 64]; w = [2, -2]: max 2, q = [127, -127], sw = 2/127
    // acc = 127 * 127 - 64 * 127 = 8001; y = 8001 * (1/127 * 2/127) + 1
    const { weight, scale } = quantizeWeightInt8(tensor([[2, -2]]));
    const y = linearDynamicInt8(tensor([[1, 0.5]]), weight, scale, tensor([1]));
    expect(y.tolist()).toEqual([[f(f(8001 * f(f(1 / 127) * f(2 / 127))) + 1)]]);
    expect(y.item()).toBeCloseTo(2, 1); // the float product is 2
  });

  test('is within the quantisation error bound of the float64 product (random shapes, threaded when large)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 40 }), fc.integer(), fc.boolean(),
      (M0, K, N, seed, big) => {
        const M = big ? M0 + 600 : M0; // 600+ rows x K x N crosses the threading threshold for the larger draws
        const xs = values(M * K, seed, 3), ws = values(N * K, seed + 1, 0.5), bs = values(N, seed + 2, 1);
        const { weight, scale } = quantizeWeightInt8(tensor(ws, { dtype: 'float32' }).reshape([N, K]));
        const y = linearDynamicInt8(tensor(xs).reshape([M, K]), weight, scale, tensor(bs)).dataSync();
        for (let r = 0; r < M; r++) {
          const xr = xs.slice(r * K, (r + 1) * K);
          const sx = Math.max(...xr.map(Math.abs)) / 127;
          for (let n = 0; n < N; n++) {
            const wn = ws.slice(n * K, (n + 1) * K);
            const sw = Math.max(...wn.map(Math.abs)) / 127;
            let ref = bs[n]!, bound = 0, mag = Math.abs(bs[n]!);
            for (let k = 0; k < K; k++) {
              ref += xr[k]! * wn[k]!;
              // |x w - (x - ex)(w - ew)| <= |x| |ew| + |w| |ex| + |ex| |ew|, |ex| <= sx / 2, |ew| <= sw / 2
              bound += Math.abs(xr[k]!) * sw / 2 + Math.abs(wn[k]!) * sx / 2 + sx * sw / 4;
              mag += Math.abs(xr[k]! * wn[k]!);
            }
            expect(Math.abs(y[r * N + n]! - ref)).toBeLessThanOrEqual(1.001 * bound + 1e-6 * mag + 1e-7);
          }
        }
      }), { ...FC, numRuns: 25 });
  });

  test('gives the same numbers as its decomposition (what other backends run) and the TypeScript loop', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20 }), fc.integer(), fc.boolean(),
      (M, K, N, seed, withBias) => {
        const x = tensor(values(M * K, seed, 2)).reshape([M, K]);
        const { weight, scale } = quantizeWeightInt8(tensor(values(N * K, seed + 7, 1)).reshape([N, K]));
        const b = withBias ? tensor(values(N, seed + 3, 1)) : null;
        const y = linearDynamicInt8(x, weight, scale, b);
        const viaOps = linearDynamicInt8Op.decompose!(b ? [x, weight, scale, b] : [x, weight, scale], {});
        expect(Array.from(y.dataSync())).toEqual(Array.from(viaOps.dataSync()));
        const ts = new Float32Array(M * N);
        linearInt8Ts(x.dataSync() as Float32Array, M, K, weight.dataSync(), N, scale.dataSync() as Float32Array, b ? (b.dataSync() as Float32Array) : null, ts);
        expect(Array.from(y.dataSync())).toEqual(Array.from(ts));
      }), FC);
  });

  test('a fused ReLU or GELU gives the bits of relu or gelu after the product (float32 wasm, threaded, float64, the decomposition)', () => {
    const same = (a: Tensor, b: Tensor) => {
      const [p, q] = [a.dataSync(), b.dataSync()];
      for (let i = 0; i < p.length; i++) if (!Object.is(p[i], q[i])) expect(p[i], `element ${i}`).toBe(q[i]);
    };
    const check = (M: number, K: number, N: number, seed: number, act: 'relu' | 'gelu', dtype: 'float32' | 'float64') => {
      const x = tensor(values(M * K, seed, 3), { dtype }).reshape([M, K]);
      const q = quantizeWeightInt8(tensor(values(N * K, seed + 7, 1), { dtype }).reshape([N, K]));
      const b = tensor(values(N, seed + 3, 1), { dtype });
      const fused = linearDynamicInt8(x, q.weight, q.scale, b, { activation: act });
      const y = linearDynamicInt8(x, q.weight, q.scale, b);
      same(fused, act === 'gelu' ? gelu(y) : relu(y));
      same(fused, linearDynamicInt8Op.decompose!([x, q.weight, q.scale, b], { activation: act }) as Tensor);
    };
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 20 }), fc.integer(),
      fc.constantFrom('relu' as const, 'gelu' as const), fc.constantFrom('float32' as const, 'float64' as const), check), FC);
    check(300, 128, 41, 5, 'gelu', 'float32'); // rows split over the helper threads, N off a multiple of 8
    check(300, 128, 41, 6, 'relu', 'float32');
    expect(linearDynamicInt8(tensor([[-1, 0, 2]]), quantizeWeightInt8(tensor([[1, 0, 0], [0, 0, 1]])).weight, tensor([1, 1]), null, { activation: 'relu' }).tolist())
      .toEqual([[0, 254]]); // relu(-127) = 0; 2 -> 127 times the weight's 127
  });

  test('float64 runs the same steps unrounded: the hand-worked product in double, and the decomposition', () => {
    // as the float32 case above, without rounding: 8001 * (1/127 * 2/127) + 1
    const { weight, scale } = quantizeWeightInt8(tensor([[2, -2]], { dtype: 'float64' }));
    expect(scale.dtype).toBe('float64');
    const y = linearDynamicInt8(tensor([[1, 0.5]], { dtype: 'float64' }), weight, scale, tensor([1], { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    expect(y.tolist()).toEqual([[8001 * ((1 / 127) * (2 / 127)) + 1]]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.integer(), (M, K, N, seed) => {
      const x = tensor(values(M * K, seed, 2), { dtype: 'float64' }).reshape([M, K]);
      const q = quantizeWeightInt8(tensor(values(N * K, seed + 5, 1), { dtype: 'float64' }).reshape([N, K]));
      const b = tensor(values(N, seed + 9, 1), { dtype: 'float64' });
      const got = linearDynamicInt8(x, q.weight, q.scale, b).dataSync();
      expect(Array.from(got)).toEqual(Array.from(linearDynamicInt8Op.decompose!([x, q.weight, q.scale, b], {}).dataSync()));
    }), FC);
  });

  test('keeps leading dims, reads strided views, and maps a zero row to the bias and a NaN row to NaN', () => {
    const { weight, scale } = quantizeWeightInt8(tensor([[1, 2, 3], [-1, 0, 1]]));
    const x = tensor([[[0, 0, 0], [1, NaN, 1]], [[3, 2, 1], [1, 1, 1]]]); // (2, 2, 3)
    const y = linearDynamicInt8(x, weight, scale, tensor([0.5, -0.5]));
    expect(y.shape).toEqual([2, 2, 2]);
    const v = y.tolist() as number[][][];
    expect(v[0]![0]).toEqual([0.5, -0.5]);
    expect(v[0]![1]!.every(Number.isNaN)).toBe(true);
    const xt = tensor([[3, 1], [2, 1], [1, 1]]).t(); // a transposed view of [[3, 2, 1], [1, 1, 1]]
    expect(linearDynamicInt8(xt, weight, scale, tensor([0.5, -0.5])).tolist()).toEqual(v[1]);
  });

  test('an empty inner dim gives the bias', () => {
    const y = linearDynamicInt8(zeros([2, 0]), zeros([3, 0], { dtype: 'int32' }), tensor([1, 1, 1]), tensor([1, 2, 3]));
    expect(y.tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });

  test('names the op and the shapes or dtypes on bad input, and refuses autograd', () => {
    const { weight, scale } = quantizeWeightInt8(tensor([[1, 2]]));
    expect(() => linearDynamicInt8(zeros([2, 3]), weight, scale)).toThrow(/linearDynamicInt8.*last dim/s);
    expect(() => linearDynamicInt8(zeros([2, 2]), weight, tensor([1, 2]))).toThrow(/linearDynamicInt8.*weightScale/s);
    expect(() => linearDynamicInt8(zeros([2, 2], { dtype: 'float64' }), weight, scale)).toThrow(/linearDynamicInt8.*of the input's dtype/s); // float32 scale
    expect(() => linearDynamicInt8(zeros([2, 2], { dtype: 'int32' }), weight, scale)).toThrow(/linearDynamicInt8.*float32 \(or float64\) input/s);
    expect(() => linearDynamicInt8(zeros([2, 2]), weight.to('float32'), scale)).toThrow(/linearDynamicInt8.*int32 weightInt8/s);
    const x: Tensor = zeros([1, 2], { requiresGrad: true });
    expect(() => linearDynamicInt8(x, weight, scale)).toThrow(/not differentiable/);
    expect(() => linearDynamicInt8(zeros([1, 2]), weight, scale, null, { activation: 'tanh' as 'gelu' })).toThrow(/linearDynamicInt8.*'none', 'relu' or 'gelu'.*"tanh"/s);
    expect(noGrad(() => linearDynamicInt8(x, weight, scale)).shape).toEqual([1, 1]);
  });
});
