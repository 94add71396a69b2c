// LR schedules against values derived by hand from their definitions.

import { describe, expect, test } from 'vitest';
import { constant, inverseSqrt, linearWarmup, warmupCosine, warmupLinear } from '../src/schedule.js';

describe('schedules', () => {
  test('constant', () => expect([0, 10, 1e6].map(constant(0.3))).toEqual([0.3, 0.3, 0.3]));
  test('linear warmup reaches the peak at step warmup-1 and stays', () => {
    expect([0, 1, 2, 3, 4, 100].map(linearWarmup({ peak: 2, warmup: 4 }))).toEqual([0.5, 1, 1.5, 2, 2, 2]);
  });
  test('warmup + cosine: half-way is the mean of peak and min; the end is min', () => {
    const s = warmupCosine({ peak: 1, min: 0.1, warmup: 2, total: 12 });
    expect(s(0)).toBeCloseTo(0.5, 12);
    expect(s(1)).toBeCloseTo(1, 12);
    expect(s(2)).toBeCloseTo(1, 12);
    expect(s(7)).toBeCloseTo(0.55, 12); // cos(pi/2) = 0
    expect(s(12)).toBeCloseTo(0.1, 12);
    expect(s(50)).toBeCloseTo(0.1, 12);
    expect(s(4)).toBeCloseTo(0.1 + 0.5 * (1 + Math.cos(Math.PI * 0.2)) * 0.9, 12);
  });
  test('warmup + linear decay', () => {
    const s = warmupLinear({ peak: 1, warmup: 2, total: 6 });
    expect([0, 1, 2, 3, 4, 5, 6, 9].map((k) => Math.round(s(k) * 1e12) / 1e12)).toEqual([0.5, 1, 1, 0.75, 0.5, 0.25, 0, 0]);
  });
  test('Noam: rises as s/warmup^1.5, peaks at warmup, decays as 1/sqrt(s)', () => {
    const s = inverseSqrt({ dModel: 512, warmup: 4000 });
    expect(s(0)).toBeCloseTo(512 ** -0.5 * 4000 ** -1.5, 15);
    expect(s(3999)).toBeCloseTo(512 ** -0.5 * 4000 ** -0.5, 15);
    expect(s(15999)).toBeCloseTo(512 ** -0.5 * 16000 ** -0.5, 15);
    expect(s(3999)).toBeGreaterThan(s(3000));
    expect(s(3999)).toBeGreaterThan(s(5000));
  });
  test('bad arguments are refused', () => {
    expect(() => warmupCosine({ peak: 1, warmup: 10, total: 5 })).toThrow(/total \(5\) must exceed warmup \(10\)/);
    expect(() => constant(-1)).toThrow(/lr must be a finite number >= 0/);
  });
});
