// float32 add, sub, mul and div on the wasm module's binary_f32 kernel (wasm/binary-module.ts),
// for the layouts models run: two dense operands of one shape, or a dense one and a broadcast one
// (a bias row, a per-row scale, a scalar). The TypeScript loop runs at 2-3 ns an element on these
// cores; the kernel's f32x4 loop and the copies in and out of wasm memory take a tenth of that.
// Same bits: each f32x4 operation rounds once, as the loop's float64 one stored to float32 does.

import { BINARY_OPS } from './wasm/binary-module.js';
import { freeFrom } from './vector-wasm.js';
import { runJobs } from './threads/pool.js';
import { align, ensureBytes, kernelIndex, wasmGemm } from './wasm/runtime.js';

/** Elements from which the kernel runs (below, the call costs more than the loop it saves). */
export const BINARY_WASM_MIN = 2048;

/** The ops the kernel has, by primitive name. */
export type BinaryName = 'add' | 'sub' | 'mul' | 'div';
const CODES: Record<BinaryName, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const SWAPPED: Record<BinaryName, number> = { add: 0, sub: BINARY_OPS.indexOf('rsub'), mul: 2, div: BINARY_OPS.indexOf('rdiv') };

/** Whether `name` is an op binary_f32 computes. */
export const isWasmBinary = (name: string): name is BinaryName => name in CODES;

/**
 * out = x op y over a coalesced walk (`shape` of rank 1 or 2, per-input `strides` already
 * broadcast) of float32 arrays; false (nothing done) for other layouts or without wasm SIMD.
 */
export function binaryF32(op: BinaryName, shape: readonly number[], strides: readonly (readonly number[])[], arrays: readonly Float32Array[], offsets: readonly number[], out: Float32Array): boolean {
  const rank = shape.length;
  if (rank < 1 || rank > 2) return false;
  const R = rank === 2 ? shape[0]! : 1;
  const C = shape[rank - 1]!;
  const st = (k: number): readonly [number, number] => (rank === 2 ? [R === 1 ? 0 : strides[k]![0]!, strides[k]![1]!] : [0, strides[k]![0]!]);
  const dense = (s: readonly [number, number]) => s[1] === 1 && (R === 1 || s[0] === C);
  const swap = !dense(st(0));
  if (swap && !dense(st(1))) return false;
  const [a, b] = swap ? [1, 0] : [0, 1];
  const [rowStride, colStride] = st(b);
  if ((colStride !== 0 && colStride !== 1) || (rowStride !== 0 && rowStride !== (colStride === 1 ? C : 1))) return false;
  const g = wasmGemm();
  if (!g) return false;
  const n = R * C;
  const bLen = (R - 1) * rowStride + (colStride === 1 ? C : 1);
  const aAt = freeFrom();
  const bAt = align(aAt + 4 * n);
  const oAt = align(bAt + 4 * bLen);
  if (!ensureBytes(g, oAt + 4 * n)) return false;
  const buf = g.memory.buffer;
  new Float32Array(buf, aAt, n).set(arrays[a]!.subarray(offsets[a]!, offsets[a]! + n));
  new Float32Array(buf, bAt, bLen).set(arrays[b]!.subarray(offsets[b]!, offsets[b]! + bLen));
  const code = (swap ? SWAPPED[op] : CODES[op]) + (colStride === 0 ? BINARY_OPS.length : 0);
  runJobs(g, [kernelIndex('binary_f32'), aAt, bAt, oAt, C, rowStride, code, 0, 0], [[0, R, 0, 0, 0, 0]], []);
  out.set(new Float32Array(buf, oAt, n));
  return true;
}
