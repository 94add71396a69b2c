// setCpuMemoryReuse: with it on, CPU tensors belong to scopes as GPU tensors do, the arrays of
// disposed ones serve later kernels (zero-filled), a disposed tensor throws when read, an array two
// storages share returns to the pool only when both are disposed, and nothing else changes: the
// same training steps give the same bits with reuse on and off.

import { afterEach, describe, expect, test } from 'vitest';
import { cpuBackend, cpuMemoryReuse, dispose, keep, manualSeed, noGrad, ones, randn, scope, setCpuMemoryReuse, tensor, zeros, type Tensor } from '@tsgrad/core';
import { allocOut, holdArray, poolStats, releaseArray } from '../src/backends/cpu/reuse.js';
import { CpuStorage } from '../src/backends/cpu/storage.js';
import { setMatmulOptions } from '../src/backends/cpu/matmul.js';

afterEach(() => void setCpuMemoryReuse(false));

const BIG = [256, 256]; // 256 KB of float32: pooled (from 64 KB)
const arrayOf = (t: Tensor) => (t.storage as CpuStorage).data;

describe('CPU memory reuse', () => {
  test('off (the default): scopes leave CPU tensors alone and dispose is a no-op', () => {
    expect(cpuMemoryReuse()).toBe(false);
    let inner: Tensor | undefined;
    scope(() => void (inner = ones(BIG).mul(2)));
    dispose(inner!);
    expect(inner!.sum().item()).toBe(2 * 65536);
  });

  test('on: a scope disposes what it does not return or keep, and a disposed tensor throws a clear error', () => {
    setCpuMemoryReuse(true);
    let lost: Tensor | undefined, kept: Tensor | undefined;
    const out = scope(() => {
      lost = ones(BIG).mul(3);
      kept = keep(ones(BIG).mul(4));
      return ones(BIG).mul(5);
    });
    expect(out.sum().item()).toBe(5 * 65536);
    expect(kept!.sum().item()).toBe(4 * 65536);
    expect(() => lost!.sum()).toThrow(/disposed .*memory reused.*keep\(\)/s);
  });

  test('a disposed array serves the next output of its size, zero-filled', () => {
    setCpuMemoryReuse(true);
    let first: Float32Array | undefined;
    scope(() => {
      const t = ones(BIG).mul(7);
      first = arrayOf(t) as Float32Array;
    });
    const again = allocOut('float32', 65536);
    expect(again.buffer).toBe(first!.buffer);
    expect(again.every((v) => v === 0)).toBe(true);
    const fresh = allocOut('float32', 65536); // another buffer (the ones() it was made from)
    expect(fresh.buffer).not.toBe(first!.buffer);
  });

  test('an array held by two storages returns to the pool only when both are disposed', () => {
    setCpuMemoryReuse(true);
    const a = allocOut('float32', 65536);
    const s1 = cpuBackend.fromArray(a, 'float32') as CpuStorage;
    const s2 = cpuBackend.fromArray(a, 'float32') as CpuStorage; // a kernel wrapping its input as output
    s1.release();
    expect(allocOut('float32', 65536).buffer).not.toBe(a.buffer);
    expect(s2.data[0]).toBe(0); // still readable
    s2.release();
    expect(allocOut('float32', 65536).buffer).toBe(a.buffer);
  });

  test('user arrays and arrays allocated with reuse off are never pooled', () => {
    const early = allocOut('float32', 65536); // reuse off
    setCpuMemoryReuse(true);
    const user = new Float32Array(65536);
    const t = tensor(user);
    scope(() => void cpuBackend.fromArray(early, 'float32'));
    dispose(t);
    const next = allocOut('float32', 65536);
    expect(next.buffer).not.toBe(user.buffer);
    expect(next.buffer).not.toBe(early.buffer);
  });

  test('small arrays are left to the allocator; turning reuse off empties the pool', () => {
    setCpuMemoryReuse(true);
    const small = allocOut('float32', 100);
    holdArray(small);
    releaseArray(small);
    expect(allocOut('float32', 100).buffer).not.toBe(small.buffer);
    scope(() => void zeros(BIG).add(1));
    setCpuMemoryReuse(false);
    setCpuMemoryReuse(true);
    const a = allocOut('float32', 65536);
    expect(a.every((v) => v === 0)).toBe(true);
  });

  test('sizes within an eighth of a power of two share buffers; the pool stays under maxBytes, least recently used sizes first', () => {
    setCpuMemoryReuse(true, { maxBytes: 3 * 262144 });
    const a = allocOut('float32', 65536); // 256 KB: its own class
    const keepA = cpuBackend.fromArray(a, 'float32') as CpuStorage;
    keepA.release();
    const b = allocOut('float32', 64000); // 256,000 bytes round up to the same 256 KB class
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(64000);
    const storages = [65536, 65536, 40000, 40000].map((n) => cpuBackend.fromArray(allocOut('float32', n), 'float32') as CpuStorage);
    for (const s of storages) s.release();
    const { bytes, classes } = poolStats();
    expect(bytes).toBeLessThanOrEqual(3 * 262144);
    expect(classes[163840]).toBe(2); // the 160 KB class (40,000 floats), used last, stayed
    expect(classes[262144] ?? 0).toBe(0); // the older 256 KB class made room
    setCpuMemoryReuse(true, { maxBytes: 512 * 1024 * 1024 });
  });

  test('a request takes the smallest free buffer up to twice its size (shapes that change between steps)', () => {
    setCpuMemoryReuse(true);
    const big = cpuBackend.fromArray(allocOut('float32', 65536), 'float32') as CpuStorage; // 256 KB
    const bigBuffer = big.data.buffer;
    big.release();
    expect(allocOut('float32', 20000).buffer).not.toBe(bigBuffer); // 80 KB: a 256 KB buffer is more than twice that
    const mid = allocOut('float32', 40000); // 160 KB class: the 256 KB buffer fits
    expect(mid.buffer).toBe(bigBuffer);
    expect(mid.length).toBe(40000);
    expect(poolStats().hits).toBeGreaterThan(0);
  });

  test('kernels that skip zeroing a reused buffer still give the values: products on every path, K = 0, elementwise', () => {
    const a = randn([256, 64]);
    const b = randn([64, 256]);
    const mismatches = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).filter((v, i) => !Object.is(v, y[i])).length;
    for (const path of ['wasm', 'ts'] as const) {
      const saved = setMatmulOptions({ path });
      try {
        setCpuMemoryReuse(false);
        const want = a.matmul(b).dataSync();
        setCpuMemoryReuse(true);
        scope(() => void ones([256, 256]).mul(9)); // dirty buffers of the product's size go back to the pool
        expect(mismatches(a.matmul(b).dataSync(), want), path).toBe(0);
        scope(() => void ones([256, 256]).mul(9));
        expect(zeros([256, 0]).matmul(zeros([0, 256])).sum().item(), `${path}, K = 0`).toBe(0);
      } finally {
        setMatmulOptions(saved);
      }
    }
    scope(() => void ones([256, 256]).mul(9));
    expect(zeros([256, 256]).add(zeros([256, 256])).sum().item()).toBe(0);
  });

  test('the same training steps give the same bits with reuse on and off', () => {
    const run = (on: boolean): number[] => {
      setCpuMemoryReuse(on);
      manualSeed(1);
      const w = randn([128, 512]).mul(0.05).requiresGrad_();
      const x = randn([256, 128]);
      const out: number[] = [];
      for (let s = 0; s < 4; s++) {
        out.push(scope(() => {
          const loss = x.matmul(w).tanh().square().mean();
          loss.backward();
          noGrad(() => w.sub_(w.grad!.mul(0.5)));
          w.grad = null;
          return loss.detach();
        }).item());
      }
      return [...out, ...w.dataSync().subarray(0, 64)];
    };
    expect(run(true)).toEqual(run(false));
  });
});
