// Training on the device for 200 steps (a 2-layer MLP in core ops, manual SGD inside scope()):
// the live-buffer count stays flat and no kernel is compiled after the first step; a new device
// starts its count from zero whatever buffers of the last one are freed later.
import { afterAll, expect, test } from 'vitest';
import { dispose, gpuStats, manualSeed, noGrad, randn, scope, setBackend, shutdownBackend, synchronize, type Tensor } from '@tsgrad/core';
import { Buf, drop } from '../src/backends/gpu/storage.js';
import { reportUnavailable, startWebGpu } from './gpu-webgpu-setup.js';

afterAll(() => shutdownBackend());

async function train(steps: number) {
  manualSeed(0);
  const X = randn([32, 8]).to('gpu');
  const Y = scope(() => X.sum(1, true).sin());
  const init = (shape: number[], scale: number) => randn(shape).mul(scale).to('gpu').requiresGrad_();
  const params: Tensor[] = [init([8, 16], 0.35), init([16], 0.1), init([16, 1], 0.25), init([1], 0.1)];
  const [W1, b1, W2, b2] = params as [Tensor, Tensor, Tensor, Tensor];
  const losses: number[] = [];
  const live: number[] = [];
  const compiles: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = scope(() => {
      const h = X.matmul(W1).add(b1).relu(); // (32, 16)
      const l = h.matmul(W2).add(b2).sub(Y).square().mean();
      l.backward();
      noGrad(() => {
        for (const p of params) {
          p.sub_(p.grad!.mul(0.1));
          p.grad = null;
        }
      });
      return l.detach();
    });
    losses.push((await loss.data())[0]!);
    dispose(loss);
    await synchronize();
    live.push(gpuStats().liveBuffers);
    compiles.push(gpuStats().compiles);
  }
  dispose([X, Y, ...params]);
  await synchronize();
  return { losses, live, compiles, end: gpuStats().liveBuffers };
}

async function checkFlat(steps: number) {
  const { losses, live, compiles, end } = await train(steps);
  expect(losses[steps - 1]!).toBeLessThan(losses[0]! * 0.5);
  // every step frees what it made: the count after each step equals the count after the first
  expect(live.filter((v) => v !== live[0])).toEqual([]);
  // no recompilation in the steady loop (step 2 may compile: 1-element parameters start as host values)
  expect(compiles[steps - 1]).toBe(compiles[1]);
  expect(end).toBe(0);
}

test('200 SGD steps on gpu.js cpu mode: flat live buffers, no recompiles', async () => {
  await setBackend('gpu', { mode: 'cpu' });
  await checkFlat(200);
});

const unavailable = await startWebGpu().then(async (r) => {
  await shutdownBackend();
  return r;
});
if (unavailable !== null) reportUnavailable('webgpu training memory test', unavailable);
else {
  test('200 SGD steps on webgpu: flat live buffers, no recompiles', async () => {
    expect(await startWebGpu()).toBeNull();
    await checkFlat(200);
  });
}

test("a buffer of an earlier device, freed after a new setBackend, does not move the new device's count", async () => {
  await setBackend('gpu', { mode: 'cpu' });
  const buf = new Buf(4, new Float32Array(4) as never); // what a tensor of the first device holds
  expect(gpuStats().liveBuffers).toBe(1);
  await setBackend('gpu', { mode: 'cpu' }); // a new device: its counters start from zero
  expect(gpuStats().liveBuffers).toBe(0);
  drop(buf); // as the finalizer does once the old tensor is garbage
  expect(gpuStats().liveBuffers).toBe(0);
  const own = new Buf(4, new Float32Array(4) as never);
  expect(gpuStats().liveBuffers).toBe(1);
  drop(own);
  expect(gpuStats().liveBuffers).toBe(0);
});
