// The machinery under the CPU matmul: work splitting, helper threads that really take chunks and
// never keep a process alive, and the generated WebAssembly (encodings, validity). No timings.

import { spawnSync } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { randn } from '@tsgrad/core';
import { setMatmulOptions } from '../src/backends/cpu/matmul.js';
import { splitWork } from '../src/backends/cpu/matmul-wasm.js';
import { helperChunkCount, setNumThreads, waitForHelpers } from '../src/backends/cpu/threads/pool.js';
import { sleb, uleb } from '../src/backends/cpu/wasm/emit.js';
import { BLOCKING, gemmModuleBytes } from '../src/backends/cpu/wasm/gemm-module.js';
import { wasmGemm } from '../src/backends/cpu/wasm/runtime.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

test('splitWork covers every (batch, row, col) exactly once, in at most the asked number of chunks', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }),
    (parts, nb, M, N) => {
      const chunks = splitWork(parts, nb, M, N, BLOCKING.f32);
      expect(chunks.length).toBeLessThanOrEqual(Math.max(parts, 1));
      const seen = new Uint8Array(nb * M * N);
      for (const [b0, b1, i0, i1, j0, j1] of chunks) {
        for (let t = b0!; t < b1!; t++) for (let i = i0!; i < i1!; i++) for (let j = j0!; j < j1!; j++) seen[(t * M + i) * N + j]!++;
      }
      expect(seen.every((v) => v === 1)).toBe(true);
    }), { numRuns: 300, seed: 7 });
});

test('helper threads take chunks of large products, and the results match one thread', () => {
  setNumThreads(2);
  expect(waitForHelpers(wasmGemm()!, 20000)).toBeGreaterThanOrEqual(1);
  const a = randn([3, 256, 96]);
  const b = randn([96, 200]);
  const prev = setMatmulOptions({ path: 'wasm', maxThreads: 1 });
  const one = a.matmul(b).dataSync();
  setMatmulOptions({ path: 'wasm', maxThreads: Infinity, threadMinMacs: 0 });
  const before = helperChunkCount();
  let mismatches = 0;
  for (let r = 0; r < 30; r++) {
    const c = a.matmul(b).dataSync();
    for (let i = 0; i < c.length; i++) if (c[i] !== one[i]) mismatches++; // same order of sums: bitwise equal
  }
  expect(mismatches).toBe(0);
  setMatmulOptions(prev);
  expect(helperChunkCount()).toBeGreaterThan(before);
});

/** Builds packages/core/dist if a source file is newer (the test runs the built code in a child). */
function ensureBuilt(): void {
  const dist = join(root, 'packages/core/dist/backends/cpu/threads/pool.js');
  const newest = (dir: string): number => Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) =>
    e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs));
  if (!existsSync(dist) || statSync(dist).mtimeMs < newest(join(root, 'packages/core/src'))) {
    const r = spawnSync('npx', ['tsc', '-b', 'packages/core'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }
}

test('a process that ran threaded matmuls exits by itself (helpers are unref\'d)', () => {
  ensureBuilt();
  const script = `
    const core = await import('./packages/core/dist/index.js');
    const mm = await import('./packages/core/dist/backends/cpu/matmul.js');
    const pool = await import('./packages/core/dist/backends/cpu/threads/pool.js');
    const rt = await import('./packages/core/dist/backends/cpu/wasm/runtime.js');
    pool.setNumThreads(2);
    mm.setMatmulOptions({ threadMinMacs: 0 });
    core.randn([64, 64]).matmul(core.randn([64, 64]));
    const ready = pool.waitForHelpers(rt.wasmGemm());
    core.randn([256, 256]).matmul(core.randn([256, 256]));
    console.log('helpers', ready);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30000 });
  expect(r.error).toBeUndefined(); // a timeout would mean the helpers kept the process alive
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout.trim()).toBe('helpers 1');
});

test('LEB128 encodings', () => {
  expect(uleb(0)).toEqual([0]);
  expect(uleb(127)).toEqual([127]);
  expect(uleb(128)).toEqual([0x80, 1]);
  expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
  expect(sleb(-1)).toEqual([0x7f]);
  expect(sleb(63)).toEqual([63]);
  expect(sleb(64)).toEqual([0xc0, 0]);
  expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
});

test('the generated GEMM module validates in every variant', () => {
  for (const shared of [true, false]) {
    expect(WebAssembly.validate(gemmModuleBytes({ shared, maxPages: 256 }))).toBe(true);
    const small = { f32: { ...BLOCKING.f32, MR: 2, NR: 16, U: 2 }, f64: { ...BLOCKING.f64, NR: 6 }, i32: BLOCKING.i32 };
    expect(WebAssembly.validate(gemmModuleBytes({ shared, maxPages: 256, blocking: small }))).toBe(true);
  }
});
