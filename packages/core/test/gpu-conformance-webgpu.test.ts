// The backend conformance suite on the gpu backend in webgpu mode (Dawn on SwiftShader here; a
// real adapter where there is one). Small shapes and few runs: SwiftShader is a CPU rasterizer.
import { afterAll, describe, test } from 'vitest';
import { gpuStats, synchronize, shutdownBackend } from '@tsgrad/core';
import { conformanceCases } from '../src/testing/conformance.js';
import { reportUnavailable, startWebGpu } from './gpu-webgpu-setup.js';

const unavailable = await startWebGpu();
const live = async () => {
  await synchronize();
  return gpuStats().liveBuffers;
};
afterAll(() => shutdownBackend());

if (unavailable !== null) reportUnavailable('webgpu conformance', unavailable);
else {
  describe('gpu backend (webgpu) conforms to the CPU backend', () => {
    for (const c of conformanceCases({ device: 'gpu', numRuns: 6, liveBuffers: live })) {
      test(c.name, () => c.run());
    }
  });
}
