// clipGradNorm_'s errorIfNonfinite on a device that reads asynchronously: never silently skipped.

import { afterAll, expect, test } from 'vitest';
import { setBackend, shutdownBackend, tensor, toDevice } from '@tsgrad/core';
import { clipGradNormAsync_, clipGradNorm_ } from '../src/optim/clip.js';

afterAll(() => shutdownBackend());

test('a non-finite norm is caught on the gpu backend, before the gradients change', async () => {
  await setBackend('gpu', { mode: 'cpu' });
  const w = tensor([3, 4]).to('gpu').requiresGrad_();
  w.grad = tensor([Infinity, 1]).to('gpu');
  expect(() => clipGradNorm_([w], 1, 2, { errorIfNonfinite: true })).toThrow(/read asynchronously.*clipGradNormAsync_/s);
  await expect(clipGradNormAsync_([w], 1, 2, { errorIfNonfinite: true })).rejects.toThrow(/non-finite \(Infinity\)/);
  expect((await toDevice(w.grad, 'cpu')).tolist()).toEqual([Infinity, 1]);
  w.grad = tensor([3, 4]).to('gpu'); // norm 5: scaled by 1 / (5 + 1e-6)
  const norm = await clipGradNormAsync_([w], 1, 2, { errorIfNonfinite: true });
  expect(await norm.itemAsync()).toBe(5);
  const g = (await toDevice(w.grad, 'cpu')).tolist() as number[];
  expect(g[0]).toBeCloseTo(0.6, 5);
  expect(g[1]).toBeCloseTo(0.8, 5);
});
