// multinomial and bernoulli: exact outcomes where the distribution leaves no choice, frequencies
// within 5 standard errors of the probabilities worked out by hand, PyTorch's errors, seeding.
import { afterAll, describe, expect, test } from 'vitest';
import { bernoulli, DTypeError, Generator, multinomial, ones, setBackend, shutdownBackend, tensor, ValueError, zeros } from '@tsgrad/core';

const freq = (xs: number[], k: number) => Array.from({ length: k }, (_, i) => xs.filter((x) => x === i).length / xs.length);
const within = (p: number, f: number, n: number) => Math.abs(f - p) <= 5 * Math.sqrt((p * (1 - p)) / n) + 1e-12;

describe('multinomial', () => {
  test("PyTorch's documented example: weights [0, 10, 3, 0]", () => {
    const w = tensor([0, 10, 3, 0]);
    const g = new Generator(0);
    // without replacement, the two non-zero categories are both drawn
    expect((multinomial(w, 2, false, { generator: g }).tolist() as number[]).sort()).toEqual([1, 2]);
    const draws = multinomial(w, 4, true, { generator: g }).tolist() as number[];
    expect(draws.every((d) => d === 1 || d === 2)).toBe(true);
    expect(() => multinomial(w, 5)).toThrow(/cannot sample n_sample > prob_dist.size\(-1\) samples without replacement/);
    expect(() => multinomial(w, 3)).toThrow(/not enough non-zero categories/);
  });

  test('with replacement, frequencies match w / sum(w)', () => {
    const n = 20000;
    const d = multinomial(tensor([1, 2, 3, 4]), n, true, { generator: new Generator(7) }).tolist() as number[];
    freq(d, 4).forEach((f, i) => expect(within((i + 1) / 10, f, n), `category ${i}: ${f}`).toBe(true));
  });

  test('without replacement, ordered pairs follow sequential drawing', () => {
    // weights [1, 2, 3]: P(first 2, then 1) = 3/6 * 2/3 = 1/3; P(0 then 1) = 1/6 * 2/5 = 1/15
    const n = 6000;
    const rows = multinomial(ones([n, 1]).mul(tensor([1, 2, 3])), 2, false, { generator: new Generator(3) }).tolist() as number[][];
    const pairs = rows.map(([a, b]) => a! * 3 + b!);
    expect(within(1 / 3, pairs.filter((p) => p === 2 * 3 + 1).length / n, n)).toBe(true);
    expect(within(1 / 15, pairs.filter((p) => p === 0 * 3 + 1).length / n, n)).toBe(true);
    expect(rows.every(([a, b]) => a !== b)).toBe(true);
  });

  test('rows are independent distributions; the same generator seed repeats the draws', () => {
    expect(multinomial(tensor([[0, 1], [1, 0]]), 3, true).tolist()).toEqual([[1, 1, 1], [0, 0, 0]]);
    const a = multinomial(tensor([1, 1, 1, 1]), 4, false, { generator: new Generator(5) }).tolist();
    expect(multinomial(tensor([1, 1, 1, 1]), 4, false, { generator: new Generator(5) }).tolist()).toEqual(a);
  });

  test('bad weights and arguments are refused as PyTorch does', () => {
    expect(() => multinomial(tensor([1, -1]), 1)).toThrow(/inf, nan or element < 0/);
    expect(() => multinomial(tensor([1, NaN]), 1)).toThrow(ValueError);
    expect(() => multinomial(tensor([0, 0]), 1, true)).toThrow(/sum of probabilities <= 0/);
    expect(() => multinomial(tensor([1, 2]), 0)).toThrow(/n_sample <= 0/);
    expect(() => multinomial(zeros([1, 1, 2]), 1)).toThrow(/1 or 2 dim/);
    expect(() => multinomial(tensor([1, 2], { dtype: 'int32' }), 1)).toThrow(DTypeError);
  });
});

describe('bernoulli', () => {
  test('probabilities 0 and 1 are certain; the dtype is the input\'s', () => {
    expect(bernoulli(tensor([0, 1, 0, 1])).tolist()).toEqual([0, 1, 0, 1]);
    expect(bernoulli(zeros([2, 2], { dtype: 'float64' }), 1).dtype).toBe('float64');
    expect(bernoulli(zeros([2, 2]), 1).tolist()).toEqual([[1, 1], [1, 1]]);
  });

  test('frequency matches p; a seed repeats the draws; bernoulli_ fills in place', () => {
    const n = 20000;
    const d = bernoulli(zeros([n]), 0.3, { generator: new Generator(11) });
    expect(within(0.3, d.mean().item(), n)).toBe(true);
    expect(bernoulli(zeros([50]), 0.3, { generator: new Generator(11) }).tolist()).toEqual(d.slice(0, 0, 50).tolist());
    const x = zeros([n], { dtype: 'int32' });
    expect(x.bernoulli_(0.75, { generator: new Generator(2) })).toBe(x);
    expect(within(0.75, x.to('float32').mean().item(), n)).toBe(true);
    expect(() => bernoulli(zeros(2), 1.5)).toThrow(/expects p to be in \[0, 1\], but got p=1.5/);
    expect(() => bernoulli(tensor([0.5, 2]))).toThrow(/in \[0, 1\], got 2/);
  });
});

describe('on the gpu backend (gpu.js cpu mode)', () => {
  afterAll(() => shutdownBackend());
  test('the same seed draws the same samples as on the CPU', async () => {
    await setBackend('gpu', { mode: 'cpu' });
    const w = tensor([[1, 2, 3, 4], [4, 3, 2, 1]]);
    const cpu = multinomial(w, 3, false, { generator: new Generator(9) }).tolist();
    const gpu = await multinomial(w.to('gpu'), 3, false, { generator: new Generator(9) }).data();
    expect(Array.from(gpu)).toEqual((cpu as number[][]).flat());
    const cpuR = multinomial(w, 5, true, { generator: new Generator(9) }).tolist();
    expect(Array.from(await multinomial(w.to('gpu'), 5, true, { generator: new Generator(9) }).data())).toEqual((cpuR as number[][]).flat());
    const b = bernoulli(zeros([8]), 0.5, { generator: new Generator(4) }).tolist();
    expect(Array.from(await bernoulli(zeros([8]).to('gpu'), 0.5, { generator: new Generator(4) }).data())).toEqual(b);
  });
});
