// The device layer under the GPU backend: one gpu.js `GPU` instance plus how buffers are uploaded,
// read back and freed in each mode. Only this folder's lazily imported modules load gpu.js.

import { BackendError } from '../../errors.js';

/** gpu.js modes the backend can run on. */
export type GpuMode = 'webgpu' | 'webgl2' | 'headlessgl' | 'webasm' | 'cpu';

/** A gpu.js kernel as called: arrays (device handles) then numbers; sync or a Promise by mode. */
export type KernelFn = (...args: unknown[]) => unknown;

/** What the backend asks gpu.js for: one flat output of `size` cells (times 4 for `vec4`). */
export interface KernelSpec {
  readonly source: string;
  readonly argumentTypes: readonly ('Array' | 'Float')[];
  readonly functions: readonly string[];
  readonly size: number;
  /** The kernel returns Array(4): four consecutive outputs per thread (webgpu only). */
  readonly vec4?: boolean;
  /** WGSL replacements for helper functions, by helper name (webgpu only). */
  readonly wgsl?: Readonly<Record<string, string>>;
}

/** A device buffer handle: gpu.js's WebGPUBufferResult, a GL Texture, or a Float32Array on CPU modes. */
export type Handle = unknown;

/** One gpu.js instance and the buffer plumbing of its mode. */
export interface Device {
  readonly mode: GpuMode;
  /** Kernel calls return Promises (webgpu): results arrive a microtask later. */
  readonly async: boolean;
  /** Device buffer with these values (synchronous in every mode). */
  upload(data: Float32Array): Handle;
  /** The buffer's first `size` values. */
  read(h: Handle, size: number): Promise<Float32Array>;
  /** Frees the buffer (deferred by the driver until submitted work that reads it completes). */
  release(h: Handle): void;
  /** Compiles a kernel (gpu.js builds on the first call). */
  createKernel(spec: KernelSpec): KernelFn;
  /** Turns a kernel result into a flat handle of `size` cells (unwraps Array(4) results). */
  result(h: Handle, spec: KernelSpec): Handle;
  /** Resolves when the device has finished all submitted work. */
  sync(): Promise<void>;
  /** Destroys kernels and the device; the process can exit afterwards. */
  shutdown(): Promise<void>;
}

/** The subset of gpu.js this backend uses. */
export interface GpuJs {
  GPU: {
    new (settings: { mode: string }): GpuInstance;
    readonly isHeadlessGLSupported: boolean;
    readonly isWebGL2Supported: boolean;
    readonly isWebAssemblySupported: boolean;
  };
  WebGPUContext: { acquire(): Promise<WebGpuContext>; destroy(): Promise<void> };
  WebGPUBufferResult: new (s: { buffer: unknown; output: number[]; componentCount?: number; context: unknown; kernel: unknown }) => WebGpuHandle;
}

/** A gpu.js GPU instance. */
export interface GpuInstance {
  createKernel(source: string, settings: Record<string, unknown>): KernelFn & { kernel?: Record<string, unknown> };
  destroy(): void;
}

/** The shared `{ adapter, device }` pair gpu.js keeps for webgpu mode. */
export interface WebGpuContext {
  readonly adapter: { readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string } };
  readonly device: WgDevice;
}

/** The few WebGPU device calls this backend makes itself (upload and readback). */
export interface WgDevice {
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): WgBuffer;
  createCommandEncoder(): { copyBufferToBuffer(a: WgBuffer, ao: number, b: WgBuffer, bo: number, n: number): void; finish(): unknown };
  readonly queue: { submit(cmds: unknown[]): void; onSubmittedWorkDone(): Promise<void> };
}

/** A WebGPU buffer, as far as this backend touches it. */
export interface WgBuffer {
  readonly size: number;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  unmap(): void;
  destroy(): void;
}

/** gpu.js's pipeline handle on webgpu. */
export interface WebGpuHandle {
  readonly buffer: WgBuffer;
  readonly output: number[];
  readonly componentCount: number;
  readonly context: unknown;
  readonly kernel: unknown;
  delete(): void;
}

