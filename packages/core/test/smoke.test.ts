import { expect, test } from 'vitest';
import { tensor } from '@tsgrad/core';

test('x * x summed has gradient 2x', () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  x.mul(x).sum().backward();
  expect(x.grad!.tolist()).toEqual([[2, 4], [6, 8]]);
});
