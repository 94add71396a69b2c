// The browser bundle of @tsgrad/core: the whole public API as a tree-shaken, minified ES module
// (Vite 8 / Rolldown, as an app would build it, with no plugin: core's package.json "sideEffects" list
// alone must keep the CPU backend and the Tensor methods). What a page loads eagerly must stay under the
// budget below (gzip); gpu.js must sit in a chunk that only `setBackend('gpu', ...)` loads.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Rolldown } from 'vite';
import { ROOT } from './lib/extract.js';

/**
 * Budget for the eagerly loaded part of `export * from '@tsgrad/core'`, gzip level 9. Measured at
 * 42.8 KB (144.7 KB minified) when set; raise it deliberately, in review. Raised from 56 KB to
 * 60 KB for the convolution family (pad, conv1d/2d, pooling, interpolate, batchNorm, the
 * similarity and regression losses, unfold): 53.1 KB without it, 58.2 KB with it. Raised to
 * 63 KB for int8 dynamic quantisation (linearDynamicInt8, its CPU kernel and the WebAssembly
 * emitter of its SIMD kernel, which sits in the GEMM's module): 58.1 KB without it, 60.7 KB with it.
 * Raised to 72 KB for the sorting, scan, shape/index and product ops (topk, sort, cumsum, unique,
 * flip, roll, scatter/scatterReduce, einsum and the rest of that family): 68.3 KB with them.
 * Raised to 76 KB for the CPU kernels of the inference and fine-tuning speed work (the one-pass
 * attention softmax and dropout wasm kernels and their emitters, the int8 linear's fused activation,
 * the float32 strided copy): 70.7 KB without them, 73.1 KB with them. Raised to 78 KB for the
 * pretraining step's speed work (the wasm keep-mask generator of dropout; linearCrossEntropy: the
 * op, its packed form and the CPU kernel that keeps the logits in wasm memory; CPU memory reuse):
 * 74.9 KB without them, 77.3 KB with them. Raised to 82 KB for packed self-attention
 * (packedAttention, its weights and backward ops with their CPU kernels, the GEMM's per-matrix
 * output row stride, the float32 strided scatter): 80.6 KB with it.
 */
export const CORE_GZIP_BUDGET = 82 * 1024;

type Chunk = Rolldown.OutputChunk;
let dir = '';
let chunks: Chunk[] = [];

beforeAll(async () => {
  const { build } = await import('vite');
  dir = mkdtempSync(join(tmpdir(), 'tsgrad-bundle-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, "export * from '@tsgrad/core';\n");
  const out = await build({
    configFile: false, logLevel: 'error', root: dir,
    resolve: { alias: [{ find: /^@tsgrad\/core$/, replacement: join(ROOT, 'packages/core/src/index.ts') }] },
    build: { outDir: join(dir, 'dist'), minify: true, target: 'es2022', lib: { entry, formats: ['es'], fileName: 'core' } },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as Rolldown.RolldownOutput[];
  chunks = outputs.flatMap((o) => o.output).filter((c): c is Chunk => c.type === 'chunk');
  mkdirSync(join(ROOT, 'test/artifacts'), { recursive: true });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The entry chunk and every chunk it imports statically: what a page downloads before running. */
function eager(): Chunk[] {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const i of byName.get(name)!.imports) visit(i);
  };
  visit(chunks.find((c) => c.isEntry)!.fileName);
  return [...seen].map((n) => byName.get(n)!);
}

describe('@tsgrad/core browser bundle', () => {
  test(`the eager part is under ${CORE_GZIP_BUDGET / 1024} KB gzip`, () => {
    const code = eager().map((c) => c.code).join('\n');
    const gz = gzipSync(code, { level: 9 }).length;
    const report = `eager chunks: ${eager().map((c) => c.fileName).join(', ')}; ${(code.length / 1024).toFixed(1)} KB minified, ${(gz / 1024).toFixed(1)} KB gzip (budget ${CORE_GZIP_BUDGET / 1024} KB)`;
    writeFileSync(join(ROOT, 'test/artifacts/core-bundle-size.txt'), `${report}\n`);
    console.log(report);
    expect(gz).toBeGreaterThan(10 * 1024); // the whole op set is in it
    expect(gz).toBeLessThan(CORE_GZIP_BUDGET);
  });

  test('gpu.js is only in chunks loaded by a dynamic import', () => {
    const isGpuJs = (c: Chunk) => c.code.includes('WebGL2Kernel'); // a gpu.js class name
    expect(eager().some(isGpuJs)).toBe(false);
    const gpu = chunks.filter(isGpuJs);
    expect(gpu.length).toBeGreaterThan(0);
    for (const g of gpu) expect(chunks.some((c) => c.dynamicImports.includes(g.fileName) || c.imports.includes(g.fileName))).toBe(true);
    expect(eager().some((c) => c.dynamicImports.length > 0)).toBe(true);
  });

  test('the bundle works: the CPU backend and the Tensor methods survived tree-shaking', async () => {
    const entry = chunks.find((c) => c.isEntry)!;
    const core = await import(/* @vite-ignore */ pathToFileURL(join(dir, 'dist', entry.fileName)).href);
    const x = core.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad.tolist()).toEqual([[2, 4], [6, 8]]);
  });
});
