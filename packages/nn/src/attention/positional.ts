// Position information added to token embeddings: the fixed sinusoidal table of Vaswani et al.
// (a non-persistent buffer) and learned absolute position embeddings.

import { type DType, ShapeError, type Tensor, fromArray, noGrad, zeros } from '@tsgrad/core';
import { normal_ } from '../init.js';
import { Module, type ModuleTarget } from '../module.js';
import { Buffer, Parameter } from '../parameter.js';

function checkRange(op: string, x: Tensor, offset: number, max: number, C: number): number {
  const T = x.shape[x.ndim - 2];
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== C || T === undefined) {
    throw new ShapeError(op, `expected input of shape (*, T, ${C})`, { input: x.shape });
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + T > max) {
    throw new ShapeError(op, `positions ${offset}..${offset + T - 1} exceed the ${max} positions of the table`, { input: x.shape },
      'build the module with a larger maximum length, or crop the sequence');
  }
  return T;
}

/**
 * The sinusoidal table of Vaswani et al. 2017, section 3.5, (maxLen, dModel) in float64:
 * PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).
 *
 * # Shapes
 * - output: maxLen * dModel values, row-major (maxLen, dModel)
 *
 * @param maxLen - Number of positions.
 * @param dModel - Model width (even).
 * @returns The table, row-major.
 * @example
 * sinusoidalTable(2, 2); // [0, 1, 0.8415, 0.5403] (about; sin 0, cos 0, sin 1, cos 1)
 */
export function sinusoidalTable(maxLen: number, dModel: number): Float64Array {
  const pe = new Float64Array(maxLen * dModel);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let j = 0; j < dModel; j++) {
      const twoI = j - (j % 2); // 2i for both members of the pair
      const angle = pos / Math.pow(10000, twoI / dModel);
      pe[pos * dModel + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return pe;
}

/**
 * Adds the fixed sinusoidal encoding (Vaswani et al. 2017, section 3.5) to its input. The table
 * `pe` is a non-persistent buffer: it is not in `stateDict()` and is rebuilt, exactly, in the
 * dtype and device given to `to()`.
 *
 * # Shapes
 * - input: (*, T, dModel) with offset + T <= maxLen
 * - output: the same
 *
 * @example
 * const pe = new SinusoidalPositionalEncoding(8, 16);
 * pe.forward(zeros([2, 5, 8])).shape; // [2, 5, 8] (rows 0..4 of the table added)
 * pe.encodings(1, 1).shape; // [1, 8]
 */
export class SinusoidalPositionalEncoding extends Module {
  /** The table (maxLen, dModel), a non-persistent buffer. */
  pe: Buffer;

  /**
   * @param dModel - Model width (even).
   * @param maxLen - Longest sequence (default 5000).
   */
  constructor(readonly dModel: number, readonly maxLen = 5000) {
    super();
    this.pe = new Buffer(fromArray(Float32Array.from(sinusoidalTable(maxLen, dModel)), [maxLen, dModel]), false);
  }

  /**
   * Moves or casts like `Module.to`, rebuilding the table exactly in the new dtype.
   * @param target - A dtype, a device, or both.
   * @returns This module.
   */
  override to(target: ModuleTarget): this {
    super.to(target);
    const table = sinusoidalTable(this.maxLen, this.dModel); // exact in the new dtype, not a cast of float32 values
    refill(this.pe, table, [this.maxLen, this.dModel]);
    return this;
  }

  /**
   * Rows offset .. offset + T - 1 of the table: (T, dModel).
   * @param T - Number of positions.
   * @param offset - First position.
   * @returns The encodings (T, dModel).
   */
  encodings(T: number, offset = 0): Tensor {
    return this.pe.narrow(0, offset, T);
  }

  /**
   * x + PE[offset : offset + T].
   * @param x - Input (*, T, dModel).
   * @param offset - Position of x's first row (for decoding with a cache).
   * @returns x's shape.
   */
  forward(x: Tensor, offset = 0): Tensor {
    const T = checkRange('SinusoidalPositionalEncoding', x, offset, this.maxLen, this.dModel);
    return x.add(this.encodings(T, offset)); // (*, T, C) + (T, C)
  }
}

/**
 * Learned absolute position embeddings (GPT-2's `wpe`, BERT's position embeddings): a
 * (numPositions, dim) `weight` whose row p is added at position p; N(0, 1) at first, like Embedding.
 *
 * # Shapes
 * - input: (*, T, dim) with offset + T <= numPositions
 * - output: the same
 *
 * @example
 * const wpe = new LearnedPositionalEmbedding(16, 8);
 * wpe.forward(zeros([2, 5, 8])).shape; // [2, 5, 8]
 */
export class LearnedPositionalEmbedding extends Module {
  /** The embeddings (numPositions, dim). */
  weight: Parameter;

  /**
   * @param numPositions - Longest sequence.
   * @param dim - Model width.
   * @param opts - `dtype` of the weight.
   */
  constructor(readonly numPositions: number, readonly dim: number, opts: { dtype?: DType } = {}) {
    super();
    this.weight = new Parameter(zeros([numPositions, dim], { dtype: opts.dtype }));
    normal_(this.weight);
  }

  /**
   * x + weight[offset : offset + T].
   * @param x - Input (*, T, dim).
   * @param offset - Position of x's first row.
   * @returns x's shape.
   */
  forward(x: Tensor, offset = 0): Tensor {
    const T = checkRange('LearnedPositionalEmbedding', x, offset, this.numPositions, this.dim);
    return x.add(this.weight.narrow(0, offset, T)); // (*, T, C) + (T, C)
  }
}

/** @internal Rebuilds a non-persistent buffer from float64 values in its current dtype and device. */
export function refill(b: Buffer, values: Float64Array, shape: number[]): void {
  noGrad(() => b.setData(fromArray(values, shape, { dtype: b.dtype, device: b.device })));
}