/** Throws a clear error when gpu.js cannot run `mode` here (checked before replacing a running setup). */
export function assertSupported(gpujs: GpuJs, mode: GpuMode): void {
  if (!['webgpu', 'webgl2', 'headlessgl', 'webasm', 'cpu'].includes(mode)) {
    throw new BackendError('setBackend', `unknown gpu mode '${String(mode)}'`, {}, "modes are 'webgpu', 'webgl2', 'headlessgl', 'webasm' and 'cpu'");
  }
  if (mode === 'webasm' && !gpujs.GPU.isWebAssemblySupported) {
    throw new BackendError('setBackend', "gpu.js reports no WebAssembly support here, so mode 'webasm' cannot run", {}, "use mode 'cpu'");
  }
  if (mode === 'headlessgl' && !gpujs.GPU.isHeadlessGLSupported) {
    throw new BackendError('setBackend', "mode 'headlessgl' needs the optional native package `gl`, which is not installed or not built here", {},
      "install it (its build compiles ANGLE without prebuilt binaries: minutes), or use mode 'webgpu' (Node, through the `webgpu` package) or 'cpu'");
  }
  if (mode === 'webgl2' && !gpujs.GPU.isWebGL2Supported) {
    throw new BackendError('setBackend', "mode 'webgl2' needs a browser with WebGL2", {}, "in Node use mode 'webgpu', 'headlessgl' or 'cpu'");
  }
}

/** The gpu.js settings every backend kernel shares. */
export function kernelSettings(spec: KernelSpec): Record<string, unknown> {
  return {
    output: [spec.size],
    pipeline: true,
    // NOTE: immutable: gpu.js otherwise reuses one output buffer per kernel, overwriting earlier results
    immutable: true,
    argumentTypes: [...spec.argumentTypes],
    functions: [...spec.functions],
    precision: 'single',
    tactic: 'precision',
    dynamicArguments: true,
  };
}

/** A CPU-side device: gpu.js `cpu` and `webasm` modes, whose pipeline results are Float32Arrays. */
export function hostDevice(gpujs: GpuJs, mode: 'cpu' | 'webasm'): Device {
  const gpu = new gpujs.GPU({ mode });
  return {
    mode,
    async: false,
    upload: (data) => data.slice(),
    read: async (h, size) => (h as Float32Array).slice(0, size),
    release: () => {},
    createKernel: (spec) => gpu.createKernel(spec.source, kernelSettings(spec)),
    result: (h) => h,
    sync: async () => {},
    shutdown: async () => gpu.destroy(),
  };
}

interface GlTexture {
  toArray(): Float32Array | Float32Array[];
  delete(): void;
}

/** A WebGL2 (browser) or headless-gl (Node, optional native `gl`) device: handles are textures. */
export function glDevice(gpujs: GpuJs, mode: 'webgl2' | 'headlessgl'): Device {
  const gpu = new gpujs.GPU({ mode });
  const uploaders = new Map<number, KernelFn>();
  return {
    mode,
    async: false,
    upload(data) {
      // NOTE: gpu.js has no texture-from-array call; an identity kernel per size uploads
      let k = uploaders.get(data.length);
      if (!k) {
        k = gpu.createKernel('function (a) { return a[this.thread.x]; }', kernelSettings({ source: '', argumentTypes: ['Array'], functions: [], size: data.length }));
        uploaders.set(data.length, k);
      }
      return k(data);
    },
    read: async (h, size) => {
      // NOTE: gpu.js falls back to its CPU kernel when a GL shader fails; those results are arrays
      const a = h instanceof Float32Array ? h : (h as GlTexture).toArray();
      return (a instanceof Float32Array ? a : Float32Array.from(a.flatMap((r) => Array.from(r)))).slice(0, size);
    },
    release: (h) => (h instanceof Float32Array ? undefined : (h as GlTexture).delete()),
    createKernel: (spec) => gpu.createKernel(spec.source, kernelSettings(spec)),
    result: (h) => h,
    sync: async () => {},
    shutdown: async () => gpu.destroy(),
  };
}

/** Options of the WebGPU mode (here rather than in webgpu.ts, so webgpu-node.ts imports no module that imports it). */
export interface WebGpuOptions {
  /**
   * Node only: a Vulkan ICD manifest for Dawn (sets `VK_ICD_FILENAMES`), e.g. SwiftShader's from
   * Debian's chromium package, `/usr/lib/chromium/vk_swiftshader_icd.json`. When the Vulkan loader
   * `libvulkan.so.1` is not installed system-wide, the one beside the manifest is loaded.
   */
  readonly vulkanICD?: string;
  /** Node only: Dawn options for `create()` of the `webgpu` package (e.g. `['backend=vulkan']`). */
  readonly dawnOptions?: readonly string[];
}
