// Creation functions, seeded randomness (manualSeed, Generator, RNG state), dropout, and dtype conversion with to().
import { describe, expect, test } from 'vitest';
import {
  arange, dropout, eye, full, Generator, getRngState, linspace, manualSeed, ones, rand, randint, randn, randperm, setRngState, tensor,
  ValueError, zeros,
} from '@tsgrad/core';
import { expectClose } from './close.js';

describe('tensor()', () => {
  test('nested arrays give float32 with the inferred shape; booleans give bool', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect([t.shape, t.dtype, t.tolist()]).toEqual([[2, 3], 'float32', [[1, 2, 3], [4, 5, 6]]]);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[true], [false]]).dtype).toBe('bool');
    expect(tensor([true, 2]).tolist()).toEqual([1, 2]); // mixed: numbers, as torch.tensor([True, 2])
  });

  test('an explicit dtype converts: float to int truncates, non-zero (and NaN) to bool is true', () => {
    expect(tensor([1.7, -1.7, 2.5], { dtype: 'int32' }).tolist()).toEqual([1, -1, 2]);
    expect(tensor([0, 0.5, -2, NaN, 256], { dtype: 'bool' }).tolist()).toEqual([false, true, true, true, true]);
    expect(tensor([0.1], { dtype: 'float64' }).tolist()).toEqual([0.1]);
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).tolist()).toEqual([[1, 2], [3, 4]]);
  });

  test('TypedArrays keep their dtype and are copied', () => {
    const data = new Int32Array([1, 2, 3]);
    const t = tensor(data);
    expect(t.dtype).toBe('int32');
    data[0] = 99;
    expect(t.tolist()).toEqual([1, 2, 3]);
    expect(tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }).dtype).toBe('float64');
    expect(tensor(new Uint8Array([0, 5])).tolist()).toEqual([false, true]);
    expect(tensor(new Int16Array([7]), { dtype: 'int32' }).tolist()).toEqual([7]);
  });

  test('ragged arrays, non-numbers and size mismatches are refused', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ValueError);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(ValueError);
    expect(() => tensor(['a'] as never)).toThrow(ValueError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ValueError);
    expect(() => tensor(new Int16Array([1]))).toThrow(ValueError);
  });
});

