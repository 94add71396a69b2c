// Error-message snapshots: the full text (op, reason, each argument's shape/dtype, hint) and the error class.
import { describe, expect, test } from 'vitest';
import {
  add, AutogradError, BackendError, cat, cpuBackend, crossEntropy, dropout, DTypeError, embedding, gather, IndexError, indexSelect,
  matmul, registerBackend, ShapeError, sum, tensor, ValueError, where, zeros, type NestedArray, type Storage,
} from '@tsgrad/core';

const i32 = (d: NestedArray) => tensor(d, { dtype: 'int32' });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

/** Asserts `fn` throws an instance of `cls` whose message is exactly `lines`. */
function pin(fn: () => unknown, cls: new (...a: never[]) => Error, lines: string[]): void {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(cls);
  expect(e.name).toBe(cls.name);
  expect(e.message).toBe(lines.join('\n'));
}

describe('shape errors', () => {
  test('matmul inner-dim mismatch suggests transposing b', () => {
    pin(() => matmul(zeros([2, 3]), zeros([4, 5])), ShapeError, [
      'matmul: inner dimensions differ (3 vs 4)',
      '  a: [2, 3] float32',
      '  b: [4, 5] float32',
      '  hint: a is [..., M, K] and b must be [..., K, N]; did you mean b.transpose(-1, -2)?',
    ]);
  });

  test('matmul batch dims that do not broadcast name both full shapes', () => {
    pin(() => matmul(zeros([2, 3, 4]), zeros([3, 4, 5])), ShapeError, [
      'matmul: batch dims [2] and [3] cannot be broadcast together',
      '  a: [2, 3, 4] float32',
      '  b: [3, 4, 5] float32',
      '  hint: the dims before the last two must match or be 1 when aligned from the right',
    ]);
  });

  test('a broadcasting failure names both shapes and the clashing dim', () => {
    pin(() => add(zeros([2, 3]), zeros([4])), ShapeError, [
      'add: shapes cannot be broadcast together (size 3 vs 4 at dim -1)',
      '  a: [2, 3]',
      '  b: [4]',
      '  hint: sizes must match or be 1 when aligned from the last dim',
    ]);
  });

  test('reshape to a different number of elements', () => {
    pin(() => zeros([2, 3]).reshape([4, 2]), ShapeError, [
      'reshape: shape [4, 2] is invalid for input of size 6',
      '  x: [2, 3]',
      '  hint: the new shape must have 6 elements',
    ]);
  });

  test('view on strides that cannot be viewed', () => {
    pin(() => zeros([2, 3]).t().view([6]), ShapeError, [
      "view: size [6] is not compatible with the input's strides [1, 3] (a new dim would span non-contiguous memory)",
      '  x: [3, 2]',
      '  hint: use .reshape(...), which copies when it must, or call .contiguous() first',
    ]);
  });

  test('cat with a mismatched non-cat dim', () => {
    pin(() => cat([zeros([2, 3]), zeros([2, 4])], 0), ShapeError, [
      'cat: sizes must match except in dim 0: expected size 3 but got size 4 at dim 1 for tensor 1',
      '  tensors[0]: [2, 3] float32',
      '  tensors[1]: [2, 4] float32',
      "  hint: check each tensor's shape; only the concatenated dim may differ",
    ]);
  });
});

describe('index and dtype errors', () => {
  test('an out-of-range dim names the valid range and the input shape', () => {
    pin(() => sum(zeros([2, 3]), 2), IndexError, [
      'sum: dim 2 is out of range for a tensor of rank 2',
      '  x: [2, 3]',
      '  hint: expected dim in [-2, 1]',
    ]);
  });

  test('a float index tensor given to gather', () => {
    pin(() => gather(zeros([2, 3]), 1, zeros([2, 1])), DTypeError, [
      'gather: expected index to be an int32 index tensor, got float32',
      '  x: [2, 3] float32',
      '  index: [2, 1] float32',
      "  hint: convert with index.to('int32')",
    ]);
  });

  test('out-of-bounds indices in gather, indexSelect and embedding', () => {
    pin(() => gather(zeros([2, 3]), 1, i32([[5], [0]])), IndexError, [
      'gather: index 5 is out of bounds for dim 1 with size 3',
      '  x: [2, 3] float32',
      '  index: [2, 1] int32',
      '  hint: indices must be in [0, 2]',
    ]);
    pin(() => indexSelect(zeros([3, 2]), 0, i32([0, -1])), IndexError, [
      'indexSelect: index -1 is out of bounds for dim 0 with size 3',
      '  x: [3, 2] float32',
      '  index: [2] int32',
      '  hint: indices must be in [0, 2]',
    ]);
    pin(() => embedding(i32([[1, 3]]), zeros([3, 4])), IndexError, [
      'embedding: index 3 is out of range for 3 embeddings',
      '  input: [1, 2]',
      '  weight: [3, 4]',
      '  hint: indices must be in [0, 2]',
    ]);
  });

  test('crossEntropy: a target class out of range, and float class indices', () => {
    pin(() => crossEntropy(zeros([2, 3]), i32([5, 0])), IndexError, [
      'crossEntropy: target 5 is out of bounds for 3 classes',
      '  input: [2, 3]',
      '  target: [2]',
      '  hint: targets must be in [0, 2] or equal ignoreIndex (-100)',
    ]);
    pin(() => crossEntropy(zeros([2, 3]), tensor([0, 1])), DTypeError, [
      'crossEntropy: class-index targets must be int32, got float32',
      '  input: [2, 3] float32',
      '  target: [2] float32',
      "  hint: convert with target.to('int32'), or give class probabilities with the input's shape",
    ]);
  });

  test('where with a non-bool condition', () => {
    pin(() => where(zeros([2]), 1, 0), DTypeError, [
      'where: expected condition to be a bool tensor, got float32',
      '  condition: [2] float32',
      "  hint: build it with a comparison (x.gt(0)) or condition.to('bool')",
    ]);
  });
});

