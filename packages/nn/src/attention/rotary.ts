// Rotary position embedding (RoPE, Su et al. 2021, https://arxiv.org/abs/2104.09864), applied to
// queries and keys per head so that q_m . k_n depends only on m - n.

import { ShapeError, type Tensor, ValueError, fromArray, stack } from '@tsgrad/core';
import { Module, type ModuleTarget } from '../module.js';
import { Buffer } from '../parameter.js';
import { refill } from './positional.js';

/** Options of RotaryEmbedding. */
export interface RotaryOptions {
  /** The base of the frequencies theta_i = base^(-2i/d) (10000 in the paper). */
  base?: number;
  /** Positions the cos/sin tables cover. */
  maxSeqLen?: number;
}

function tables(maxSeqLen: number, dim: number, base: number): [Float64Array, Float64Array] {
  const half = dim / 2;
  const cos = new Float64Array(maxSeqLen * half);
  const sin = new Float64Array(maxSeqLen * half);
  for (let m = 0; m < maxSeqLen; m++) {
    for (let i = 0; i < half; i++) {
      const angle = m * Math.pow(base, (-2 * i) / dim); // m theta_i
      cos[m * half + i] = Math.cos(angle);
      sin[m * half + i] = Math.sin(angle);
    }
  }
  return [cos, sin];
}

/**
 * RoPE as in Su et al. 2021, eq. 34: each pair (x_2i, x_2i+1) of a head vector at position m is
 * rotated by the angle m theta_i, theta_i = base^(-2i/d). Pairs are adjacent elements, as in the
 * paper (not the half-split layout of GPT-NeoX). The cos/sin tables are non-persistent buffers.
 *
 * # Shapes
 * - input: (*, T, dim), dim even, offset + T <= maxSeqLen
 * - output: the same
 *
 * @example
 * const rope = new RotaryEmbedding(8);
 * rope.forward(randn([1, 2, 5, 8])).shape; // [1, 2, 5, 8] (B, H, T, D)
 */
export class RotaryEmbedding extends Module {
  /** cos(m theta_i) (maxSeqLen, dim / 2), a non-persistent buffer. */
  cos: Buffer;
  /** sin(m theta_i) (maxSeqLen, dim / 2), a non-persistent buffer. */
  sin: Buffer;
  /** The frequency base. */
  readonly base: number;
  /** Positions the tables cover. */
  readonly maxSeqLen: number;

  /**
   * @param dim - Head dim D (even).
   * @param opts - `base` (default 10000), `maxSeqLen` (default 2048).
   */
  constructor(readonly dim: number, opts: RotaryOptions = {}) {
    super();
    if (!Number.isInteger(dim) || dim <= 0 || dim % 2 !== 0) throw new ValueError('RotaryEmbedding', `dim must be a positive even number, got ${dim}`);
    this.base = opts.base ?? 10000;
    this.maxSeqLen = opts.maxSeqLen ?? 2048;
    const [c, s] = tables(this.maxSeqLen, dim, this.base);
    const shape = [this.maxSeqLen, dim / 2];
    this.cos = new Buffer(fromArray(Float32Array.from(c), shape), false);
    this.sin = new Buffer(fromArray(Float32Array.from(s), shape), false);
  }

  /**
   * Moves or casts like `Module.to`, rebuilding the tables exactly in the new dtype.
   * @param target - A dtype, a device, or both.
   * @returns This module.
   */
  override to(target: ModuleTarget): this {
    super.to(target);
    const [c, s] = tables(this.maxSeqLen, this.dim, this.base); // exact in the new dtype
    refill(this.cos, c, [this.maxSeqLen, this.dim / 2]);
    refill(this.sin, s, [this.maxSeqLen, this.dim / 2]);
    return this;
  }

  /**
   * Rotates positions offset .. offset + T - 1 of x.
   * @param x - Queries or keys (*, T, dim), usually (B, H, T, D).
   * @param offset - Position of x's first row.
   * @returns The rotated tensor, x's shape.
   */
  forward(x: Tensor, offset = 0): Tensor {
    const D = this.dim;
    const T = x.shape[x.ndim - 2];
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== D || T === undefined) throw new ShapeError('RotaryEmbedding', `expected input of shape (*, T, ${D})`, { input: x.shape });
    if (!Number.isInteger(offset) || offset < 0 || offset + T > this.maxSeqLen) {
      throw new ShapeError('RotaryEmbedding', `positions ${offset}..${offset + T - 1} exceed maxSeqLen ${this.maxSeqLen}`, { input: x.shape }, 'build it with a larger maxSeqLen');
    }
    const pairs = x.reshape([...x.shape.slice(0, -1), D / 2, 2]); // (*, T, D/2, 2)
    const x0 = pairs.select(-1, 0); // (*, T, D/2): x_2i
    const x1 = pairs.select(-1, 1); // (*, T, D/2): x_2i+1
    const cos = this.cos.narrow(0, offset, T); // (T, D/2)
    const sin = this.sin.narrow(0, offset, T);
    // [x0'; x1'] = [[cos, -sin], [sin, cos]] [x0; x1]
    const rotated = stack([x0.mul(cos).sub(x1.mul(sin)), x0.mul(sin).add(x1.mul(cos))], -1); // (*, T, D/2, 2)
    return rotated.reshape(x.shape); // (*, T, D)
  }
}
