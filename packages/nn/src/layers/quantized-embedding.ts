// QuantizedEmbedding: an Embedding whose table is int8 with one scale per row (weight-only
// quantisation, as PyTorch's quantized Embedding), and the tied output projection that reads it.

import { DTypeError, type Tensor, isFloat, linear, linearDynamicInt8, quantizeWeightInt8, zeros } from '@tsgrad/core';
import { Module } from '../module.js';
import { Buffer } from '../parameter.js';
import type { Embedding } from './embedding.js';

/**
 * A lookup table with int8 rows, for inference (PyTorch's weight-only quantised Embedding, with a
 * symmetric scale per row): `weight_int8` [num, dim] (int32 holding values in [-127, 127]; files
 * store it as I8) and `weight_scale` [num] float32, so that row i ~ weight_int8[i] * weight_scale[i].
 * A lookup returns the float32 rows. `weight` gives the whole float32 table back (dequantised), for
 * code that reads the table directly; {@link tiedLinear} projects onto it with the int8 kernel.
 * Build one with {@link QuantizedEmbedding.fromFloat} or `quantizeDynamic`.
 *
 * # Shapes
 * - input: (*) int32 ids; output: (*, embeddingDim) float32
 *
 * @example
 * const emb = Embedding.fromPretrained(tensor([[1, -0.5], [0, 2]]));
 * const q = QuantizedEmbedding.fromFloat(emb);
 * q.weight_int8.tolist(); // [[127, -64], [0, 127]]
 * q.forward(tensor([1, 0], { dtype: 'int32' })).tolist(); // [[0, 2], [1, -0.5039370059967041]] (-64 / 127)
 */
export class QuantizedEmbedding extends Module {
  /** int8 rows [numEmbeddings, embeddingDim] (int32 dtype, values in [-127, 127]). */
  weight_int8: Buffer;
  /** One float32 scale per row [numEmbeddings]. */
  weight_scale: Buffer;

  /**
   * An all-zero table (load a state dict or use {@link QuantizedEmbedding.fromFloat}).
   * @param numEmbeddings - Number of rows.
   * @param embeddingDim - Row size.
   */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number) {
    super();
    this.weight_int8 = new Buffer(zeros([numEmbeddings, embeddingDim], { dtype: 'int32' }));
    this.weight_scale = new Buffer(zeros([numEmbeddings]));
  }

  /**
   * Quantises a trained Embedding, one symmetric scale per row (see `quantizeWeightInt8`).
   * @param emb - The float table.
   * @returns The int8 table.
   */
  static fromFloat(emb: Embedding): QuantizedEmbedding {
    const q = new QuantizedEmbedding(emb.numEmbeddings, emb.embeddingDim);
    const { weight, scale } = quantizeWeightInt8(emb.weight);
    q.weight_int8 = new Buffer(weight);
    q.weight_scale = new Buffer(scale);
    q.training = emb.training;
    return q;
  }

  /** The dequantised float32 table, weight_int8 * weight_scale[:, None] (computed on each read). */
  get weight(): Tensor {
    return this.weight_int8.to('float32').mul(this.weight_scale.unsqueeze(1));
  }

  /**
   * Looks up rows.
   * @param input - Integer ids (*), each in [0, numEmbeddings).
   * @returns The float32 rows (*, embeddingDim).
   */
  forward(input: Tensor): Tensor {
    if (isFloat(input.dtype) || input.dtype === 'bool') {
      throw new DTypeError('QuantizedEmbedding', `expected integer ids, got ${input.dtype}`, { input: { shape: input.shape, dtype: input.dtype } }, "cast with .to('int32')");
    }
    const flat = input.reshape([-1]);
    // int32 values times float32 scales promote to float32 in the one multiply: the same bits as
    // converting first (|value| <= 127 is exact in float32), without a pass over the rows
    const rows = this.weight_int8.indexSelect(0, flat).mul(this.weight_scale.indexSelect(0, flat).unsqueeze(1));
    return rows.reshape([...input.shape, this.embeddingDim]);
  }

  /**
   * The summary line.
   * @returns `QuantizedEmbedding(num, dim, dtype=qint8)`.
   */
  override toString(): string {
    return `QuantizedEmbedding(${this.numEmbeddings}, ${this.embeddingDim}, dtype=qint8)`;
  }
}

/**
 * x E^T (+ bias) with a token embedding E as the output projection (a tied LM head): the int8
 * kernel `linearDynamicInt8` for a QuantizedEmbedding, whose per-row scales are exactly the
 * per-output-channel scales the kernel takes, and `linear` for a float Embedding.
 * @param x - Hidden states (*, embeddingDim).
 * @param table - The embedding, float or quantised.
 * @param bias - Optional (numEmbeddings).
 * @returns Logits (*, numEmbeddings).
 * @example
 * const emb = Embedding.fromPretrained(tensor([[1, 0], [0, 1], [1, 1]]));
 * tiedLinear(tensor([[2, 3]]), emb).tolist(); // [[2, 3, 5]]
 * tiedLinear(tensor([[2, 3]]), QuantizedEmbedding.fromFloat(emb)).tolist(); // [[2, 3, 5]] (about)
 */
export function tiedLinear(x: Tensor, table: Embedding | QuantizedEmbedding, bias: Tensor | null = null): Tensor {
  if (table instanceof QuantizedEmbedding) return linearDynamicInt8(x.dtype === 'float32' ? x : x.to('float32'), table.weight_int8, table.weight_scale, bias);
  return linear(x, table.weight, bias);
}
