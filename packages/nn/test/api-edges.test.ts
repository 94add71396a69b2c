// The PyTorch spellings a user reaches for first, and the errors that point at the fix: sizes as
// arguments, unknown dtypes, a Module where tensors are expected, a model saveModel cannot
// rebuild, and a float32 gradcheck.
import { describe, expect, test } from 'vitest';
import { ones, rand, randn, tensor, zeros, type Tensor } from '@tsgrad/core';
import { gradcheck } from '@tsgrad/core/testing';
import { Linear, Module, Parameter, saveModel, serializeSafetensors } from '@tsgrad/nn';

describe('sizes as arguments, as PyTorch', () => {
  test('zeros, ones, rand, randn take sizes or one shape, with options after', () => {
    expect(randn(2, 3).shape).toEqual([2, 3]);
    expect(zeros(2, 3, { dtype: 'float64' }).dtype).toBe('float64');
    expect(ones(4).shape).toEqual([4]);
    expect(rand([2, 2], { dtype: 'float64' }).shape).toEqual([2, 2]);
    expect(zeros(2, 1, 3).shape).toEqual([2, 1, 3]);
  });
  test('reshape, view and permute take dims or one list', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.reshape(3, 2).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(x.view(-1, 2).shape).toEqual([3, 2]);
    expect(x.permute(1, 0).tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.reshape([6]).shape).toEqual([6]);
  });
});

test('an unknown dtype is a ValueError listing the supported ones', () => {
  expect(() => tensor([1], { dtype: 'int64' as never })).toThrow(/tensor: unsupported dtype 'int64'[\s\S]*bool, int32, float16, bfloat16, float32, float64/);
  expect(() => zeros([2], { dtype: 'float8' as never })).toThrow(/unsupported dtype 'float8'/);
  expect(() => randn(2, { dtype: 'complex64' as never })).toThrow(/randn: unsupported dtype 'complex64'/);
});

test('saving a Module as tensors hints at stateDict()', () => {
  expect(() => serializeSafetensors(new Linear(2, 2) as never)).toThrow(/expected an object of tensors, got a Linear[\s\S]*model\.stateDict\(\)/);
});

test('saveModel on a custom module names the families it can rebuild and the way for others', async () => {
  class Mine extends Module {
    w = new Parameter(ones([2]));
    readonly config = {};
    forward(x: Tensor): Tensor { return x.mul(this.w); }
  }
  await expect(saveModel('never-written.safetensors', new Mine())).rejects.toThrow(/Mine is not a model family loadModel can rebuild \(known: gpt, [\s\S]*saveSafetensorsFile\(file, model\.stateDict\(\)\)/);
});

test('a float32 gradcheck failure says to use float64, not that the VJP is wrong', () => {
  const x = tensor([0.3, 0.7], { requiresGrad: true }); // float32
  expect(() => gradcheck((a: Tensor) => a.exp().sum(), [x], { eps: 1e-6 })).toThrow(/float32: finite differences need float64/);
});
