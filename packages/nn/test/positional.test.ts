// Positional encodings: the sinusoidal table of Vaswani et al. section 3.5 (a non-persistent buffer),
// learned position embeddings, and RoPE (Su et al. 2021) with its relative-position property.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { tensor, zeros } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import { GPTModel, LearnedPositionalEmbedding, RotaryEmbedding, SinusoidalPositionalEncoding, sinusoidalTable } from '@tsgrad/nn';

describe('sinusoidal positional encoding', () => {
  test('PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)), exactly in float64', () => {
    const d = 6;
    const pe = new SinusoidalPositionalEncoding(d, 50).to('float64');
    const table = pe.encodings(50).tolist() as number[][];
    for (let pos = 0; pos < 50; pos++) {
      for (let i = 0; i < d / 2; i++) {
        const angle = pos / 10000 ** ((2 * i) / d);
        expect(table[pos]![2 * i]).toBe(Math.sin(angle));
        expect(table[pos]![2 * i + 1]).toBe(Math.cos(angle));
      }
    }
    // by hand: position 0 is [0, 1, 0, 1, ...]; position 1, pair 1 (d = 6): sin(1 / 10000^(1/3)) = sin(0.0464158...)
    expect(table[0]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(table[1]![2]).toBeCloseTo(Math.sin(0.046415888336127795), 15);
  });

  test('to(float64) on a parent model rebuilds the table exactly (not a cast of float32 values)', () => {
    const body = new GPTModel({ vocabSize: 5, blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 4, positional: 'sinusoidal' }).to('float64');
    expect(Array.from(body.pe!.pe.dataSync())).toEqual(Array.from(sinusoidalTable(6, 4)));
    const rope = new GPTModel({ vocabSize: 5, blockSize: 6, nLayer: 1, nHead: 1, nEmbd: 4, positional: 'rope' }).to('float64');
    expect(rope.rotary!.cos.select(0, 5).tolist()).toEqual([Math.cos(5), Math.cos(5 * 0.01)]);
  });

  test('an odd dModel ends with a sine column', () => {
    const t = new SinusoidalPositionalEncoding(3, 4).to('float64').encodings(4, 0).tolist() as number[][];
    expect(t[2]![2]).toBe(Math.sin(2 / 10000 ** (2 / 3)));
  });

  test('a non-persistent buffer: not in stateDict, listed in buffers, float32 by default', () => {
    const pe = new SinusoidalPositionalEncoding(8, 16);
    expect(Object.keys(pe.stateDict())).toEqual([]);
    expect(pe.namedBuffers().map(([n, b]) => [n, b.persistent, [...b.shape]])).toEqual([['pe', false, [16, 8]]]);
    expect(pe.pe.dtype).toBe('float32');
    expect(pe.parameters()).toEqual([]);
  });

  test('forward adds rows offset .. offset + T - 1', () => {
    const pe = new SinusoidalPositionalEncoding(4, 10).to('float64');
    const x = zeros([2, 3, 4], { dtype: 'float64' });
    const y = pe.forward(x, 5);
    assertClose(y.select(0, 1), pe.encodings(3, 5), { rtol: 0 });
    expect(() => pe.forward(zeros([1, 6, 4], { dtype: 'float64' }), 5)).toThrow(/positions 5\.\.10 exceed the 10 positions/);
  });
});

describe('learned positional embedding', () => {
  test('adds weight rows by position; key `weight`; only used rows get gradient', () => {
    const wpe = new LearnedPositionalEmbedding(5, 2);
    wpe.loadStateDict({ weight: tensor([[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]) });
    expect(Object.keys(wpe.stateDict())).toEqual(['weight']);
    const y = wpe.forward(tensor([[[1, 1], [1, 1]]]), 2);
    expect(y.tolist()).toEqual([[[5, 6], [7, 8]]]);
    y.sum().backward();
    expect(wpe.weight.grad!.tolist()).toEqual([[0, 0], [0, 0], [1, 1], [1, 1], [0, 0]]);
  });
});

describe('rotary position embedding', () => {
  test('rotates each adjacent pair (x_2i, x_2i+1) by m * theta_i, theta_i = 10000^(-2i/d)', () => {
    const rope = new RotaryEmbedding(4).to('float64');
    // x at position m = 2: pair 0 = (1, 0) turns by 2 rad; pair 1 = (0, 1) turns by 2 * 10000^(-1/2) = 0.02 rad
    const x = tensor([[[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1]]], { dtype: 'float64' }); // (1, T=3, D=4)
    const y = rope.forward(x).select(1, 2);
    assertClose(y, [Math.cos(2), Math.sin(2), -Math.sin(0.02), Math.cos(0.02)], { rtol: 1e-14, atol: 1e-15 });
    // an offset shifts the positions: the same vector alone at offset 2 gets the same rotation
    assertClose(rope.forward(x.narrow(1, 2, 1), 2).select(1, 0), y, { rtol: 1e-14, atol: 1e-15 });
    expect(Object.keys(rope.stateDict())).toEqual([]);
    expect(() => new RotaryEmbedding(3)).toThrow(/positive even number/);
  });

  test('<R(m) q, R(n) k> depends only on m - n, and rotations keep the norm', () => {
    const D = 8;
    const rope = new RotaryEmbedding(D, { maxSeqLen: 64 }).to('float64');
    const vec = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: D, maxLength: D });
    const pos = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(vec, vec, pos, pos, fc.integer({ min: 0, max: 20 }), (q, k, m, n, s) => {
        const at = (v: number[], p: number) => rope.forward(tensor([v], { dtype: 'float64' }), p).select(0, 0);
        const dot = (m1: number, n1: number) => at(q, m1).mul(at(k, n1)).sum().item();
        const base = dot(m, n);
        const shifted = dot(m + s, n + s);
        expect(Math.abs(base - shifted)).toBeLessThan(1e-10 * (1 + Math.abs(base)));
        const norm = (v: number[]) => Math.hypot(...v);
        expect(at(q, m).square().sum().sqrt().item()).toBeCloseTo(norm(q), 10);
      }),
      { seed: 7, numRuns: 60 },
    );
  });
});
