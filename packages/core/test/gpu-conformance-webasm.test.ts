// The backend conformance suite on the gpu backend in gpu.js's `webasm` mode (WebAssembly with
// SIMD, runs everywhere): the same kernels as the webgpu mode, executed on the CPU.
import { afterAll, describe, test } from 'vitest';
import { gpuStats, synchronize, setBackend, shutdownBackend } from '@tsgrad/core';
import { conformanceCases } from '../src/testing/conformance.js';

const live = async () => {
  await synchronize();
  return gpuStats().liveBuffers;
};

await setBackend('gpu', { mode: 'webasm' }); // before collecting: cases depend on the backend's kernels
afterAll(() => shutdownBackend());

describe('gpu backend (gpu.js webasm mode) conforms to the CPU backend', () => {
  for (const c of conformanceCases({ device: 'gpu', numRuns: 4, liveBuffers: live })) {
    test(c.name, () => c.run());
  }
});
