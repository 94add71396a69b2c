// Picks where the demo computes: gpu.js WebGPU, then WebGL2, then tsgrad's CPU backend. gpu.js is
// loaded by `setBackend('gpu', ...)` only, so a CPU run never downloads it.

import { setBackend, shutdownBackend } from '@tsgrad/core';

/** What the backend menu offers. */
export type BackendChoice = 'auto' | 'webgpu' | 'webgl2' | 'cpu';

/** The device tensors go to and a label for the page. */
export interface ActiveBackend {
  device: 'gpu' | 'cpu';
  label: string;
}

const hasWebGl2 = () => {
  try {
    return !!document.createElement('canvas').getContext('webgl2');
  } catch {
    return false;
  }
};

/** Starts the first backend of the choice's order that works; `notes` gets a line per fallback. */
export async function startBackend(choice: BackendChoice, notes: string[] = []): Promise<ActiveBackend> {
  await shutdownBackend();
  const order = choice === 'auto' ? (['webgpu', 'webgl2', 'cpu'] as const) : [choice];
  for (const mode of order) {
    if (mode === 'cpu') return { device: 'cpu', label: 'CPU (tsgrad TypeScript kernels)' };
    if (mode === 'webgpu' && !('gpu' in navigator)) {
      notes.push('WebGPU: navigator.gpu is absent');
      continue;
    }
    if (mode === 'webgl2' && !hasWebGl2()) {
      notes.push('WebGL2: no context');
      continue;
    }
    try {
      await setBackend('gpu', { mode });
      return { device: 'gpu', label: `GPU (gpu.js ${mode})` };
    } catch (e) {
      notes.push(`${mode}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { device: 'cpu', label: 'CPU (tsgrad TypeScript kernels)' };
}
