// Ops and spellings that PyTorch users expect, with values worked by hand from PyTorch's
// documented semantics: isinf/isfinite, expm1, remainder (divisor's sign) vs fmod (dividend's),
// leaky ReLU, empty, randint's one-bound form, and max/min results that destructure.
import { describe, expect, test } from 'vitest';
import { empty, expm1, fmod, isfinite, isinf, leakyRelu, manualSeed, max, min, randint, remainder, tensor } from '@tsgrad/core';

describe('PyTorch behaviours', () => {
  test('isinf and isfinite (NaN is neither infinite nor finite)', () => {
    const x = tensor([Infinity, -Infinity, NaN, 0, -3.5], { dtype: 'float64' });
    expect(isinf(x).tolist()).toEqual([true, true, false, false, false]);
    expect(isfinite(x).tolist()).toEqual([false, false, false, true, true]);
    expect(x.isinf().dtype).toBe('bool');
    expect(isfinite(tensor([1, 2], { dtype: 'int32' })).tolist()).toEqual([true, true]);
  });

  test('expm1 keeps the digits exp(x) - 1 loses', () => {
    const x = tensor([1e-12, -1e-12, 0, 1], { dtype: 'float64' });
    const y = expm1(x).tolist() as number[];
    expect(y[0]).toBeCloseTo(1.0000000000005e-12, 24);
    expect(y[1]).toBeCloseTo(-9.999999999995e-13, 24);
    expect(y[2]).toBe(0);
    expect(y[3]).toBeCloseTo(Math.E - 1, 14);
  });

  test("remainder takes the divisor's sign, fmod the dividend's (torch docs examples)", () => {
    // torch.remainder(torch.tensor([-3., -2, -1, 1, 2, 3]), 2) -> [1, 0, 1, 1, 0, 1]
    expect(remainder(tensor([-3, -2, -1, 1, 2, 3]), 2).tolist()).toEqual([1, 0, 1, 1, 0, 1]);
    // torch.remainder(torch.tensor([1, 2, 3, 4, 5]), -1.5) -> [-0.5, -1, 0, -0.5, -1]
    expect(remainder(tensor([1, 2, 3, 4, 5]), -1.5).tolist()).toEqual([-0.5, -1, 0, -0.5, -1]);
    // torch.fmod(torch.tensor([-3., -2, -1, 1, 2, 3]), 2) -> [-1, -0, -1, 1, 0, 1]
    expect(fmod(tensor([-3, -2, -1, 1, 2, 3]), 2).tolist()).toEqual([-1, -0, -1, 1, 0, 1]);
    // torch.fmod(torch.tensor([1, 2, 3, 4, 5]), -1.5) -> [1, 0.5, 0, 1, 0.5]
    expect(fmod(tensor([1, 2, 3, 4, 5]), -1.5).tolist()).toEqual([1, 0.5, 0, 1, 0.5]);
    const ints = remainder(tensor([-7, 7], { dtype: 'int32' }), 3);
    expect([ints.dtype, ints.tolist()]).toEqual(['int32', [2, 1]]);
  });

  test('leakyRelu: slope 0.01 by default, its gradient is the slope at 0', () => {
    expect(leakyRelu(tensor([-100, -1, 0, 2], { dtype: 'float64' })).tolist()).toEqual([-1, -0.01, 0, 2]);
    const x = tensor([-1, 0, 1], { dtype: 'float64', requiresGrad: true });
    leakyRelu(x, 0.2).sum().backward();
    expect(x.grad!.tolist()).toEqual([0.2, 0.2, 1]);
    expect(() => leakyRelu(x, NaN)).toThrow(/leakyRelu: negativeSlope must be a finite number/);
  });

  test('empty has the shape and dtype asked for', () => {
    const e = empty(2, 3, { dtype: 'int32' });
    expect([e.shape, e.dtype]).toEqual([[2, 3], 'int32']);
  });

  test('randint(high, shape) draws from [0, high)', () => {
    manualSeed(0);
    const r = randint(3, [1000]);
    const vals = new Set(Array.from(r.dataSync()));
    expect([...vals].sort()).toEqual([0, 1, 2]);
    expect(() => randint(0, 5)).toThrow(/randint: expected \(low, high, shape\) or \(high, shape\): the shape is missing/);
  });

  test('max/min with a dim destructure as [values, indices], like the named tuple', () => {
    const x = tensor([[1, 5], [7, 2]]);
    const [values, indices] = max(x, 1);
    expect([values!.tolist(), indices!.tolist()]).toEqual([[5, 7], [1, 0]]);
    const r = min(x, 0, true);
    expect([r.values.tolist(), r.indices.tolist()]).toEqual([[[1, 2]], [[0, 1]]]);
  });
});
