// The one Adam path on the gpu backend in webgpu mode (Dawn on SwiftShader here): adamStep has no
// gpu.js kernel, so the optimizer's call runs as the composite update on the device. WGSL's sqrt
// and division are a few ULP from IEEE's, so this is a float32 tolerance, not a bit comparison
// (adam-fused.test.ts compares bits on the CPU and on gpu.js's cpu mode).
import { afterAll, expect, test } from 'vitest';
import { Generator, randn, shutdownBackend, toDevice } from '@tsgrad/core';
import { AdamW } from '../src/optim/adam.js';
import { reportUnavailable, startWebGpu } from '../../core/test/gpu-webgpu-setup.js';

const unavailable = await startWebGpu();
afterAll(() => shutdownBackend());

if (unavailable !== null) reportUnavailable('AdamW on webgpu', unavailable);
else {
  test('AdamW (AMSGrad, weight decay) on webgpu takes the steps it takes on the CPU', async () => {
    const run = async (device: string) => {
      const p = randn([6, 5], { generator: new Generator(1) }).to(device).requiresGrad_();
      const opt = new AdamW([p], { lr: 0.01, weightDecay: 0.1, amsgrad: true });
      for (let s = 0; s < 3; s++) {
        p.grad = randn([6, 5], { generator: new Generator(50 + s) }).to(device);
        opt.step();
      }
      return [...(await toDevice(p, 'cpu')).dataSync()];
    };
    const [gpu, cpu] = [await run('gpu'), await run('cpu')];
    gpu.forEach((v, i) => expect(Math.abs(v - cpu[i]!), `element ${i}`).toBeLessThanOrEqual(1e-5 * Math.abs(cpu[i]!) + 1e-6));
  }, 120_000);
}
