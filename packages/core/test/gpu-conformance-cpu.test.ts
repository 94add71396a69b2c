// The backend conformance suite on the gpu backend in gpu.js's `cpu` mode (fast, runs everywhere):
// it checks the kernel generation, dispatch, async storage and fallbacks without a device.
import { afterAll, describe, test } from 'vitest';
import { gpuStats, synchronize, setBackend, shutdownBackend } from '@tsgrad/core';
import { conformanceCases } from '../src/testing/conformance.js';

const live = async () => {
  await synchronize();
  return gpuStats().liveBuffers;
};

await setBackend('gpu', { mode: 'cpu' }); // before collecting: cases depend on the backend's kernels
afterAll(() => shutdownBackend());

describe('gpu backend (gpu.js cpu mode) conforms to the CPU backend', () => {
  for (const c of conformanceCases({ device: 'gpu', numRuns: 12, liveBuffers: live })) {
    test(c.name, () => c.run());
  }
});
