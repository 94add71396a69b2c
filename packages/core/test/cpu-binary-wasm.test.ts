// float32 add, sub, mul and div of at least 2,048 elements run on the wasm kernel binary_f32 where
// one operand is dense and the other dense, a per-row scalar, a row for every row or a scalar.
// Its promise is the TypeScript loop's bits, fround(x op y) in float64, for every float32 value
// (signed zeros, infinities, NaN, subnormals), either operand order, views at an offset, rows off
// multiples of 4, and the in-place forms; other layouts (a transposed operand) keep the loop.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { add, div, mul, sub, tensor, type Tensor } from '@tsgrad/core';
import { binaryF32 } from '../src/backends/cpu/elementwise-wasm.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
});

const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3.4028234663852886e38, 1.1754942106924411e-38];
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);
const OPS = { add: [add, (x: number, y: number) => x + y], sub: [sub, (x: number, y: number) => x - y], mul: [mul, (x: number, y: number) => x * y], div: [div, (x: number, y: number) => x / y] } as const;

function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const r = Math.sin(seed + i * 12.9898) * 43758.5453;
    return i % 9 === 4 ? special[(seed + i) % special.length]! : Math.fround((r - Math.floor(r) - 0.5) * 10 ** ((i % 7) - 3));
  });
}

/** A float32 tensor of `shape` whose values start `offset` elements into its storage. */
function at(shape: number[], offset: number, seed: number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return tensor(values(offset + n, seed)).narrow(0, offset, n).reshape(shape);
}

/** The expected result, broadcasting by hand: fround(x op y) per element. */
function expected(x: Tensor, y: Tensor, f: (x: number, y: number) => number, R: number, C: number): Float32Array {
  const [xs, ys] = [x.expand([R, C]).contiguous().dataSync(), y.expand([R, C]).contiguous().dataSync()];
  return Float32Array.from(xs, (v, i) => f(v, ys[i]!));
}

describe('binary_f32', () => {
  test('the bits of fround(x op y) for dense, per-row, per-column and scalar operands, either order', () => {
    fc.assert(fc.property(
      fc.constantFrom('add', 'sub', 'mul', 'div'), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 67 }),
      fc.constantFrom('dense', 'row', 'col', 'scalar'), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 << 20 }),
      (name, R0, C, layout, swap, oa, ob, seed) => {
        const R = Math.max(R0, Math.ceil(2048 / C)); // at least 2,048 elements: the wasm path
        const other = { dense: [R, C], row: [R, 1], col: [C], scalar: [] }[layout];
        const full = at([R, C], oa, seed);
        const bcast = at(other, ob, seed + 1);
        const [x, y] = swap ? [bcast, full] : [full, bcast];
        const [fn, f] = OPS[name];
        const got = fn(x, y).dataSync();
        const want = expected(x, y, f, R, C);
        for (let i = 0; i < want.length; i++) if (!same(got[i]!, want[i]!)) expect(got[i], `${name} ${layout} swap ${swap} [${R}, ${C}]: element ${i}`).toBe(want[i]);
      }), { numRuns: 120, seed: 5 });
  });

  test('in place, and a transposed operand (the loop) give the same bits', () => {
    const x = at([64, 48], 1, 3), y = at([64, 48], 0, 4), yt = at([48, 64], 2, 5).mT;
    const want = expected(x, y, (p, q) => p * q, 64, 48);
    const inPlace = x.clone();
    inPlace.mul_(y);
    expect(Array.from(inPlace.dataSync()).every((v, i) => same(v, want[i]!))).toBe(true);
    const wantT = expected(x, yt, (p, q) => p - q, 64, 48);
    expect(Array.from(sub(x, yt).dataSync()).every((v, i) => same(v, wantT[i]!))).toBe(true);
  });

  test('declines layouts it does not run (nothing written)', () => {
    const out = new Float32Array(8).fill(7);
    const a = new Float32Array(16), b = new Float32Array(16);
    expect(binaryF32('add', [2, 4], [[8, 1], [4, 1]], [a, b], [0, 0], out)).toBe(false); // x's rows are not adjacent
    expect(binaryF32('add', [2, 4], [[4, 1], [1, 2]], [a, b], [0, 0], out)).toBe(false); // y strided
    expect(binaryF32('add', [2, 2, 2], [[4, 2, 1], [4, 2, 1]], [a, b], [0, 0], out)).toBe(false); // rank 3
    expect(out.every((v) => v === 7)).toBe(true);
  });
});
