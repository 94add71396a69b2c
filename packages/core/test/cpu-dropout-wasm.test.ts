// dropout's float32 mask-and-scale runs as a wasm SIMD kernel (dropout_f32): x / q where kept and
// x * 0 where dropped, with f32x4.div. Its promise is the composite's bits, x * keep / (1 - p)
// computed by the elementwise ops (float64 arithmetic rounded to float32), for every float32
// value: signed zeros, infinities, NaN, subnormals, and lengths off multiples of 4 or threaded.
// The keep mask's draws run there too (keepmask): the generator's stream, so the same flags and the
// same final state as the JavaScript loop, and as rand(...).ge(p) from an equal generator.

import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { apply, dropout, dropoutOp, Generator, ones, rand, tensor } from '@tsgrad/core';
import { setKeepMaskFill } from '../src/rng.js';
import { keepMaskWasm } from '../src/backends/cpu/dropout.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { dropoutF32 } from '../src/backends/cpu/vector-wasm.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  setNumThreads(2);
  expect(wasmGemm(), 'WebAssembly SIMD is available in Node 20').not.toBeNull();
  waitForHelpers(wasmGemm()!, 20000);
});

const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3.4028234663852886e38, 1.1754942106924411e-38];

describe('dropout_f32', () => {
  test('the bits of x * keep / (1 - p) from the elementwise ops (any float32, ragged and threaded lengths)', () => {
    fc.assert(fc.property(
      fc.oneof(fc.integer({ min: 4, max: 70 }), fc.integer({ min: 65536, max: 66000 })),
      fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 0, max: 1 << 30 }),
      (n, p, seed) => {
        const x = new Float32Array(n);
        const keep = new Uint8Array(n);
        for (let i = 0; i < n; i++) {
          const r = Math.sin(seed + i * 12.9898) * 43758.5453;
          x[i] = i % 11 === 3 ? special[(seed + i) % special.length]! : (r - Math.floor(r) - 0.5) * 10 ** ((i % 7) - 3);
          keep[i] = (seed >> (i % 20)) & 1 || i % 3 === 0 ? 1 : 0;
        }
        const q = Math.fround(1 - p);
        const got = new Float32Array(n);
        expect(dropoutF32(x, keep, q, got)).toBe(true);
        const xt = tensor(x);
        const want = apply(dropoutOp, [xt, tensor(keep, { dtype: 'bool' })], { p }).dataSync(); // the kernel itself (wasm path)
        const composite = xt.mul(tensor(keep, { dtype: 'bool' })).div(1 - p).dataSync();
        for (let i = 0; i < n; i++) {
          if (!Object.is(got[i], composite[i])) expect(got[i], `x ${x[i]} keep ${keep[i]} element ${i}`).toBe(composite[i]);
          if (!Object.is(want[i], composite[i])) expect(want[i], `element ${i} through the op`).toBe(composite[i]);
        }
      }), { seed: 20261204, numRuns: 40 });
  });

  test('declines lengths under 4 (the TypeScript loop takes them)', () => {
    expect(dropoutF32(new Float32Array(3), new Uint8Array(3), 0.5, new Float32Array(3))).toBe(false);
  });
});

describe('keepmask', () => {
  const jsMask = (g: Generator, n: number, cut: number): Uint8Array => {
    const out = new Uint8Array(n);
    setKeepMaskFill(null);
    try {
      g.fillKeepMask(out, cut);
    } finally {
      setKeepMaskFill(keepMaskWasm);
    }
    return out;
  };

  test('the flags and final state of the JavaScript loop, for any seed, length and cut (0 and 2^32 too)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 2 ** 40 }), fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 65530, max: 65545 })),
      fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32)),
      (seed, n, cut) => {
        const [a, b] = [new Generator(seed), new Generator(seed)];
        const got = new Uint8Array(n);
        expect(keepMaskWasm((a as unknown as { s: Uint32Array }).s, got, cut)).toBe(true);
        expect([...got]).toEqual([...jsMask(b, n, cut)]);
        expect(a.getState()).toEqual(b.getState());
        expect(a.nextUint32()).toBe(b.nextUint32());
      }), { seed: 20261205, numRuns: 200 });
  });

  test('dropout through it keeps exactly the elements whose uniform from an equal generator is >= p', () => {
    for (const p of [0.1, 0.5, 0.9, 1 - 2 ** -26]) {
      const kept = dropout(ones([1027]), p, true, { generator: new Generator(7) }).ne(0).dataSync();
      const want = rand([1027], { generator: new Generator(7) }).ge(p).dataSync();
      expect([...kept], `p ${p}`).toEqual([...want]);
    }
  });
});
