#!/usr/bin/env node
// GPU backend benchmarks (not tests: nothing is asserted): float32 matmul N x N on the device for
// each kernel variant, and a small MLP training step (fwd + bwd + SGD) against the CPU backend.
// Run after `npx tsc -b`:  node bench/gpu/run.mjs [--mode=webgpu] [--sizes=1024,4096] [--reps=3]
//   [--variants=simple,row4,row4k4] [--big-variants=row4k4] (variants for N >= 2048) [--steps=12] [--write]
// In Node without a GPU, webgpu runs on SwiftShader (VK_ICD_FILENAMES, default chromium's).
// Writes bench/gpu/RESULTS.md (with --write).

import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'packages', 'core', 'dist');
const core = await import(join(dist, 'index.js'));
const { matmulTuning } = await import(join(dist, 'backends', 'gpu', 'kernels', 'matmul.js'));
const { setBackend, shutdownBackend, randn, manualSeed, synchronize, dispose, scope, noGrad, gpuStats } = core;

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const mode = args.mode ?? 'webgpu';
const sizes = String(args.sizes ?? '1024,4096').split(',').map(Number);
const reps = Number(args.reps ?? 3);
const variants = String(args.variants ?? 'simple,row4,row4k4').split(',');
const bigVariants = args['big-variants'] ? String(args['big-variants']).split(',') : variants;
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const icd = mode === 'webgpu' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER) ? SWIFTSHADER : undefined;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();
const lines = [];
const log = (s = '') => {
  console.log(s);
  lines.push(s);
};

await setBackend('gpu', { mode, ...(icd ? { vulkanICD: icd } : {}) });
log(`# GPU backend benchmarks (${mode}${icd ? ', SwiftShader Vulkan (CPU): not a GPU' : ''})`);
log();
log(`- command: \`node bench/gpu/run.mjs ${process.argv.slice(2).join(' ')}\``);
log(`- date: ${new Date().toISOString()}; Node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} logical cores; load average at start ${os.loadavg()[0].toFixed(1)}`);
log('- matmul: operands already on the device; time from issuing `a.matmul(b)` to `await synchronize()` (device idle);');
log('  the first call (kernel compile) is reported apart; GFLOP/s = 2 N^3 / median time.');
log();
log('## matmul, float32, N x N');
log();
log('| N | variant | first call (ms) | median (ms) | GFLOP/s | check |');
log('| --- | --- | --- | --- | --- | --- |');

manualSeed(0);
for (const n of sizes) {
  const ha = randn([n, n]);
  const hb = randn([n, n]);
  const a = ha.to('gpu');
  const b = hb.to('gpu');
  // reference for two entries, computed on the host in float64
  const [A, B] = [ha.dataSync(), hb.dataSync()];
  const dot = (i, j) => { let s = 0; for (let k = 0; k < n; k++) s += A[i * n + k] * B[k * n + j]; return s; };
  const want = [dot(0, 0), dot(n - 1, n - 1)];
  for (const v of n >= 2048 ? bigVariants : variants) {
    matmulTuning.variant = v;
    let t0 = now();
    const first = a.matmul(b);
    await synchronize();
    const firstMs = now() - t0;
    const got = await first.data();
    const err = Math.max(Math.abs(got[0] - want[0]), Math.abs(got[n * n - 1] - want[1]));
    dispose(first);
    const times = [];
    for (let r = 0; r < reps; r++) {
      t0 = now();
      const c = a.matmul(b);
      await synchronize();
      times.push(now() - t0);
      dispose(c);
    }
    const ms = reps > 0 ? median(times) : firstMs; // --reps=0: the one call (compile time is milliseconds)
    log(`| ${n} | ${v} | ${firstMs.toFixed(0)} | ${ms.toFixed(1)} | ${((2 * n ** 3) / (ms * 1e6)).toFixed(2)} | ${err < 1e-2 * Math.sqrt(n) ? 'ok' : `max err ${err.toExponential(2)}`} |`);
  }
  dispose([a, b]);
}
matmulTuning.variant = 'auto';

// ---- training step: 2-layer MLP, MSE, SGD (one loss readback per step) ----------------------
async function mlpStep(device, steps) {
  manualSeed(1);
  const [B, D, H] = [128, 256, 512];
  const X = randn([B, D]).to(device);
  const Y = randn([B, D]).to(device);
  const p = [randn([D, H]).mul(0.05), randn([H]).mul(0.01), randn([H, D]).mul(0.05), randn([D]).mul(0.01)].map((t) => t.to(device).requiresGrad_());
  const times = [];
  let loss = 0;
  for (let s = 0; s < steps; s++) {
    const t0 = now();
    const l = scope(() => {
      const out = X.matmul(p[0]).add(p[1]).relu().matmul(p[2]).add(p[3]);
      const mse = out.sub(Y).square().mean();
      mse.backward();
      noGrad(() => p.forEach((q) => { q.sub_(q.grad.mul(0.01)); q.grad = null; }));
      return mse.detach();
    });
    loss = (await l.data())[0];
    dispose(l);
    times.push(now() - t0);
  }
  dispose([X, Y, ...p]);
  return { first: times[0], median: median(times.slice(2)), loss, flops: 3 * 2 * 2 * B * D * H };
}

const steps = Number(args.steps ?? 12);
if (steps > 0) {
  log();
  log('## training step: 2-layer MLP (B 128, D 256, H 512), MSE, SGD; one loss readback per step');
  log();
  log('| device | first step (ms) | median step (ms) | GFLOP/s (matmuls) | live buffers after |');
  log('| --- | --- | --- | --- | --- |');
  for (const device of ['gpu', 'cpu']) {
    const r = await mlpStep(device, steps);
    await synchronize();
    log(`| ${device === 'gpu' ? `gpu (${mode})` : 'cpu (tsgrad CPU backend)'} | ${r.first.toFixed(0)} | ${r.median.toFixed(1)} | ${(r.flops / (r.median * 1e6)).toFixed(2)} | ${device === 'gpu' ? gpuStats().liveBuffers : '-'} |`);
  }
}
log();
log(`gpu stats: ${JSON.stringify(gpuStats())}`);
await shutdownBackend();
if (args.write) writeFileSync(join(here, 'RESULTS.md'), lines.join('\n') + '\n');
