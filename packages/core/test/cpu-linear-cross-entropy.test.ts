// linearCrossEntropy's CPU kernel: in float32 the logits, their gradient and the two backward
// products stay in wasm memory (threaded where large), and with the wasm GEMM switched off it
// composes the CPU's matmul and cross-entropy kernels. Both must give the composite's value and
// gradients, crossEntropy(input @ weight^T), within float32 rounding, for any shape, ignored
// targets (all of them too: NaN, as PyTorch) and either reduction. float64 is checked by the
// property gradient specs (grad/specs-fused.ts).

import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { crossEntropy, linearCrossEntropy, linearCrossEntropyPacked, randn, tensor, type Tensor } from '@tsgrad/core';
import { setMatmulOptions } from '../src/backends/cpu/matmul.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  setNumThreads(2);
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
  waitForHelpers(wasmGemm()!, 20000);
});

const saved = setMatmulOptions({});
afterEach(() => void setMatmulOptions(saved));

/** Value and gradients of f(x, w), each as a flat array. */
function valueAndGrads(f: (x: Tensor, w: Tensor) => Tensor, x0: Tensor, w0: Tensor): Float32Array[] {
  const [x, w] = [x0.detach().requiresGrad_(), w0.detach().requiresGrad_()];
  const loss = f(x, w);
  loss.backward();
  return [loss.dataSync() as Float32Array, x.grad!.dataSync() as Float32Array, w.grad!.dataSync() as Float32Array];
}

function expectClose(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) expect(got[i], `${what}[${i}]`).toBeNaN();
    else if (Math.abs(got[i]! - want[i]!) > 1e-5 * scale + 1e-7) expect(got[i], `${what}[${i}] (scale ${scale})`).toBe(want[i]);
  }
}

const cases = fc.tuple(
  fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 250, max: 300 })), // rows (the second range is threaded)
  fc.integer({ min: 1, max: 40 }), // d
  fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 500, max: 600 })), // classes, under 4 too
  fc.constantFrom('mean' as const, 'sum' as const),
  fc.constantFrom(0, 0.3, 1), // share of ignored targets
  fc.integer({ min: 0, max: 1 << 20 }),
);

function check(path: 'auto' | 'ts'): void {
  fc.assert(fc.property(cases, ([n, d, v, reduction, ignored, seed]) => {
    setMatmulOptions({ path, wasmMinMacs: 0 });
    const x = randn([n, d]).mul(2);
    const w = randn([v, d]).mul(0.5);
    const t = tensor(Array.from({ length: n }, (_, i) => ((seed + i * 7919) % 1000) / 1000 < ignored ? -100 : (seed + i * 31) % v), { dtype: 'int32' });
    const fused = valueAndGrads((a, b) => linearCrossEntropy(a, b, t, { reduction }), x, w);
    const composite = valueAndGrads((a, b) => crossEntropy(a.matmul(b.t()), t, { reduction }), x, w);
    ['loss', 'dinput', 'dweight'].forEach((what, k) => expectClose(fused[k]!, composite[k]!, `${what} (${n}x${d}, ${v} classes, ${reduction}, ${ignored} ignored)`));
  }), { seed: 20261205, numRuns: path === 'auto' ? 40 : 15 });
}

describe('linearCrossEntropy on the CPU', () => {
  test('float32 on the wasm module: the composite\'s value and gradients (threaded sizes, ignored targets)', () => check('auto'));

  test('float32 without the wasm GEMM (the composed kernels): the same', () => check('ts'));

  test('the packed result is [loss, dinput, dweight] for an output gradient of 1', () => {
    const x = tensor([[1, 2], [0, -1], [3, 1]]);
    const w = tensor([[0.5, -1], [2, 0], [0, 1], [1, 1]]);
    const t = tensor([3, -100, 1], { dtype: 'int32' });
    const p = linearCrossEntropyPacked(x, w, t, { reduction: 'sum' }).dataSync() as Float32Array;
    const [loss, dx, dw] = valueAndGrads((a, b) => crossEntropy(a.matmul(b.t()), t, { reduction: 'sum' }), x, w);
    expectClose(p.subarray(0, 1), loss!, 'loss');
    expectClose(p.subarray(1, 7), dx!, 'dinput');
    expectClose(p.subarray(7), dw!, 'dweight');
    expect([...p.subarray(3, 5)]).toEqual([0, 0]); // the ignored row's input gradient is exactly 0
  });

  test('the gradient scales with the output gradient (loss * 3)', () => {
    const [x, w] = [randn([5, 3]), randn([6, 3])];
    const t = tensor([0, 5, 2, 2, 1], { dtype: 'int32' });
    const [, dx1, dw1] = valueAndGrads((a, b) => linearCrossEntropy(a, b, t).mul(3), x, w);
    const [, dx2, dw2] = valueAndGrads((a, b) => crossEntropy(a.matmul(b.t()), t).mul(3), x, w);
    expectClose(dx1!, dx2!, 'dinput');
    expectClose(dw1!, dw2!, 'dweight');
  });

  test('bad arguments name the op and the shapes', () => {
    const t = tensor([0, 1], { dtype: 'int32' });
    expect(() => linearCrossEntropy(randn([2, 3]), randn([4, 2]), t)).toThrow(/linearCrossEntropy.*\[2,3\].*\[4,2\]/);
    expect(() => linearCrossEntropy(randn([2, 3]), randn([4, 3]), tensor([0, 1]))).toThrow(/linearCrossEntropy.*int32/);
    expect(() => linearCrossEntropy(randn([2, 3]), randn([4, 3]), tensor([0], { dtype: 'int32' }))).toThrow(/linearCrossEntropy.*target \[2\]/);
    expect(() => linearCrossEntropyPacked(randn([2, 3]), randn([4, 3]), t, { reduction: 'none' as 'sum' })).toThrow(/linearCrossEntropyPacked.*'mean' or 'sum'/);
  });
});
