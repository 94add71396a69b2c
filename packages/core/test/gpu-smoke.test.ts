// Smoke test of the gpu backend on gpu.js's cpu mode: a few ops, async readback, errors.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { dispose, gpuStats, setBackend, shutdownBackend, tensor, toDevice } from '@tsgrad/core';

beforeAll(async () => {
  await setBackend('gpu', { mode: (process.env['TSGRAD_SMOKE_MODE'] as 'cpu') ?? 'cpu' });
});
afterAll(() => shutdownBackend());

test('elementwise, reduce, matmul on device', async () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]).to('gpu');
  expect(x.device).toBe('gpu');
  const y = x.mul(2).add(1);
  expect(Array.from(await y.data())).toEqual([3, 5, 7, 9, 11, 13]);
  expect(Array.from(await x.sum(1).data())).toEqual([6, 15]);
  expect(Array.from(await x.t().data())).toEqual([1, 4, 2, 5, 3, 6]);
  expect(Array.from(await x.matmul(x.t()).data())).toEqual([14, 32, 32, 77]);
  expect(Array.from(await x.softmax(1).sum(1).data()).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 1]);
  expect(Array.from(await x.gt(3).data())).toEqual([0, 0, 0, 1, 1, 1]);
  expect(Array.from(await x.argmax(1).data())).toEqual([2, 2]);
  const back = await toDevice(x.relu(), 'cpu');
  expect(back.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
  expect(() => x.dataSync()).toThrow(/cannot read synchronously/);
  dispose([x, y]);
  expect(gpuStats().compiles).toBeGreaterThan(0);
});

test('backward on device', async () => {
  const w = tensor([[1, -2], [3, 4]]).to('gpu').requiresGrad_();
  const loss = w.mul(w).relu().sum();
  loss.backward();
  expect(Array.from(await w.grad!.data())).toEqual([2, -4, 6, 8]);
});
