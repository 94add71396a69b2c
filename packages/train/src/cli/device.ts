// --device: the CPU by default; any registered backend by name; 'gpu' sets up the gpu.js backend
// (WebGPU through Dawn in Node) first.

import * as core from '@tsgrad/core';
import { TsgradError } from '@tsgrad/core';
import { CliError } from './args.js';

/** Prepares the backend for `device` and returns its name. */
export async function useDevice(device: string): Promise<string> {
  if (core.hasBackend(device)) return device; // the CPU, or a backend already set up
  if (device !== 'gpu') throw new CliError(`--device must be one of ${[...core.listBackends(), 'gpu'].map((d) => `'${d}'`).join(', ')}, got '${device}'`, 2);
  const setBackend = (core as unknown as { setBackend?: (name: string, opts?: object) => Promise<unknown> }).setBackend;
  if (!setBackend) throw new CliError('this build of @tsgrad/core has no GPU backend');
  try {
    await setBackend('gpu', { mode: process.env['TSGRAD_GPU_MODE'] ?? 'webgpu' }); // TSGRAD_GPU_MODE: webgpu, webgl2, headlessgl, webasm, cpu
  } catch (e) {
    const hint = e instanceof TsgradError && e.hint ? ` (${e.hint})` : '';
    throw new CliError(`could not start the GPU backend: ${e instanceof TsgradError ? e.reason : (e as Error).message.split('\n')[0]}${hint}`);
  }
  return 'gpu';
}