describe('value errors', () => {
  test('dropout with p outside [0, 1]', () => {
    pin(() => dropout(zeros([2]), 1.5), ValueError, [
      'dropout: probability has to be between 0 and 1, but got 1.5',
      '  x: [2] float32',
      '  hint: p is the probability of zeroing an element: 0 keeps everything, 1 zeroes everything',
    ]);
  });

  test('a ragged nested array', () => {
    pin(() => tensor([[1, 2], [3]]), ValueError, [
      'tensor: ragged nested array: expected length 2 at depth 1, got 1',
      '  hint: every row must have the same length',
    ]);
  });
});

describe('autograd errors', () => {
  test('backward twice through a freed graph', () => {
    const y = tensor([1, 2], { requiresGrad: true }).mul(2).sum();
    y.backward();
    pin(() => y.backward(), AutogradError, [
      'sum: trying to backward through the graph a second time (its saved tensors were freed after the first backward)',
      '  hint: pass { retainGraph: true } to the first backward() if you need to backward twice',
    ]);
  });

  test('backward of a non-scalar without a gradient', () => {
    pin(() => tensor([1, 2], { requiresGrad: true }).mul(2).backward(), AutogradError, [
      'backward: grad can be implicitly created only for scalar outputs, got shape [2]',
      '  hint: pass the output gradient explicitly: y.backward(gradient), or reduce y first (y.sum())',
    ]);
  });

  test('options passed where the gradient goes', () => {
    const y = tensor([1], { requiresGrad: true }).sum();
    pin(() => y.backward({ retainGraph: true } as never), AutogradError, [
      'backward: gradient must be a Tensor, got object',
      '  output: []',
      '  hint: options go second: y.backward(undefined, { retainGraph: true })',
    ]);
  });

  test('requiresGrad on an int tensor', () => {
    pin(() => i32([1, 2]).requiresGrad_(), AutogradError, [
      'requiresGrad: only floating-point tensors can require gradients, got int32',
      '  x: [2] int32',
      "  hint: convert first: x.to('float32').requiresGrad_()",
    ]);
  });

  test('an in-place op on a leaf that requires grad', () => {
    pin(() => tensor([1], { requiresGrad: true }).add_(1), AutogradError, [
      'add_: in-place ops are not recorded by autograd, and this tensor requires grad (a leaf)',
      '  x: [1]',
      '  hint: wrap the update in noGrad(() => ...), as optimizers do, or use the out-of-place op',
    ]);
  });

  test('backward after a saved tensor was modified in place', () => {
    const w = tensor([2, 3]);
    const y = tensor([1, 1], { requiresGrad: true }).mul(w).sum();
    w.add_(1);
    pin(() => y.backward(), AutogradError, [
      "mul: a tensor saved for the backward of 'mul' was modified by an in-place operation (version 0 -> 1)",
      '  saved: [2]',
      '  hint: clone() the tensor before changing it in place, or change it after backward',
    ]);
  });
});

describe('device errors', () => {
  test('tensors on two devices in one op', () => {
    // a second device: CPU kernels, but storages that say they live on 'other'
    registerBackend({ ...cpuBackend, name: 'other', fromArray: (data, dtype): Storage => ({ device: 'other', dtype, size: data.length, version: 0 }) });
    const remote = tensor([1, 2], { device: 'other' });
    expect(remote.device).toBe('other');
    pin(() => add(tensor([1, 2]), remote), BackendError, [
      'add: expected all tensors on one device, got cpu and other',
      '  a: cpu',
      '  b: other',
      "  hint: move them with x.to('cpu') or x.to('gpu')",
    ]);
  });
});
