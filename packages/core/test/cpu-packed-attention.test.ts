// packedAttention on the CPU: its kernels (heads read in place from qkv, products written straight
// into the (B, L, H D) and (B, L, 3E) layouts) give the bits of the composite attention they
// replace, on every matmul path (wasm on one thread and on helper threads, the TypeScript GEMM,
// the per-product fallback), with dropout drawing the same mask from the same generator, and with
// CPU memory reuse on. Plus its argument errors.

import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  Generator, packedAttention, randn, scaledDotProductAttention, scope, setCpuMemoryReuse, sin, arange, tensor, type Tensor,
} from '@tsgrad/core';
import { setMatmulOptions, type MatmulOptions } from '../src/backends/cpu/matmul.js';
import { setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

beforeAll(() => {
  setNumThreads(2);
  waitForHelpers(wasmGemm()!, 20000);
});
let restore: MatmulOptions | null = null;
afterEach(() => {
  if (restore) setMatmulOptions(restore);
  restore = null;
  setCpuMemoryReuse(false);
});

type Opts = { attnMask?: Tensor | null; isCausal?: boolean; dropoutP?: number };

/** y and d(qkv) (for a fixed output gradient) through `f`, with a fresh generator of one seed. */
function run(qkv0: Tensor, f: (qkv: Tensor, gen: Generator) => Tensor): [Float32Array, Float32Array] {
  const qkv = qkv0.detach().requiresGrad_(true);
  const y = f(qkv, new Generator(11));
  y.backward(sin(arange(0, y.numel(), 1)).reshape(y.shape));
  return [y.dataSync() as Float32Array, qkv.grad!.dataSync() as Float32Array];
}

/** The composite packedAttention replaces: split heads, scaledDotProductAttention, merge heads. */
function composite(qkv: Tensor, H: number, opts: Opts, generator: Generator): Tensor {
  const [B, L, E3] = qkv.shape as [number, number, number];
  const E = E3 / 3;
  const part = (i: number) => qkv.slice(2, i * E, (i + 1) * E).reshape([B, L, H, E / H]).transpose(1, 2);
  return scaledDotProductAttention(part(0), part(1), part(2), { ...opts, generator }).transpose(1, 2).reshape([B, L, E]);
}

function expectSameBits(a: Float32Array, b: Float32Array, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect(a[i], `${what}: element ${i}`).toBe(b[i]);
}

// shapes from one tiny head to the recipe's (16 x 24, 4 heads of 32) and a causal pretraining-like one
const shapes = fc.constantFrom([1, 1, 1, 4], [2, 5, 2, 3], [3, 7, 3, 8], [16, 24, 4, 32], [4, 64, 4, 32]);
const kinds = fc.constantFrom('none', 'causal', 'keys', 'additive');

function optsFor(kind: string, B: number, L: number, p: number, seed: number): Opts {
  const keys = tensor(Array.from({ length: B * L }, (_, i) => i % L === 0 || (i * 7 + seed) % 5 !== 0), { shape: [B, 1, 1, L] });
  const additive = randn([L, L]).mul(0.5);
  return { attnMask: kind === 'keys' ? keys : kind === 'additive' ? additive : null, isCausal: kind === 'causal', dropoutP: p };
}

describe('packedAttention (CPU) against the composite attention', () => {
  const paths: [string, Partial<MatmulOptions>][] = [
    ['wasm, one thread', { path: 'wasm', maxThreads: 1 }],
    ['wasm, helper threads', { path: 'wasm', threadMinMacs: 0 }],
    ['TypeScript GEMM', { path: 'ts' }],
    ['default dispatch', {}],
  ];
  for (const [name, o] of paths) {
    test(`the same bits forward and backward: ${name}`, () => {
      restore = setMatmulOptions(o);
      fc.assert(fc.property(shapes, kinds, fc.constantFrom(0, 0.1), fc.integer({ min: 0, max: 9 }), ([B, L, H, D], kind, p, seed) => {
        const qkv = randn([B!, L!, 3 * H! * D!]);
        const opts = optsFor(kind, B!, L!, p, seed);
        const [y1, g1] = run(qkv, (x, gen) => packedAttention(x, H!, { ...opts, generator: gen }));
        const [y0, g0] = run(qkv, (x, gen) => composite(x, H!, opts, gen));
        expectSameBits(y1, y0, `y (${kind}, p ${p})`);
        expectSameBits(g1, g0, `d(qkv) (${kind}, p ${p})`);
      }), { numRuns: 12, seed: 5 });
    });
  }

  test('dropout draws the mask dropout would, and leaves the generator where it would', () => {
    const qkv = randn([2, 6, 24]);
    const [g1, g0] = [new Generator(3), new Generator(3)];
    const y1 = packedAttention(qkv, 2, { dropoutP: 0.5, generator: g1 });
    const y0 = composite(qkv, 2, { dropoutP: 0.5 }, g0);
    expectSameBits(y1.dataSync() as Float32Array, y0.dataSync() as Float32Array, 'y');
    expect(g1.random()).toBe(g0.random());
  });

  test('with CPU memory reuse on: the same bits, step after step (intermediates go back to the pool, none is read after)', () => {
    const qkv = randn([16, 24, 384]);
    const opts = optsFor('keys', 16, 24, 0.1, 1);
    const ref = run(qkv, (x, gen) => packedAttention(x, 4, { ...opts, generator: gen }));
    setCpuMemoryReuse(true);
    for (let step = 0; step < 3; step++) {
      const got = scope(() => run(qkv, (x, gen) => packedAttention(x, 4, { ...opts, generator: gen })));
      expectSameBits(got[0], ref[0], `y, step ${step}`);
      expectSameBits(got[1], ref[1], `d(qkv), step ${step}`);
    }
  });

  test('float64 takes the fused kernels too, within rounding of the float64 composite', () => {
    const qkv = randn([3, 9, 48], { dtype: 'float64' });
    const y1 = packedAttention(qkv, 4, { isCausal: true }).dataSync();
    const y0 = composite(qkv, 4, { isCausal: true }, new Generator(0)).dataSync();
    for (let i = 0; i < y0.length; i++) expect(Math.abs(y1[i]! - y0[i]!)).toBeLessThan(1e-12);
  });
});

describe('packedAttention errors name the op, the shapes and what was expected', () => {
  const qkv = randn([2, 5, 24]);
  test.each([
    ['a 2-D qkv', () => packedAttention(randn([5, 24]), 2), /packedAttention.*\(B, L, 3E\)/],
    ['E not divisible by the heads', () => packedAttention(qkv, 3), /packedAttention.*divisible by numHeads 3/],
    ['a bad head count', () => packedAttention(qkv, 0), /numHeads must be a positive integer, got 0/],
    ['a mask of the wrong shape', () => packedAttention(qkv, 2, { attnMask: tensor([[true, false, true]]) }), /packedAttention: shapes cannot be broadcast[^]*scores: \[2, 2, 5, 5\][^]*attnMask: \[1, 3\]/],
    ['a mask with more dims than the scores', () => packedAttention(qkv, 2, { attnMask: randn([3, 1, 1, 1, 5]) }), /packedAttention: attnMask must broadcast to the scores' shape \(B, H, L, L\) = \[2, 2, 5, 5\]/],
    ['a mask and isCausal', () => packedAttention(qkv, 2, { attnMask: tensor([true]), isCausal: true }), /either attnMask or isCausal/],
    ['dropoutP out of range', () => packedAttention(qkv, 2, { dropoutP: 1.5 }), /dropoutP must be in \[0, 1\], got 1.5/],
  ])('%s', (_name, f, message) => {
    expect(f).toThrow(message);
  });

  test('dropoutP 1 zeroes the output, as dropout(w, 1) does', () => {
    expect([...packedAttention(qkv, 2, { dropoutP: 1 }).dataSync()].every((v) => v === 0)).toBe(true);
  });
});
