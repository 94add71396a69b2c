// The convolution, batch-norm and recurrent layers on the gpu backend (gpu.js `cpu` mode, so it
// runs anywhere): the same outputs, gradients and running statistics as on the CPU.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { manualSeed, maxPool2d, randn, setBackend, shutdownBackend, synchronize, type Tensor } from '@tsgrad/core';
import { BatchNorm2d, Conv2d, GRU, LSTM, type Module } from '@tsgrad/nn';

beforeAll(async () => {
  await setBackend('gpu', { mode: 'cpu' });
});
afterAll(() => shutdownBackend());

async function expectNear(a: Tensor, b: Tensor, tol = 1e-4): Promise<void> {
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!), `element ${i}`).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i]!))));
}

/** Runs `f` on the CPU, then on the gpu device with the same weights; compares outputs and gradients. */
async function compare(modules: Module[], x: Tensor, f: (x: Tensor) => Tensor): Promise<void> {
  const cpuOut = f(x);
  cpuOut.square().sum().backward();
  const cpuGrads = modules.flatMap((m) => m.parameters().map((p) => p.grad!.clone()));
  for (const m of modules) { m.zeroGrad(); m.to('gpu'); }
  const gpuOut = f(x.to('gpu'));
  expect(gpuOut.device).toBe('gpu');
  gpuOut.square().sum().backward();
  await expectNear(gpuOut, cpuOut);
  const gpuGrads = modules.flatMap((m) => m.parameters().map((p) => p.grad!));
  for (let i = 0; i < cpuGrads.length; i++) await expectNear(gpuGrads[i]!, cpuGrads[i]!, 1e-3);
  await synchronize();
}

test('Conv2d + BatchNorm2d + maxPool2d on the gpu device', async () => {
  manualSeed(0);
  const conv = new Conv2d(2, 3, 3, { padding: 1 });
  const bn = new BatchNorm2d(3, { momentum: null }); // a cumulative average, updated on the device
  await compare([conv, bn], randn([2, 2, 5, 4]), (x) => maxPool2d(bn.forward(conv.forward(x)), 2));
  expect(bn.running_mean!.device).toBe('gpu');
  expect(Array.from(await bn.num_batches_tracked!.data())).toEqual([2]); // one CPU and one device batch
});

test('LSTM and GRU on the gpu device', async () => {
  manualSeed(1);
  const lstm = new LSTM(3, 4, { numLayers: 2, bidirectional: true });
  const gru = new GRU(8, 2, { batchFirst: true });
  await compare([lstm, gru], randn([5, 2, 3]), (x) => gru.forward(lstm.forward(x)[0].transpose(0, 1))[0]);
});
