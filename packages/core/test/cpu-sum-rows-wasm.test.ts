// A float32 sum over leading dims of 2,048+ elements (a Linear's bias gradient) runs on the wasm
// kernel sumrows_f32: each column added in float64 row after row and rounded once, as the
// TypeScript loop does, so the same bits for every float32 value, columns off multiples of 4 and
// views at an offset; rows that are not adjacent keep the loop.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from '@tsgrad/core';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
});

const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4028234663852886e38, -3.4028234663852886e38];
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);

function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const r = Math.sin(seed + i * 12.9898) * 43758.5453;
    return i % 23 === 5 ? special[(seed + i) % special.length]! : Math.fround((r - Math.floor(r) - 0.5) * 10 ** ((i % 9) - 4));
  });
}

/** The loop's sums: per column, float64 row after row, rounded to float32 once. */
function expected(v: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) acc[j]! += v[r * cols + j]!;
  return Float32Array.from(acc);
}

describe('sumrows_f32', () => {
  test('the bits of the float64 column sums, for ragged columns, 3-D inputs and offset views', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 67 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.integer({ min: 0, max: 1 << 20 }),
      (r0, cols, offset, threeD, seed) => {
        const rows = Math.max(r0, Math.ceil(2048 / cols)) * 2; // 2,048+ elements: the wasm path
        const v = values(offset + rows * cols, seed);
        const flat = tensor(v).narrow(0, offset, rows * cols);
        const x = threeD ? flat.reshape([2, rows / 2, cols]) : flat.reshape([rows, cols]);
        const got = (threeD ? x.sum([0, 1]) : x.sum(0)).dataSync();
        const want = expected(v.slice(offset), rows, cols);
        expect(got.length).toBe(cols);
        for (let j = 0; j < cols; j++) if (!same(got[j]!, want[j]!)) expect(got[j], `[${rows}, ${cols}] column ${j}`).toBe(want[j]);
      }), { numRuns: 80, seed: 9 });
  });

  test('rows with gaps between them (a column slice) give the same sums through the loop', () => {
    const v = values(200 * 40, 1);
    const x = tensor(v, { shape: [200, 40] }).narrow(1, 3, 30); // rows 40 apart, 30 wide
    const want = expected(x.contiguous().dataSync(), 200, 30);
    expect(Array.from(x.sum(0).dataSync()).every((g, j) => same(g, want[j]!))).toBe(true);
  });
});
