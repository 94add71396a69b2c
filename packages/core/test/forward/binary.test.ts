// Binary elementwise ops: broadcasting, weak JS scalars, the dtype promotion table, div/pow/where edge cases.
import { describe, expect, test } from 'vitest';
import { add, div, DTypeError, DTYPES, maskedFill, maximum, minimum, mul, pow, promoteTypes, sub, tensor, where, zeros, type DType, type NestedArray } from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });
const i32 = (d: NestedArray) => tensor(d, { dtype: 'int32' });

describe('broadcasting', () => {
  test('a column plus a row gives the outer sum', () => {
    const out = add(tensor([[1], [2]]), tensor([10, 20, 30]));
    expect(out.shape).toEqual([2, 3]);
    expect(out.tolist()).toEqual([[11, 21, 31], [12, 22, 32]]);
  });

  test('rank-3 against rank-2, and a 0-d tensor against anything', () => {
    const a = tensor([[[1, 2, 3]], [[4, 5, 6]]]); // [2, 1, 3]
    const b = tensor([[1], [10]]); // [2, 1]
    const out = mul(a, b);
    expect(out.shape).toEqual([2, 2, 3]);
    expect(out.tolist()).toEqual([[[1, 2, 3], [10, 20, 30]], [[4, 5, 6], [40, 50, 60]]]);
    expect(sub(tensor(5), tensor([[1, 2]])).tolist()).toEqual([[4, 3]]);
  });

  test('a size-0 dim broadcasts against size 1', () => {
    expect(add(zeros([0, 3]), tensor([[1, 2, 3]])).shape).toEqual([0, 3]);
  });

  test('a broadcast (expanded, stride-0) operand is read correctly', () => {
    const a = tensor([[1, 2]]).expand([3, 2]);
    expect(add(a, tensor([[0], [10], [20]])).tolist()).toEqual([[1, 2], [11, 12], [21, 22]]);
  });

  test('alpha scales the second operand: a + alpha b and a - alpha b', () => {
    expect(add(tensor([1, 2]), tensor([3, 4]), { alpha: 2 }).tolist()).toEqual([7, 10]);
    expect(sub(tensor([5, 5]), tensor([1, 2]), { alpha: 2 }).tolist()).toEqual([3, 1]);
    const i = add(i32([1]), 2, { alpha: 3 });
    expect([i.dtype, i.tolist()]).toEqual(['int32', [7]]);
  });
});

describe('dtype promotion', () => {
  test('tensor-tensor: the lattice bool < int32 < float16, bfloat16 < float32 < float64', () => {
    const rank: Record<DType, number> = { bool: 0, int32: 1, float16: 2, bfloat16: 2, float32: 3, float64: 4 };
    for (const a of DTYPES) {
      for (const b of DTYPES) {
        const want = a !== b && rank[a] === rank[b] ? 'float32' : rank[a] >= rank[b] ? a : b; // float16 with bfloat16: float32
        expect(promoteTypes(a, b)).toBe(want);
        if (a !== 'bool' || b !== 'bool') expect(mul(zeros([1], { dtype: a }), zeros([1], { dtype: b })).dtype, `${a} * ${b}`).toBe(want);
      }
    }
  });

  test('weak JS scalars adopt the tensor dtype within its category', () => {
    const h = mul(i32([1, 3]), 0.5);
    expect([h.dtype, h.tolist()]).toEqual(['float32', [0.5, 1.5]]);
    const d = add(f64([0.1]), 1);
    expect(d.dtype).toBe('float64');
    expect(d.tolist()).toEqual([0.1 + 1]); // computed in float64: exactly JS's 1.1
    const b = add(tensor([true, false]), 2);
    expect([b.dtype, b.tolist()]).toEqual(['int32', [3, 2]]);
    expect(add(tensor([true]), true).dtype).toBe('bool');
    expect(add(i32([1]), 2).dtype).toBe('int32');
    expect(mul(tensor([3]), 0.1).tolist()).toEqual([Math.fround(3 * Math.fround(0.1))]); // float32 stays float32
  });

  test('int32 arithmetic wraps like int32', () => {
    expect(add(i32([2147483647]), 1).tolist()).toEqual([-2147483648]);
    expect(mul(i32([65536, 46341]), i32([65536, 46341])).tolist()).toEqual([0, Math.imul(46341, 46341)]);
  });
});

