// Node-only WebGPU setup: Dawn from the optional `webgpu` package, exposed as navigator.gpu for gpu.js.

import { existsSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendError } from '../../errors.js';
import type { WebGpuOptions } from './device.js';

const SYSTEM_LOADERS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/lib64']
  .map((d) => join(d, 'libvulkan.so.1'));

/**
 * Loads the Vulkan loader that sits beside the ICD manifest when the system has none.
 * NOTE: Dawn dlopens `libvulkan.so.1` by name; chromium ships one in /usr/lib/chromium, outside
 * the search path. Loading it first with RTLD_GLOBAL | RTLD_NODELETE (0x1000) makes the later
 * lookup by soname find it; process.dlopen then throws "did not self-register", which is expected.
 */
function preloadVulkanLoader(icd: string): void {
  if (process.platform !== 'linux' || SYSTEM_LOADERS.some((p) => existsSync(p))) return;
  const local = join(dirname(icd), 'libvulkan.so.1');
  if (!existsSync(local)) return;
  try {
    process.dlopen({ exports: {} }, local, constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL | 0x1000);
  } catch {
    // expected: the library is loaded but is not a Node addon
  }
}

// One Dawn instance per process and set of options: a second `create()` after an earlier instance
// was dropped can crash the process when the first one's native objects are collected, so a
// backend that is shut down and set up again reuses the instance it made first.
const instances = new Map<string, unknown>();

/** Installs Dawn as `navigator.gpu`; returns the function that removes it again (so the process can exit). */
export async function installNodeWebGpu(opts: WebGpuOptions): Promise<() => void> {
  if (process.platform === 'linux' && !process.env['XDG_RUNTIME_DIR']) process.env['XDG_RUNTIME_DIR'] = tmpdir();
  if (opts.vulkanICD !== undefined) {
    if (!existsSync(opts.vulkanICD)) throw new BackendError('setBackend', `Vulkan ICD manifest ${opts.vulkanICD} does not exist`);
    process.env['VK_ICD_FILENAMES'] = opts.vulkanICD;
  }
  const icd = process.env['VK_ICD_FILENAMES'];
  if (icd && !icd.includes(':')) preloadVulkanLoader(icd);
  const spec = 'webgpu'; // a variable, so browser bundlers leave this Node-only import alone
  let pkg: { create(o: string[]): unknown; globals: Record<string, unknown> };
  try {
    pkg = (await import(/* @vite-ignore */ spec)) as typeof pkg;
  } catch (e) {
    throw new BackendError('setBackend', `the optional \`webgpu\` package (Dawn for Node) did not load: ${(e as Error).message}`, {},
      "install `webgpu`, or use mode 'cpu'");
  }
  for (const [k, v] of Object.entries(pkg.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const before = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  const key = JSON.stringify(opts.dawnOptions ?? []);
  const gpu = instances.get(key) ?? pkg.create([...(opts.dawnOptions ?? [])]);
  instances.set(key, gpu);
  Object.defineProperty(globalThis, 'navigator', { value: { ...(before?.value ?? {}), gpu }, configurable: true, writable: true });
  return () => {
    if (before) Object.defineProperty(globalThis, 'navigator', before);
    else delete (globalThis as { navigator?: unknown }).navigator;
  };
}
