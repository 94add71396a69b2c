// The implementations a benchmark compares: tsgrad (built packages/core/dist) in its matmul paths,
// and the JS peers tfjs (wasm and cpu backends), js-pytorch and plain JS loops, all float32.

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { torch } from 'js-pytorch';

const core = await import('../../packages/core/dist/index.js');
const cpuMatmul = await import('../../packages/core/dist/backends/cpu/matmul.js');
const pool = await import('../../packages/core/dist/backends/cpu/threads/pool.js');
const runtime = await import('../../packages/core/dist/backends/cpu/wasm/runtime.js');

/** Backend set-up that must happen once, before any case. Returns facts for the report. */
export async function initPeers() {
  tfWasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const tfWasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  await tf.setBackend('cpu');
  const g = runtime.wasmGemm();
  const helpers = g ? pool.waitForHelpers(g) : 0; // start tsgrad's pool now so no case pays for it
  return {
    tfjs: tf.version_core,
    tfjsWasmSimd: tfWasmSimd,
    tfjsWasmThreads: 'off (the threaded build does not initialise in Node)',
    tsgradWasm: g ? `SIMD${g.relaxed ? ' + relaxed FMA' : ''}, ${g.shared ? 'shared memory' : 'unshared memory'}` : 'unavailable',
    tsgradThreads: 1 + helpers,
  };
}

/**
 * The tsgrad matmul variants: 'ts' (TypeScript GEMM, 1 thread), 'wasm' (WebAssembly SIMD, 1
 * thread) and 'auto' (the default dispatch, all threads).
 */
export const TSGRAD_VARIANTS = {
  'tsgrad TS (1T)': { path: 'ts', maxThreads: 1 },
  'tsgrad wasm (1T)': { path: 'wasm', maxThreads: 1 },
  'tsgrad auto (2T)': { path: 'auto', maxThreads: Infinity },
};

/** A tsgrad float32 tensor of `shape` over `data`, viewed transposed (`.mT`) when `t`. */
export function tsgradTensor(data, shape, t) {
  const x = core.tensor(data, { shape, dtype: 'float32' });
  return t ? x.mT : x;
}

/** tsgrad implementation of a binary op `f(a, b)` under matmul options `opts`. */
export function tsgradImpl(name, opts, make) {
  const { a, b, f } = make();
  return {
    name,
    before: () => void cpuMatmul.setMatmulOptions(opts),
    run: () => f(a, b),
    result: () => f(a, b).dataSync(),
  };
}

/** tfjs implementation on backend 'wasm' or 'cpu'; `make` creates tensors under that backend. */
export async function tfjsImpl(name, backend, make) {
  await tf.setBackend(backend);
  const { a, b, f } = make(tf);
  return {
    name,
    before: async () => {
      if (tf.getBackend() !== backend) await tf.setBackend(backend);
    },
    run: () => f(a, b).dispose(), // NOTE: the result stays in the backend (no readback), as in a model
    result: () => {
      const c = f(a, b);
      const d = c.dataSync();
      c.dispose();
      return d;
    },
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

/** js-pytorch implementation (nested JS arrays; its matmul has a CPU kernel). */
export function jsPytorchImpl(name, make) {
  const { a, b, f } = make(torch);
  return { name, run: () => f(a, b), result: () => Float32Array.from(f(a, b).data.flat(Infinity)) };
}

/** Plain JS loops over Float32Arrays. */
export function plainImpl(name, run) {
  return { name, run, result: run };
}

/** Nested arrays [rows][cols] from a row-major Float32Array. */
export function nested(data, rows, cols) {
  return Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
}
