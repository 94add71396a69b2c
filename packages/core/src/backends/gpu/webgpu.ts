// The webgpu device: gpu.js's WebGPU kernels over storage buffers, with uploads and readbacks done
// directly on the shared GPUDevice. In Node it is Dawn through the `webgpu` package; browsers use navigator.gpu.

import { BackendError } from '../../errors.js';
import { kernelSettings, type Device, type GpuJs, type KernelSpec, type WebGpuHandle, type WebGpuOptions, type WgBuffer } from './device.js';

export type { WebGpuOptions } from './device.js';

/** Options of the webgpu mode. */

const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;

type Navigator = { gpu?: unknown };

function hasNavigatorGpu(): boolean {
  return (globalThis as { navigator?: Navigator }).navigator?.gpu !== undefined;
}

/** Replaces gpu.js's translation of helper `name` by hand-written WGSL (NaN tests, NaN and inf constants). */
function patchWgsl(kernel: Record<string, unknown> | undefined, wgsl: Readonly<Record<string, string>>): void {
  if (!kernel || typeof kernel['assembleWGSL'] !== 'function') return;
  const orig = kernel['assembleWGSL'] as (this: unknown) => string;
  kernel['assembleWGSL'] = function (this: unknown): string {
    let src = orig.call(this);
    for (const [name, body] of Object.entries(wgsl)) {
      src = src.replace(new RegExp(`fn fn_${name}\\(([^)]*)\\) -> f32 \\{[\\s\\S]*?\\n\\}`), body);
    }
    return src;
  };
}

/** Sets up WebGPU (Dawn in Node), acquires gpu.js's shared device, and returns the webgpu Device. */
export async function webgpuDevice(gpujs: GpuJs, opts: WebGpuOptions): Promise<Device> {
  let releaseNode: (() => void) | undefined;
  if (!hasNavigatorGpu()) {
    if (typeof process === 'undefined' || !process.versions?.node) {
      throw new BackendError('setBackend', 'WebGPU is not available in this browser (navigator.gpu is missing)', {}, "use mode 'webgl2'");
    }
    const node = await import('./webgpu-node.js');
    releaseNode = await node.installNodeWebGpu(opts);
  }
  let context;
  try {
    context = await gpujs.WebGPUContext.acquire();
  } catch (e) {
    releaseNode?.();
    if (releaseNode) {
      // NOTE: gpu.js's own message speaks of headless Chromium; in Node the cause is Dawn finding no Vulkan device
      throw new BackendError('setBackend', 'no WebGPU adapter: Dawn (the webgpu package) found no Vulkan device', {},
        'install a GPU\'s Vulkan driver; without a GPU, install Debian\'s chromium (its SwiftShader Vulkan driver) and set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (or pass { vulkanICD }); TSGRAD_GPU_MODE=cpu runs the gpu.js kernels on the CPU');
    }
    throw new BackendError('setBackend', `no WebGPU adapter: ${(e as Error).message.split('\n')[0]}`, {}, "use mode 'webgl2'");
  }
  const device = context.device;
  const gpu = new gpujs.GPU({ mode: 'webgpu' });
  const wrap = (buffer: WgBuffer, n: number): WebGpuHandle =>
    new gpujs.WebGPUBufferResult({ buffer, output: [n], componentCount: 1, context, kernel: null });
  return {
    mode: 'webgpu',
    async: true,
    upload(data) {
      const buffer = device.createBuffer({ size: Math.max(4, data.byteLength), usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, mappedAtCreation: true });
      new Float32Array(buffer.getMappedRange()).set(data);
      buffer.unmap();
      return wrap(buffer, data.length);
    },
    async read(h, size) {
      if (size === 0) return new Float32Array(0);
      const staging = device.createBuffer({ size: size * 4, usage: USAGE.MAP_READ | USAGE.COPY_DST });
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer((h as WebGpuHandle).buffer, 0, staging, 0, size * 4);
      device.queue.submit([enc.finish()]);
      try {
        await staging.mapAsync(USAGE.MAP_READ);
        return new Float32Array(staging.getMappedRange().slice(0));
      } finally {
        staging.destroy();
      }
    },
    release: (h) => (h as WebGpuHandle).delete(),
    createKernel(spec: KernelSpec) {
      const k = gpu.createKernel(spec.source, kernelSettings(spec));
      if (spec.wgsl) patchWgsl(k.kernel, spec.wgsl);
      return k;
    },
    result(h, spec) {
      if (!spec.vec4) return h;
      // NOTE: gpu.js refuses Array(4) pipeline results as kernel arguments; the buffer is the same
      // row-major floats, so re-wrap it as a scalar handle of 4x the length
      const r = h as WebGpuHandle;
      const flat = new gpujs.WebGPUBufferResult({ buffer: r.buffer, output: [spec.size * 4], componentCount: 1, context: r.context, kernel: r.kernel });
      r.delete();
      return flat;
    },
    sync: () => device.queue.onSubmittedWorkDone(),
    async shutdown() {
      gpu.destroy();
      await gpujs.WebGPUContext.destroy();
      releaseNode?.();
    },
  };
}
