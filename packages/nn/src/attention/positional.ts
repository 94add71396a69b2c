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
 * @example
 * sinusoidalTable(2, 2); // Float64Array [0, 1, sin(1), cos(1)]
 *
 * # Shapes
 * - output: maxLen * dModel values, row-major (maxLen, dModel)
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
 * @example
 * const pe = new SinusoidalPositionalEncoding(8, 16);
 * pe.forward(zeros([2, 5, 8])).shape; // [2, 5, 8]: rows 0..4 of the table
 *
 * # Shapes
 * - input: (*, T, dModel) with offset + T <= maxLen
 * - output: the same
 */
export class SinusoidalPositionalEncoding extends Module {
  pe: Buffer;

  constructor(readonly dModel: number, readonly maxLen = 5000) {
    super();
    this.pe = new Buffer(fromArray(Float32Array.from(sinusoidalTable(maxLen, dModel)), [maxLen, dModel]), false);
  }

  override to(target: ModuleTarget): this {
    super.to(target);
    const table = sinusoidalTable(this.maxLen, this.dModel); // exact in the new dtype, not a cast of float32 values
    refill(this.pe, table, [this.maxLen, this.dModel]);
    return this;
  }

  /** Rows offset .. offset + T - 1 of the table: (T, dModel). */
  encodings(T: number, offset = 0): Tensor {
    return this.pe.narrow(0, offset, T);
  }

  /** x + PE[offset : offset + T]. */
  forward(x: Tensor, offset = 0): Tensor {
    const T = checkRange('SinusoidalPositionalEncoding', x, offset, this.maxLen, this.dModel);
    return x.add(this.encodings(T, offset)); // (*, T, C) + (T, C)
  }
}

/**
 * Learned absolute position embeddings (GPT-2's `wpe`, BERT's position embeddings): a
 * (numPositions, dim) `weight` whose row p is added at position p; N(0, 1) at first, like Embedding.
 *
 * @example
 * const wpe = new LearnedPositionalEmbedding(16, 8);
 * wpe.forward(zeros([2, 5, 8])).shape; // [2, 5, 8]
 *
 * # Shapes
 * - input: (*, T, dim) with offset + T <= numPositions
 * - output: the same
 */
export class LearnedPositionalEmbedding extends Module {
  weight: Parameter;

  constructor(readonly numPositions: number, readonly dim: number, opts: { dtype?: DType } = {}) {
    super();
    this.weight = new Parameter(zeros([numPositions, dim], { dtype: opts.dtype }));
    normal_(this.weight);
  }

  /** x + weight[offset : offset + T]. */
  forward(x: Tensor, offset = 0): Tensor {
    const T = checkRange('LearnedPositionalEmbedding', x, offset, this.numPositions, this.dim);
    return x.add(this.weight.narrow(0, offset, T)); // (*, T, C) + (T, C)
  }
}

/** @internal Rebuilds a non-persistent buffer from float64 values in its current dtype and device. */
export function refill(b: Buffer, values: Float64Array, shape: number[]): void {
  noGrad(() => b.setData(fromArray(values, shape, { dtype: b.dtype, device: b.device })));
}
