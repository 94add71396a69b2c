// Loaded on `setBackend('gpu')`: imports gpu.js, builds the device for the mode, registers the
// 'gpu' backend (moves between devices then go through the backends' read/fromArray).

import { registerBackend } from '../../backend.js';
import { BackendError, ValueError } from '../../errors.js';
import { gpuBackend } from './backend.js';
import { assertSupported, glDevice, hostDevice, type Device, type GpuJs, type GpuMode } from './device.js';
import { resetFallbacks } from './fallback.js';
import { clearKernelCache } from './runtime.js';
import { currentDevice, setCurrentDevice } from './storage.js';
import { resetStats } from './stats.js';
import { webgpuDevice, type WebGpuOptions } from './webgpu.js';

/** Options of `setBackend('gpu', ...)`. */
export interface GpuOptions extends WebGpuOptions {
  /** gpu.js mode; see the module docs for where each runs. */
  readonly mode: GpuMode;
}

/** What `setBackend('gpu')` set up. */
export interface GpuInfo {
  /** The gpu.js mode that runs the kernels. */
  readonly mode: GpuMode;
}

let active: Device | null = null;

/** Starts the gpu.js device for `opts.mode` and registers device 'gpu' (replacing a previous setup). */
export async function startGpu(opts: GpuOptions): Promise<GpuInfo> {
  let mod: { default?: GpuJs } & GpuJs;
  try {
    mod = (await import('gpu.js')) as unknown as { default?: GpuJs } & GpuJs;
  } catch (e) {
    throw new BackendError('setBackend', `the GPU backend needs the gpu.js package, which did not load (${(e as Error).message.split('\n')[0]})`, {},
      'it is an optional peer dependency of @tsgrad/core: npm install gpu.js@2.24.1 (and webgpu@0.3.10 for WebGPU in Node)');
  }
  const gpujs = mod.default ?? mod;
  assertSupported(gpujs, opts.mode);
  if (active) await stopGpu();
  let device: Device;
  switch (opts.mode) {
    case 'webgpu':
      device = await webgpuDevice(gpujs, opts);
      break;
    case 'webgl2':
    case 'headlessgl':
      device = glDevice(gpujs, opts.mode);
      break;
    default:
      device = hostDevice(gpujs, opts.mode);
  }
  active = device;
  resetStats();
  resetFallbacks();
  clearKernelCache();
  setCurrentDevice(device);
  registerBackend(gpuBackend);
  return { mode: device.mode };
}

/** Destroys the device (kernels, buffers, and in Node the Dawn instance) so the process can exit. */
export async function stopGpu(): Promise<void> {
  if (!active || currentDevice() !== active) return;
  const d = active;
  active = null;
  clearKernelCache();
  setCurrentDevice(null);
  await d.shutdown();
}
