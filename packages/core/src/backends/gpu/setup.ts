// Loaded on `setBackend('gpu')`: imports gpu.js, builds the device for the mode, registers the
// 'gpu' backend and installs the CPU -> GPU mover behind `x.to('gpu')`.

import { registerBackend } from '../../backend.js';
import { BackendError, ValueError } from '../../errors.js';
import { setDeviceMover } from '../../ops/cast.js';
import { Tensor } from '../../tensor.js';
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

/** `x.to('gpu')` uploads synchronously; the way back is asynchronous (`await toDevice(x, 'cpu')`). */
function moveTensor(x: Tensor, device: string): Tensor {
  if (x.device === 'cpu' && device === 'gpu') {
    const t = new Tensor(gpuBackend.fromArray(x.dataSync(), x.dtype), x.shape);
    if (x.requiresGrad && x.isLeaf) t.requiresGrad = true;
    return t;
  }
  if (x.device === 'gpu' && device === 'cpu') {
    throw new ValueError('to', "moving a tensor from 'gpu' to 'cpu' needs an asynchronous readback", { x: { shape: x.shape, dtype: x.dtype } },
      "use `await toDevice(x, 'cpu')` (or `await x.data()` for the values)");
  }
  throw new ValueError('to', `cannot move a tensor from '${x.device}' to '${device}'`, {}, "devices are 'cpu' and 'gpu'");
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
  setDeviceMover(moveTensor);
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
