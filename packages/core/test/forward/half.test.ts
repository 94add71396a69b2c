// float16 and bfloat16 storage: bit patterns from IEEE 754 binary16 and bfloat16 worked out by
// hand, round-to-nearest-even at the halfway points, NaN/Inf/overflow/subnormals, conversions,
// float32 compute rounded back, promotion as torch.promote_types, and gradients through casts.
import { describe, expect, test } from 'vitest';
import {
  fromBfloat16Bits, fromFloat16Bits, halfBits, promoteTypes, tensor, toBfloat16Bits, toFloat16Bits, zeros, ones, arange, full,
} from '@tsgrad/core';

describe('bit conversions', () => {
  test('float16: exact values, rounding to nearest even, overflow, subnormals, NaN', () => {
    expect([1, -2, 0.5, 65504, -0].map(toFloat16Bits)).toEqual([0x3c00, 0xc000, 0x3800, 0x7bff, 0x8000]);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa (1); 1 + 3 * 2^-11 rounds up to 1 + 2^-9
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(toFloat16Bits(65520)).toBe(0x7c00); // halfway to 65536 rounds to infinity
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(toFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(toFloat16Bits(Infinity)).toBe(0x7c00);
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
    expect(fromFloat16Bits(0x3555)).toBe(0.333251953125);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
  });

  test('bfloat16: the top 16 bits of float32, rounded to nearest even', () => {
    expect([1, -2, 3].map(toBfloat16Bits)).toEqual([0x3f80, 0xc000, 0x4040]);
    expect(toBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // halfway: even
    expect(toBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(fromBfloat16Bits(0x7f80)).toBe(Infinity);
    expect(Number.isNaN(fromBfloat16Bits(toBfloat16Bits(NaN)))).toBe(true);
    expect(fromBfloat16Bits(toBfloat16Bits(3.4e38))).toBe(Infinity); // past the largest bfloat16, rounds to infinity
  });
});

describe('half-precision tensors', () => {
  test('to() converts both ways; reads give float32 values; halfBits gives the stored bits', () => {
    const h = tensor([1, 1 / 3, 70000, -0.1]).to('float16');
    expect(h.dtype).toBe('float16');
    expect(h.tolist()).toEqual([1, 0.333251953125, Infinity, fromFloat16Bits(toFloat16Bits(-0.1))]);
    expect(h.dataSync()).toBeInstanceOf(Float32Array);
    expect(Array.from(halfBits(h.slice(0, 0, 2)))).toEqual([0x3c00, 0x3555]);
    expect(h.to('float32').dtype).toBe('float32');
    expect(tensor([2.7, -2.7]).to('bfloat16').to('int32').tolist()).toEqual([2, -2]);
    expect(tensor([1.5], { dtype: 'bfloat16' }).tolist()).toEqual([1.5]);
    expect(zeros([2], { dtype: 'float16' }).tolist()).toEqual([0, 0]);
    expect(full([2], 0.1, { dtype: 'bfloat16' }).tolist()).toEqual([fromBfloat16Bits(toBfloat16Bits(0.1)), fromBfloat16Bits(toBfloat16Bits(0.1))]);
    expect(arange(3, undefined, 1, { dtype: 'float16' }).tolist()).toEqual([0, 1, 2]);
  });

  test('ops compute in float32 and round the result to the half dtype', () => {
    const a = tensor([1, 2048]).to('float16');
    // 2048 + 1 = 2049 is not a float16 (spacing 2 there): it rounds to even, 2048
    expect(a.add(1).tolist()).toEqual([2, 2048]);
    expect(a.add(1).dtype).toBe('float16');
    const m = tensor([[1, 2], [3, 4]]).to('bfloat16');
    expect(m.matmul(m).tolist()).toEqual([[7, 10], [15, 22]]);
    expect(m.matmul(m).dtype).toBe('bfloat16');
    expect(m.sum().dtype).toBe('bfloat16');
    expect(m.softmax(-1).dtype).toBe('bfloat16');
    expect(a.mul(tensor([2, 2])).dtype).toBe('float32'); // float16 with float32 promotes
    expect(String(a)).toBe('tensor([1.0000e+00, 2.0480e+03], dtype=float16)'); // range over 1000: scientific, as PyTorch
  });

  test('promotion follows torch.promote_types', () => {
    expect(promoteTypes('float16', 'bfloat16')).toBe('float32');
    expect(promoteTypes('int32', 'float16')).toBe('float16');
    expect(promoteTypes('float16', 'float64')).toBe('float64');
  });

  test('gradients flow to half leaves through the float32 compute', () => {
    const x = tensor([1, 2, 3]).to('float16').requiresGrad_();
    x.square().sum().backward();
    expect(x.grad!.dtype).toBe('float16');
    expect(x.grad!.tolist()).toEqual([2, 4, 6]);
    const w = ones([2, 2], { dtype: 'bfloat16', requiresGrad: true });
    w.matmul(tensor([[1], [2]]).to('bfloat16')).sum().backward();
    expect(w.grad!.tolist()).toEqual([[1, 2], [1, 2]]);
  });
});
