// The GPU backend's public surface, safe to import eagerly: `setBackend` loads gpu.js (and in
// Node the `webgpu` package) only when called. Memory management and counters live here too.
//
// Modes: 'webgpu' (browsers' navigator.gpu, or Node through the optional `webgpu` package: Dawn),
// 'webgl2' (browsers), 'headlessgl' (Node with the optional native `gl` package), 'webasm' and
// 'cpu' (gpu.js's WebAssembly and JavaScript modes, which run anywhere; 'cpu' is for tests).

import type { GpuInfo, GpuOptions } from './setup.js';

export type { GpuMode } from './device.js';
export type { GpuInfo, GpuOptions } from './setup.js';
export type { WebGpuOptions } from './webgpu.js';
export { gpuStats, opPlacements, type GpuStats, type OpPlacement } from './stats.js';
export { synchronize } from './storage.js';

/**
 * Sets up a device backend. `setBackend('gpu', { mode })` imports gpu.js, starts the mode
 * and registers device 'gpu', so `x.to('gpu')` and `{ device: 'gpu' }` work. Tensors stay on the
 * device between ops; read them with `await x.data()` (there is no `dataSync()` on 'gpu').
 * Calling it again replaces the previous GPU setup (its tensors become unusable).
 *
 * Modes: `'webgpu'` (browsers' `navigator.gpu`; Node through the optional `webgpu` package),
 * `'webgl2'` (browsers), `'headlessgl'` (Node with the optional `gl` package), and gpu.js's
 * `'webasm'` and `'cpu'` modes, which run anywhere (the examples use `'cpu'` so they run in CI).
 *
 * @param name - `'gpu'` (or `'cpu'`, which needs no setup and resolves at once).
 * @param opts - `mode`, and WebGPU options where that mode is chosen.
 * @returns The mode that was started.
 * @example
 * const info = await setBackend('gpu', { mode: 'cpu' }); // use 'webgpu' or 'webgl2' on a real GPU
 * info.mode; // 'cpu'
 * const w = randn([64, 64]).to('gpu');
 * const y = randn([8, 64]).to('gpu').matmul(w).relu(); // [8, 64], computed on the device
 * y.device; // 'gpu'
 * (await y.data()).length; // 512
 * await shutdownBackend();
 */
export async function setBackend(name: 'gpu', opts: GpuOptions): Promise<GpuInfo>;
/**
 * The CPU needs no setup: `setBackend('cpu')` resolves at once (for code that picks a device at run time).
 * @param name - `'cpu'`.
 * @returns `{ mode: 'cpu' }`.
 */
export async function setBackend(name: 'cpu'): Promise<{
  /** Always `'cpu'`. */
  mode: 'cpu';
}>;
export async function setBackend(name: 'gpu' | 'cpu', opts?: GpuOptions): Promise<GpuInfo | { mode: 'cpu' }> {
  if (name === 'cpu') return { mode: 'cpu' };
  const { startGpu } = await import('./setup.js');
  return startGpu(opts ?? { mode: 'webgpu' });
}

/**
 * Shuts the GPU backend down (frees the device; in Node, releases Dawn so the process can exit).
 * Tensors still on `'gpu'` become unusable; read what you need first.
 * @param name - The backend to shut down (`'gpu'`).
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * const y = ones([4]).to('gpu').mul(3);
 * const values = await y.data(); // read before shutting down
 * await shutdownBackend();
 * values[0]; // 3
 */
export async function shutdownBackend(name: 'gpu' = 'gpu'): Promise<void> {
  if (name !== 'gpu') return;
  const { stopGpu } = await import('./setup.js');
  await stopGpu();
}

