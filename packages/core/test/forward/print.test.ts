// Printing, checked against PyTorch's own printouts of the same tensors (torch/_tensor_str.py's
// format, written out by hand): element widths, notation, wrapping, summarisation and suffixes.
// The one deliberate difference: dtypes print as tsgrad names them (dtype=float64, not torch.float64).
import { afterEach, describe, expect, test } from 'vitest';
import { arange, ones, setPrintOptions, tensor, zeros, getPrintOptions } from '@tsgrad/core';
import { inspect } from 'node:util';

afterEach(() => setPrintOptions({ profile: 'default' }));

describe('tensor printouts', () => {
  test('floats: integer-valued, fixed with 4 decimals, and scientific when the range is wide', () => {
    expect(String(zeros([2, 2]))).toBe('tensor([[0., 0.],\n        [0., 0.]])');
    expect(String(tensor([1.5, 2.25]))).toBe('tensor([1.5000, 2.2500])');
    expect(String(tensor([-1.5, 2]))).toBe('tensor([-1.5000,  2.0000])');
    expect(String(tensor([123456.7]))).toBe('tensor([123456.7031])'); // the float32 nearest 123456.7
    expect(String(tensor([1e-5, 1]))).toBe('tensor([1.0000e-05, 1.0000e+00])');
    expect(String(tensor([1, NaN, Infinity]))).toBe('tensor([1., nan, inf])');
    expect(String(tensor(3.5))).toBe('tensor(3.5000)');
  });

  test('integers, booleans and nested dims', () => {
    expect(String(tensor([1, 20, 3], { dtype: 'int32' }))).toBe('tensor([ 1, 20,  3])');
    expect(String(tensor([true, false]))).toBe('tensor([ True, False])');
    expect(String(arange(8, undefined, 1, { dtype: 'int32' }).reshape([2, 2, 2]))).toBe(
      'tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])');
  });

  test('summarised past the threshold with the edge items, and wrapped at the line width', () => {
    expect(String(arange(10000))).toBe('tensor([   0,    1,    2,  ..., 9997, 9998, 9999])'); // integers, as torch.arange(10000)
    expect(String(arange(10000, undefined, 1, { dtype: 'float32' }))).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9970e+03, 9.9980e+03,\n        9.9990e+03])');
    const row = '[1., 1., 1.,  ..., 1., 1., 1.]';
    expect(String(ones([100, 100]))).toBe(`tensor([${row},\n        ${row},\n        ${row},\n        ...,\n        ${row},\n        ${row},\n        ${row}])`);
    // 25 elements of width 2 fit 18 to a line of 80 after the 7-character prefix
    expect(String(ones(25))).toBe(`tensor([${'1., '.repeat(17)}1.,\n        ${'1., '.repeat(6)}1.])`);
  });

  test('suffixes: dtype when not float32/int32/bool, device, requires_grad and grad_fn; empty tensors show their size', () => {
    expect(String(tensor([1.5], { dtype: 'float64' }))).toBe('tensor([1.5000], dtype=float64)');
    const x = tensor([1, 2], { requiresGrad: true });
    expect(String(x)).toBe('tensor([1., 2.], requires_grad=True)');
    expect(String(x.mul(2))).toBe('tensor([2., 4.], grad_fn=<MulBackward0>)');
    expect(String(zeros([0, 3]))).toBe('tensor([], size=(0, 3))');
    expect(String(zeros([0], { dtype: 'int32' }))).toBe('tensor([], dtype=int32)');
    expect(inspect(tensor([1, 2]))).toBe('tensor([1., 2.])');
  });

  test('setPrintOptions: precision, threshold, edgeitems, linewidth, sciMode and profiles', () => {
    setPrintOptions({ precision: 2 });
    expect(String(tensor([1.2345, 2]))).toBe('tensor([1.23, 2.00])');
    setPrintOptions({ threshold: 5, edgeitems: 2 });
    expect(String(arange(6, undefined, 1, { dtype: 'int32' }))).toBe('tensor([0, 1,  ..., 4, 5])');
    setPrintOptions({ sciMode: true }); // the precision set before stays, as in PyTorch
    expect(String(tensor([1.5]))).toBe('tensor([1.50e+00])');
    setPrintOptions({ sciMode: false, precision: 1 });
    // as PyTorch, the width comes from the notation the values would choose (1.0e-05: 7), then sciMode overrides it
    expect(String(tensor([1e-5, 1]))).toBe('tensor([    0.0,     1.0])');
    setPrintOptions({ linewidth: 30 });
    expect(String(tensor([1, 2], { requiresGrad: true }))).toBe('tensor([1., 2.],\n       requires_grad=True)');
    setPrintOptions({ profile: 'short' });
    expect(getPrintOptions()).toEqual({ precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80, sciMode: undefined });
    setPrintOptions({ profile: 'full' });
    expect(String(arange(2000)).includes('...')).toBe(false);
    expect(() => setPrintOptions({ precision: -1 })).toThrow(/precision must be a non-negative integer/);
  });
});
