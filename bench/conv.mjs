// conv2d / conv1d against the GEMM of the same size, in one process: each case times the
// convolution (im2col windows + one matmul) and the plain matmul (K x C*k) @ (C*k x N*L) that does
// the same multiply-adds, interleaved round-robin (lib/harness.mjs), and prints the share of the
// GEMM rate the convolution reaches. Forward only by default; --backward adds forward + backward.
//
//   npx tsc -b && node bench/conv.mjs [--backward] [--reps=N]

import { runCase, textTable } from './lib/harness.mjs';
import * as t from '../packages/core/dist/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const reps = Number(args.reps ?? 20);

/** [label, N, C, H, W, K, kernel, stride, padding, groups]; W = 0 marks conv1d over length H. */
const CASES = [
  ['ResNet 3x3: N8 C64 32x32 K64', 8, 64, 32, 32, 64, 3, 1, 1, 1],
  ['3x3 stride 2: N8 C64 32x32 K128', 8, 64, 32, 32, 128, 3, 2, 1, 1],
  ['1x1: N8 C64 32x32 K256', 8, 64, 32, 32, 256, 1, 1, 0, 1],
  ['grouped 3x3 (4 groups): N8 C64 32x32 K64', 8, 64, 32, 32, 64, 3, 1, 1, 4],
  ['conv1d k3: N16 C128 L256 K128', 16, 128, 256, 0, 128, 3, 1, 1, 1],
];

const rows = [];
for (const [label, N, C, H, W, K, k, s, p, g] of CASES) {
  const nd = W === 0 ? 1 : 2;
  const spatial = nd === 1 ? [H] : [H, W];
  const out = spatial.map((n) => Math.floor((n + 2 * p - k) / s) + 1);
  const L = out.reduce((a, b) => a * b, 1);
  const kk = k ** nd;
  const flops = 2 * N * K * (C / g) * kk * L;
  const x = t.randn([N, C, ...spatial], { requiresGrad: !!args.backward });
  const w = t.randn([K, C / g, ...Array(nd).fill(k)], { requiresGrad: !!args.backward });
  // the same multiply-adds as one GEMM per group: (K/g x C/g*k) @ (C/g*k x N*L)
  const lead = g === 1 ? [] : [g];
  const a = t.randn([...lead, K / g, (C / g) * kk], { requiresGrad: !!args.backward });
  const b = t.randn([...lead, (C / g) * kk, N * L], { requiresGrad: !!args.backward });
  const conv = () => (nd === 1 ? t.conv1d(x, w, null, s, p, 1, g) : t.conv2d(x, w, null, s, p, 1, g));
  const gemm = () => a.matmul(b);
  const timed = (f) => () => t.scope(() => {
    const y = f();
    if (args.backward) y.sum().backward();
    y.dataSync();
  });
  const impls = [{ name: 'conv', run: timed(conv) }, { name: 'gemm', run: timed(gemm) }];
  const [rc, rg] = await runCase({ label, flops: flops * (args.backward ? 3 : 1), impls }, { reps, budgetMs: 8000 });
  rows.push([label, rc.median.toFixed(2), rc.gflops.toFixed(2), rg.median.toFixed(2), rg.gflops.toFixed(2), (rc.gflops / rg.gflops).toFixed(2)]);
}
console.log(`conv vs GEMM (${args.backward ? 'forward + backward' : 'forward'}), float32, median of up to ${reps} interleaved reps`);
console.log(textTable(['case', 'conv ms', 'conv GFLOP/s', 'gemm ms', 'gemm GFLOP/s', 'conv / gemm'], rows));
