// linearCrossEntropy's fused kernel: the loss of input [N, d] @ weight^T [d, V] against int32
// targets, and both gradients (for an output gradient of 1), packed as [loss, dinput, dweight].
// On the wasm module (float32) the logits, their softmax - one-hot and the two backward products
// stay in wasm memory, which is reused from call to call: the pretraining step's [2048, 4096]
// logits cost neither a 32 MB JavaScript array (whose fresh pages fault on first touch) nor the
// copies in and out of the three products and the cross-entropy kernels. Elsewhere it composes
// the CPU's own matmul and cross-entropy kernels, the composite's steps.

import type { Attrs, Kernel, KernelInput } from '../../backend.js';
import type { TypedArray } from '../../dtype.js';
import { contiguousStrides } from '../../shape.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from './cross-entropy.js';
import { gemmResidentF32 } from './matmul-wasm.js';
import { matmulKernel, wasmPlan } from './matmul.js';
import { contiguousData, dataOf, wrap } from './storage.js';
import { readyHelpers, runJobs } from './threads/pool.js';
import { chunksOf, freeFrom } from './vector-wasm.js';
import { TABLE_ENTRY_BYTES } from './wasm/gemm-module.js';
import { align, ensureBytes, kernelIndex } from './wasm/runtime.js';
import { allocOut } from './reuse.js';

type LceAttrs = { ignoreIndex: number; reduction: 'mean' | 'sum' };

const input = (data: TypedArray, shape: number[], dtype: KernelInput['dtype'], strides = contiguousStrides(shape), offset = 0): KernelInput =>
  ({ storage: wrap(data, dtype), shape, strides, offset, dtype });

/** The wasm path: false (nothing written) without the module or room for it. */
function fusedF32(x: Float32Array, w: Float32Array, t: TypedArray, N: number, d: number, V: number, a: LceAttrs, res: Float32Array): boolean {
  const plan = V >= 4 ? wasmPlan(N * V * d) : null;
  if (!plan) return false;
  const { g, threads } = plan;
  const helpers = threads > 1 ? readyHelpers(g).slice(0, threads - 1) : []; // starts the pool first: its workspaces come before freeFrom()
  const tableAt = freeFrom();
  const xAt = align(tableAt + TABLE_ENTRY_BYTES);
  const wAt = align(xAt + 4 * N * d);
  const lAt = align(wAt + 4 * V * d); // logits
  const eAt = align(lAt + 4 * N * V); // exp(logits - max), then the logits' gradient
  const sAt = align(eAt + 4 * N * V); // (max, sum) per row, f64
  const fAt = align(sAt + 16 * N); // per-row factors, f32
  const hAt = align(fAt + 4 * N); // dinput
  const dwAt = align(hAt + 4 * N * d); // dweight
  if (!ensureBytes(g, dwAt + 4 * V * d)) return false;
  const buf = g.memory.buffer;
  new Float32Array(buf, xAt, N * d).set(x);
  new Float32Array(buf, wAt, V * d).set(w);
  gemmResidentF32(g, tableAt, xAt, wAt, lAt, { M: N, N: V, K: d, sam: d, sak: 1, sbk: 1, sbn: d }, helpers);
  const rows = chunksOf(g, N, 1, N * V, helpers);
  runJobs(g, [kernelIndex('rowexp_f32'), lAt, eAt, V, sAt, 0, 0, 0, 0], rows.chunks, rows.helpers);
  // the loss as crossEntropy's kernel computes it: logp[t] = x[t] - max - log(sum), in float64
  const logits = new Float32Array(buf, lAt, N * V);
  const stats = new Float64Array(buf, sAt, 2 * N);
  let lossSum = 0;
  let count = 0;
  for (let i = 0; i < N; i++) {
    if (t[i] === a.ignoreIndex) continue;
    lossSum -= logits[i * V + t[i]!]! - stats[2 * i]! - Math.log(stats[2 * i + 1]!);
    count++;
  }
  // d loss / d logits = coef (softmax - one-hot), coef = 1 / count ('mean') or 1, 0 where ignored
  const coef = a.reduction === 'mean' ? 1 / count : 1;
  const f = new Float32Array(buf, fAt, N);
  for (let i = 0; i < N; i++) f[i] = t[i] === a.ignoreIndex ? 0 : coef / stats[2 * i + 1]!;
  runJobs(g, [kernelIndex('rowscale_f32'), eAt, fAt, V, 0, 0, 0, 0, 0], rows.chunks, rows.helpers);
  const e = new Float32Array(buf, eAt, N * V);
  for (let i = 0; i < N; i++) {
    if (t[i] === a.ignoreIndex) e.fill(0, i * V, (i + 1) * V); // exactly 0, as crossEntropyBackward's
    else e[i * V + t[i]!] = e[i * V + t[i]!]! - coef;
  }
  gemmResidentF32(g, tableAt, eAt, wAt, hAt, { M: N, N: d, K: V, sam: V, sak: 1, sbk: d, sbn: 1 }, helpers);
  gemmResidentF32(g, tableAt, eAt, xAt, dwAt, { M: V, N: d, K: N, sam: 1, sak: V, sbk: d, sbn: 1 }, helpers);
  res[0] = a.reduction === 'mean' ? lossSum / count : lossSum;
  res.set(new Float32Array(buf, hAt, N * d), 1);
  res.set(new Float32Array(buf, dwAt, V * d), 1 + N * d);
  return true;
}

