// softmax's backward (softmaxBackward: y (g - sum(g y)) scale) on dense float32 rows of 2,048+
// elements runs on the wasm kernel softmaxgrad_f32, which repeats the TypeScript loop's float64
// operations in its order: the same bits as that loop, which a transposed view of the same
// values still takes. Rows off multiples of 4, scales 1 and 0.125, special values.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { apply, softmaxBackwardOp, tensor } from '@tsgrad/core';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
});

const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4028234663852886e38];
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

function values(n: number, seed: number, specials: boolean): number[] {
  return Array.from({ length: n }, (_, i) => {
    const r = Math.sin(seed + i * 12.9898) * 43758.5453;
    return specials && i % 31 === 7 ? special[(seed + i) % special.length]! : Math.fround(r - Math.floor(r) - (specials ? 0.5 : 0));
  });
}

describe('softmaxgrad_f32', () => {
  test('the bits of the TypeScript loop (which a transposed view takes), ragged rows, both scales', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 70 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(1, 0.125), fc.integer({ min: 0, max: 1 << 20 }),
      (n, r0, scale, seed) => {
        const rows = Math.max(r0, Math.ceil(2048 / n)); // 2,048+ elements: the wasm path
        const g = tensor(values(rows * n, seed, true), { shape: [rows, n] });
        const y = tensor(values(rows * n, seed + 1, false), { shape: [rows, n] });
        const got = apply(softmaxBackwardOp, [g, y], { dim: 1, scale }).dataSync();
        // the same values laid out column-major: the loop path, then transposed back
        const gT = g.mT.contiguous().mT, yT = y.mT.contiguous().mT;
        const want = apply(softmaxBackwardOp, [gT, yT], { dim: 1, scale }).dataSync();
        for (let i = 0; i < want.length; i++) if (!same(got[i]!, want[i]!)) expect(got[i], `[${rows}, ${n}] scale ${scale}: element ${i}`).toBe(want[i]);
      }), { numRuns: 60, seed: 13 });
  });
});
