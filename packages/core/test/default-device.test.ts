// setDefaultDevice (torch.set_default_device) on the gpu backend in gpu.js's cpu mode: creation
// functions land on the default device, explicit devices and *Like inputs win, ops stay there.
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  arange, eye, full, getDefaultDevice, linspace, ones, rand, randint, randn, randperm, setBackend, setDefaultDevice, shutdownBackend, tensor, toDevice, zeros, zerosLike,
} from '@tsgrad/core';

beforeAll(async () => {
  await setBackend('gpu', { mode: 'cpu' });
});
afterAll(() => {
  setDefaultDevice(null);
  shutdownBackend();
});

test('creation functions use the default device; explicit devices and *Like inputs win', async () => {
  expect(getDefaultDevice()).toBe('cpu');
  setDefaultDevice('gpu');
  try {
    expect(getDefaultDevice()).toBe('gpu');
    const made = [tensor([1, 2]), zeros(2), ones([2, 2]), full([1], 3), arange(3), linspace(0, 1, 3), eye(2), randn(2), rand(2), randint(0, 5, [2]), randperm(3)];
    expect(made.map((t) => t.device)).toEqual(Array(made.length).fill('gpu'));
    expect(zeros(2, { device: 'cpu' }).device).toBe('cpu');
    const c = tensor([1, 2], { device: 'cpu' });
    expect(zerosLike(c).device).toBe('cpu');
    // ops compute where their inputs are: a small forward and backward on the default device
    const w = randn([3, 2], { requiresGrad: true });
    const x = tensor([[1, 2, 3]]);
    const loss = x.matmul(w).square().sum();
    loss.backward();
    expect(loss.device).toBe('gpu');
    expect(w.grad!.device).toBe('gpu');
    const y = tensor([[1, 2], [3, 4]]).index([tensor([1, 0], { dtype: 'int32', device: 'cpu' })]);
    expect((await toDevice(y, 'cpu')).tolist()).toEqual([[3, 4], [1, 2]]);
    expect(Array.from(await arange(4).cumsum(0).data())).toEqual([0, 1, 3, 6]);
  } finally {
    setDefaultDevice(null);
  }
  expect(getDefaultDevice()).toBe('cpu');
  expect(zeros(1).device).toBe('cpu');
});

test('an unknown device is refused, naming the registered ones', () => {
  expect(() => setDefaultDevice('tpu')).toThrow(/no backend for device 'tpu'/);
  expect(getDefaultDevice()).toBe('cpu');
});