/** The same result from the CPU's matmul and cross-entropy kernels (any float dtype, strided inputs). */
function composed(x: KernelInput, w: KernelInput, t: KernelInput, N: number, d: number, V: number, a: LceAttrs, res: TypedArray): void {
  const dtype = res instanceof Float64Array ? 'float64' : 'float32';
  const wT: KernelInput = { ...w, shape: [d, V], strides: [w.strides[1]!, w.strides[0]!] };
  const logits = input(dataOf(matmulKernel([x, wT], { shape: [N, V], dtype }, {})), [N, V], dtype);
  const ceAttrs: Attrs = { ...a, labelSmoothing: 0, hasWeight: false };
  const loss = dataOf(crossEntropyKernel([logits, t], { shape: [], dtype }, ceAttrs));
  const one = input(allocOut(dtype, 1).fill(1), [], dtype);
  const dl = dataOf(crossEntropyBackwardKernel([one, logits, t], { shape: [N, V], dtype }, ceAttrs));
  const dx = dataOf(matmulKernel([input(dl, [N, V], dtype), w], { shape: [N, d], dtype }, {}));
  const dlT = input(dl, [V, N], dtype, [1, V]);
  const dw = dataOf(matmulKernel([dlT, x], { shape: [V, d], dtype }, {}));
  res[0] = loss[0]!;
  res.set(dx, 1);
  res.set(dw, 1 + N * d);
}

/** [loss, d loss / d input (N x d), d loss / d weight (V x d)] for an output gradient of 1. */
export const linearCrossEntropyPackedKernel: Kernel = (inputs, out, attrs: Attrs) => {
  const [x, w, t] = [inputs[0]!, inputs[1]!, inputs[2]!] as [KernelInput, KernelInput, KernelInput];
  const [N, d] = [x.shape[0]!, x.shape[1]!];
  const V = w.shape[0]!;
  const a = attrs as LceAttrs;
  const res = allocOut(out.dtype, 1 + N * d + V * d);
  const td = contiguousData(t);
  if (res instanceof Float32Array && x.dtype === 'float32' && w.dtype === 'float32' &&
    fusedF32(contiguousData(x) as Float32Array, contiguousData(w) as Float32Array, td, N, d, V, a, res)) return wrap(res, out.dtype);
  composed(x, w, input(td, [N], 'int32'), N, d, V, a, res);
  return wrap(res, out.dtype);
};

/** The loss: element 0 of the packed result. */
export const linearCrossEntropyKernel: Kernel = (inputs, out) => {
  const p = inputs[3]!;
  const res = allocOut(out.dtype, 1);
  res[0] = dataOf(p.storage)[p.offset]!;
  return wrap(res, out.dtype);
};