describe('div', () => {
  test('true division: integers give float32, x/0 gives inf or NaN', () => {
    const q = div(i32([1, 2]), i32([2, 2]));
    expect([q.dtype, q.tolist()]).toEqual(['float32', [0.5, 1]]);
    expectClose(div(tensor([1, -1, 0]), 0), [Infinity, -Infinity, NaN]);
  });

  test("roundingMode 'trunc' rounds toward zero and 'floor' toward -inf", () => {
    const a = tensor([7, -7, 7, -7]);
    const b = tensor([2, 2, -2, -2]);
    expect(div(a, b, { roundingMode: 'trunc' }).tolist()).toEqual([3, -3, -3, 3]);
    expect(div(a, b, { roundingMode: 'floor' }).tolist()).toEqual([3, -4, -4, 3]);
    expectClose(div(tensor([7.5]), 2, { roundingMode: 'floor' }), [3]);
  });

  test('integer floor/trunc division keeps int32 and is exact past 2^24', () => {
    const q = div(i32([16777217, 2147483647, -7]), i32([1, 2, 2]), { roundingMode: 'floor' });
    expect([q.dtype, q.tolist()]).toEqual(['int32', [16777217, 1073741823, -4]]);
    expect(div(i32([-7]), 2, { roundingMode: 'trunc' }).tolist()).toEqual([-3]);
  });
});

describe('pow', () => {
  test('tensor ^ scalar, scalar ^ tensor, tensor ^ tensor with broadcasting', () => {
    expect(pow(tensor([2, 3]), 2).tolist()).toEqual([4, 9]);
    expect(pow(2, tensor([0, 1, 3])).tolist()).toEqual([1, 2, 8]);
    expect(pow(tensor([[2], [3]]), tensor([1, 2])).tolist()).toEqual([[2, 4], [3, 9]]);
    expectClose(pow(f64([4, -8, 0]), 0.5), [2, NaN, 0], 1e-15); // a negative base to a fractional power is NaN
    expectClose(pow(f64([0, 2]), -1), [Infinity, 0.5], 1e-15);
  });

  test('integer base: int exponent stays int32, fractional exponent gives float32', () => {
    const p = pow(i32([2, 3]), 3);
    expect([p.dtype, p.tolist()]).toEqual(['int32', [8, 27]]);
    expect(pow(i32([4]), 0.5).dtype).toBe('float32');
  });
});

describe('maximum and minimum', () => {
  test('elementwise with broadcasting; NaN on either side propagates', () => {
    expect(maximum(tensor([1, 5]), tensor([3, 2])).tolist()).toEqual([3, 5]);
    expect(minimum(tensor([[1], [4]]), tensor([2, 3])).tolist()).toEqual([[1, 1], [2, 3]]);
    expectClose(maximum(tensor([NaN, 1]), tensor([0, NaN])), [NaN, NaN]);
    expectClose(minimum(tensor([NaN, 1]), 0), [NaN, 0]);
  });
});

describe('where and maskedFill', () => {
  const c = tensor([true, false, true]);

  test('where picks input where true, other where false, broadcasting all three', () => {
    expect(where(c, tensor([1, 2, 3]), tensor([10, 20, 30])).tolist()).toEqual([1, 20, 3]);
    const out = where(tensor([[true], [false]]), tensor([1, 2]), 0);
    expect(out.tolist()).toEqual([[1, 2], [0, 0]]);
  });

  test('where dtypes: two int scalars give int32, int tensor with a float scalar gives float32', () => {
    expect(where(c, 1, 0).dtype).toBe('int32');
    expect(where(c, 1.5, 0).dtype).toBe('float32');
    const m = where(c, i32([1, 2, 3]), 0.5);
    expect([m.dtype, m.tolist()]).toEqual(['float32', [1, 0.5, 3]]);
    expect(where(c, f64([1, 2, 3]), 0).dtype).toBe('float64');
    expect(() => where(true as never, 1, 0)).toThrow(DTypeError);
  });

  test('maskedFill writes the value where the mask is true and keeps the dtype', () => {
    expectClose(maskedFill(tensor([1, 2, 3]), c, -Infinity), [-Infinity, 2, -Infinity]);
    const m = maskedFill(i32([[1, 2], [3, 4]]), tensor([true, false]), 7); // mask broadcasts over rows
    expect([m.dtype, m.tolist()]).toEqual(['int32', [[7, 2], [7, 4]]]);
    expect(maskedFill(tensor([1, 2]), tensor([false, true]), tensor(9)).tolist()).toEqual([1, 9]);
  });
});
