// The float32 attention softmax (scaledMaskedSoftmax) runs as one wasm kernel (maskedsoftmax_f32)
// where the scores are contiguous rows and the mask runs along the keys with stride 1; other
// layouts take the masked scores in TypeScript and the row-exp kernels. The fused kernel promises
// the same bits as that path, so both are run here on the same values (the second through a
// transposed view, which the fused kernel declines) and compared element by element.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { apply, scaledMaskedSoftmaxOp, tensor, type Tensor } from '@tsgrad/core';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  setNumThreads(2);
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
  waitForHelpers(wasmGemm()!, 20000);
});

type MaskKind = 'none' | 'bool' | 'additive';
const softmax = (x: Tensor, mask: Tensor | null, kind: MaskKind, scale: number, isCausal: boolean) =>
  apply(scaledMaskedSoftmaxOp, mask ? [x, mask] : [x], { scale, isCausal, mask: kind });

/** The same values as x in a layout whose keys have stride T (not 1). */
const strided = (x: Tensor) => x.transpose(-1, -2).contiguous().transpose(-1, -2);

/** Element by element: the same float32 bits (NaN equal to NaN). */
function sameBits(a: Tensor, b: Tensor, what: string): void {
  const [p, q] = [a.dataSync(), b.dataSync()];
  expect(p.length).toBe(q.length);
  for (let i = 0; i < p.length; i++) if (!Object.is(p[i], q[i])) expect(p[i], `${what}: element ${i}`).toBe(q[i]);
}

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 6);

describe('maskedsoftmax_f32', () => {
  test('the same bits as the masked scores in TypeScript plus the row-exp kernels', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 4, max: 37 }),
      fc.constantFrom<MaskKind>('none', 'bool', 'additive'), fc.constantFrom('full', 'per-batch', 'keys'), fc.boolean(),
      fc.double({ min: 0.05, max: 2, noNaN: true }), fc.integer({ min: 0, max: 1000 }),
      (B, H, T, S, kind, layout, isCausal, scale, seed) => {
        const x = tensor(values(B * H * T * S, seed), { shape: [B, H, T, S] });
        // masks broadcast as attention builds them: [T, S], [B, 1, T, S] or [B, 1, 1, S]
        const mShape = layout === 'full' ? [T, S] : layout === 'per-batch' ? [B, 1, T, S] : [B, 1, 1, S];
        const mN = mShape.reduce((a, b) => a * b, 1);
        const mask = kind === 'bool'
          ? tensor(Array.from({ length: mN }, (_, i) => (i * 7 + seed) % 5 !== 0), { shape: mShape, dtype: 'bool' })
          : kind === 'additive' ? tensor(Array.from({ length: mN }, (_, i) => ((i + seed) % 4 === 0 ? -Infinity : ((i * 3) % 7) * -0.75)), { shape: mShape }) : null;
        sameBits(softmax(x, mask, kind, scale, isCausal), softmax(strided(x), mask, kind, scale, isCausal), `${kind} ${layout} causal ${isCausal}`);
      }), { seed: 20261204, numRuns: 60 });
  });

  test('threaded sizes, and rows that are fully masked (NaN, as PyTorch)', () => {
    const [B, H, T, S] = [4, 4, 64, 64]; // 65,536 scores: split over the helper threads
    const x = tensor(values(B * H * T * S, 1), { shape: [B, H, T, S] });
    const keys = tensor(Array.from({ length: B * S }, (_, i) => i % S < 40 && i >= S), { shape: [B, 1, 1, S], dtype: 'bool' }); // batch 0: all masked
    const y = softmax(x, keys, 'bool', 0.125, true);
    sameBits(y, softmax(strided(x), keys, 'bool', 0.125, true), 'threaded bool');
    expect(Number.isNaN(y.dataSync()[0]!)).toBe(true);
    const row = Array.from(y.dataSync().subarray(H * T * S + 5 * S, H * T * S + 6 * S)); // batch 1, query 5: keys 0..5
    expect(row.slice(6).every((v) => v === 0)).toBe(true);
    expect(row.slice(0, 6).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});