describe('fills and ranges', () => {
  test('zeros, ones and full with dtypes', () => {
    expect(zeros([2, 1]).tolist()).toEqual([[0], [0]]);
    expect(ones(3, { dtype: 'int32' }).tolist()).toEqual([1, 1, 1]);
    expect(full([2], 2.5).tolist()).toEqual([2.5, 2.5]);
    expect(full([1], 2.5, { dtype: 'int32' }).tolist()).toEqual([2]);
    expect(full([2], true).dtype).toBe('bool');
    expect(full([1], 5, { dtype: 'bool' }).tolist()).toEqual([true]);
    expect(zeros([]).shape).toEqual([]);
  });

  test('arange: int32 for integer arguments, float32 otherwise; the end is exclusive', () => {
    expect([arange(5).dtype, arange(5).tolist()]).toEqual(['int32', [0, 1, 2, 3, 4]]);
    expect(arange(2, 8, 3).tolist()).toEqual([2, 5]);
    expect(arange(5, 0, -2).tolist()).toEqual([5, 3, 1]);
    expect(arange(0).tolist()).toEqual([]);
    const f = arange(0, 1, 0.25);
    expect([f.dtype, f.tolist()]).toEqual(['float32', [0, 0.25, 0.5, 0.75]]);
    expect(arange(0.5, 3).tolist()).toEqual([0.5, 1.5, 2.5]);
    expect(arange(3, undefined, 1, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => arange(0, 5, -1)).toThrow(ValueError);
    expect(() => arange(0, 5, 0)).toThrow(ValueError);
    expect(() => arange(0, Infinity)).toThrow(ValueError);
  });

  test('linspace includes both ends; eye is the identity', () => {
    expect(linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(-1, 1, 1).tolist()).toEqual([-1]);
    expect(linspace(0, 1, 0).tolist()).toEqual([]);
    expect(linspace(1, 0, 3, { dtype: 'float64' }).tolist()).toEqual([1, 0.5, 0]);
    expect(eye(2).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3, { dtype: 'int32' }).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(() => eye(-1, 2)).toThrow(ValueError);
  });
});

describe('random tensors', () => {
  test('manualSeed makes randn, rand, randint and randperm reproducible', () => {
    const draw = () => [randn([5]).tolist(), rand([5]).tolist(), randint(0, 10, [5]).tolist(), randperm(6).tolist()];
    manualSeed(123);
    const a = draw();
    manualSeed(123);
    expect(draw()).toEqual(a);
    manualSeed(124);
    expect(draw()).not.toEqual(a);
  });

  test('fillUint32 draws exactly the nextUint32 stream and leaves the same state', () => {
    for (const n of [0, 1, 7, 70000]) {
      const [a, b] = [new Generator(42), new Generator(42)];
      a.nextUint32();
      b.nextUint32();
      const bulk = new Uint32Array(n);
      a.fillUint32(bulk);
      const one = Uint32Array.from({ length: n }, () => b.nextUint32());
      expect(bulk).toEqual(one);
      expect(a.random()).toBe(b.random());
    }
  });

  test('dropout masks follow the generator: the kept set is the uniforms >= p', () => {
    const g = new Generator(3);
    const y = dropout(ones([1000]), 0.25, true, { generator: g }).dataSync();
    const h = new Generator(3);
    const want = Array.from({ length: 1000 }, () => (Math.fround(h.random()) >= Math.fround(0.25) ? 1 / 0.75 : 0));
    expect(Array.from(y).map((v) => Math.fround(v))).toEqual(want.map((v) => Math.fround(v)));
  });

  test('a Generator is its own stream, independent of the default one', () => {
    const g = new Generator(7);
    const a = randn([4], { generator: g }).tolist();
    manualSeed(0);
    randn([100]); // drawing from the default generator does not disturb g's stream
    g.manualSeed(7);
    expect(randn([4], { generator: g }).tolist()).toEqual(a);
    expect(new Generator(7).initialSeed()).toBe(7);
  });

  test('getRngState/setRngState round-trips the default generator', () => {
    manualSeed(5);
    randn([3]);
    const state = getRngState();
    const next = rand([4]).tolist();
    rand([10]);
    setRngState(state);
    expect(rand([4]).tolist()).toEqual(next);
  });

  test('ranges and dtypes: rand in [0, 1), randint in [low, high), randperm a permutation', () => {
    manualSeed(1);
    const u = rand([10000]).dataSync();
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const r = randint(-3, 3, [1000]);
    expect(r.dtype).toBe('int32');
    expect(new Set(r.dataSync())).toEqual(new Set([-3, -2, -1, 0, 1, 2]));
    const p = randperm(10);
    expect([...p.dataSync()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(randn([2], { dtype: 'float64' }).dtype).toBe('float64');
  });

  test('randn has mean about 0 and variance about 1 (loose bounds over 20000 samples)', () => {
    manualSeed(2);
    const x = randn([20000], { dtype: 'float64' });
    expect(Math.abs(x.mean().item())).toBeLessThan(0.05);
    expect(Math.abs(x.var().item() - 1)).toBeLessThan(0.05);
  });
});

describe('dropout', () => {
  test('the same seed gives the same mask; survivors are scaled by 1 / (1 - p)', () => {
    manualSeed(9);
    const a = dropout(ones([64]), 0.25).tolist() as number[];
    manualSeed(9);
    expect(dropout(ones([64]), 0.25).tolist()).toEqual(a);
    expect(a.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(a.some((v) => v === 0) && a.some((v) => v !== 0)).toBe(true);
  });

  test('the keep rate is about 1 - p (loose bound), and a Generator gives the same mask as the same seed', () => {
    manualSeed(3);
    const kept = dropout(ones([20000]), 0.3).ne(0).sum().item() / 20000;
    expect(Math.abs(kept - 0.7)).toBeLessThan(0.02);
    const g1 = dropout(ones([16]), 0.5, true, { generator: new Generator(4) }).tolist();
    expect(dropout(ones([16]), 0.5, true, { generator: new Generator(4) }).tolist()).toEqual(g1);
  });

  test('eval mode and p = 0 return the input itself; p = 1 zeroes everything', () => {
    const x = tensor([1, 2, 3]);
    expect(dropout(x, 0.5, false)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(dropout(x, 1).tolist()).toEqual([0, 0, 0]);
  });

  test('the gradient uses the same mask and scale', () => {
    const x = ones([32], { requiresGrad: true });
    manualSeed(11);
    const y = dropout(x, 0.5);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual(y.tolist());
  });
});

describe('to(dtype)', () => {
  test('float to int32 truncates toward zero; to bool maps non-zero (and NaN) to true', () => {
    expect(tensor([1.7, -1.7, 2.5, -0.2]).to('int32').tolist()).toEqual([1, -1, 2, 0]);
    expect(tensor([0, 0.5, -1, NaN]).to('bool').tolist()).toEqual([false, true, true, true]);
    expect(tensor([3, 0], { dtype: 'int32' }).to('bool').tolist()).toEqual([true, false]);
  });

  test('int and bool widen exactly; float64 to float32 rounds; the same dtype returns the tensor', () => {
    expect(tensor([true, false]).to('int32').tolist()).toEqual([1, 0]);
    expect(tensor([16777217], { dtype: 'int32' }).to('float64').tolist()).toEqual([16777217]);
    expectClose(tensor([0.1], { dtype: 'float64' }).to('float32'), [Math.fround(0.1)], 0);
    const x = tensor([1]);
    expect(x.to('float32')).toBe(x);
    expect(x.to({ dtype: 'float64' }).dtype).toBe('float64');
  });
});
