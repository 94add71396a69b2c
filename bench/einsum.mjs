// einsum against the matmul that does the same multiply-adds, in one process: each case times
// einsum (parse, permute/reshape, one batched matmul) and the plain batched matmul, interleaved
// round-robin (lib/harness.mjs), and prints the share of the GEMM rate einsum reaches.
//
//   npx tsc -b && node bench/einsum.mjs [--reps=N]

import { runCase, textTable } from './lib/harness.mjs';
import * as t from '../packages/core/dist/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
const reps = Number(args.reps ?? 20);

const B = 4, H = 8, T = 128, D = 64;
const q = t.randn([B, H, T, D]);
const k = t.randn([B, H, T, D]);
const v = t.randn([B, H, T, D]);
const kT = k.transpose(2, 3).contiguous();
const att = t.randn([B, H, T, T]);
/** [label, flops, einsum, the same product as matmul]. */
const CASES = [
  [`attention scores bhqd,bhkd->bhqk (B${B} H${H} T${T} D${D})`, 2 * B * H * T * T * D, () => t.einsum('bhqd,bhkd->bhqk', q, k), () => q.matmul(kT)],
  [`attention values bhqk,bhkd->bhqd (B${B} H${H} T${T} D${D})`, 2 * B * H * T * T * D, () => t.einsum('bhqk,bhkd->bhqd', att, v), () => att.matmul(v)],
  ['matrix product ij,jk->ik (512)', 2 * 512 ** 3, (() => { const a = t.randn([512, 512]); const b = t.randn([512, 512]); return [() => t.einsum('ij,jk->ik', a, b), () => a.matmul(b)]; })()].flat(),
];

const rows = [];
for (const [label, flops, ein, mm] of CASES) {
  const timed = (f) => () => t.scope(() => void f().dataSync());
  const [re, rg] = await runCase({ label, flops, impls: [{ name: 'einsum', run: timed(ein) }, { name: 'gemm', run: timed(mm) }] }, { reps, budgetMs: 8000 });
  rows.push([label, re.median.toFixed(2), re.gflops.toFixed(2), rg.median.toFixed(2), rg.gflops.toFixed(2), (re.gflops / rg.gflops).toFixed(2)]);
}
console.log(`einsum vs GEMM (forward), float32, median of up to ${reps} interleaved reps`);
console.log(textTable(['case', 'einsum ms', 'einsum GFLOP/s', 'gemm ms', 'gemm GFLOP/s', 'einsum / gemm'], rows));
