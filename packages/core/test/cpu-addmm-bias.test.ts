// addmm with a float32 bias row (Linear's) adds the bias in the wasm GEMM's epilogue (binary_f32's add,
// in place in wasm memory before the product is copied out) instead of a TypeScript pass over the
// output. Its promise is the composite's bits, matmul(a, b).add(bias), for any float32 bias value
// (signed zeros, infinities, NaN, huge and tiny), row lengths off multiples of 4, bias views at an
// offset, transposed weights, and outputs large enough that the epilogue is split over threads.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addmm, linear, tensor } from '@tsgrad/core';
import { setMatmulOptions, type MatmulOptions } from '../src/backends/cpu/matmul.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

let prev: MatmulOptions;
beforeAll(() => {
  setNumThreads(2);
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
  waitForHelpers(wasmGemm()!, 20000);
  prev = setMatmulOptions({ path: 'wasm', threadMinMacs: 0 }); // small products take the wasm path, threaded
});
afterAll(() => {
  setMatmulOptions(prev);
});

const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38];
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

/** Deterministic pseudo-random float32 values with a special value now and then. */
function values(n: number, seed: number, specials: boolean): number[] {
  return Array.from({ length: n }, (_, i) => {
    const r = Math.sin(seed + i * 12.9898) * 43758.5453;
    return specials && i % 7 === 3 ? special[(seed + i) % special.length]! : (r - Math.floor(r) - 0.5) * 10 ** ((i % 5) - 2);
  });
}

describe('addmm bias epilogue (binary_f32 in place)', () => {
  test('the bits of matmul(a, b).add(bias), for ragged, offset, transposed and threaded shapes', () => {
    fc.assert(fc.property(
      fc.oneof(fc.integer({ min: 1, max: 24 }), fc.constant(300)), fc.integer({ min: 1, max: 9 }),
      fc.oneof(fc.integer({ min: 1, max: 37 }), fc.constant(257)), fc.integer({ min: 0, max: 5 }), fc.boolean(), fc.integer({ min: 0, max: 1 << 20 }),
      (M, K, N, offset, transposed, seed) => {
        const a = tensor(values(M * K, seed, false), { shape: [M, K] });
        const w = tensor(values(N * K, seed + 1, false), { shape: transposed ? [N, K] : [K, N] });
        const b = transposed ? w.mT : w;
        const bias = tensor(values(offset + N, seed + 2, true)).narrow(0, offset, N); // a view at an offset
        const got = addmm(bias, a, b).dataSync();
        const want = a.matmul(b).add(bias).dataSync();
        for (let i = 0; i < want.length; i++) {
          if (!same(got[i]!, want[i]!)) expect(got[i], `M ${M} K ${K} N ${N}: element ${i}`).toBe(want[i]);
        }
      }), { numRuns: 60, seed: 11 });
  });

  test("Linear's forward with a bias over a 3-D input is the product plus the bias row", () => {
    const x = tensor(values(2 * 150 * 16, 3, false), { shape: [2, 150, 16] });
    const w = tensor(values(260 * 16, 4, false), { shape: [260, 16] });
    const bias = tensor(values(260, 5, true));
    const got = linear(x, w, bias).dataSync();
    const want = x.matmul(w.mT).add(bias).dataSync();
    expect(got.length).toBe(2 * 150 * 260);
    for (let i = 0; i < want.length; i++) if (!same(got[i]!, want[i]!)) expect(got[i], `element ${i}`).toBe(want[i]);
  });
});
