// Embedding: a lookup table of vectors by integer id, initialised N(0, 1) with the padding row zeroed.

import { ShapeError, type Tensor, ValueError, embedding, noGrad, zeros } from '@tsgrad/core';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../repr.js';

/** Options of Embedding. */
export interface EmbeddingOptions {
  /** This id's row starts at zero and gets no gradient (negative counts from the end). */
  paddingIdx?: number;
}

/**
 * Vectors looked up by int32 id (torch.nn.Embedding). `weight` [numEmbeddings, embeddingDim]
 * starts as N(0, 1), with the `paddingIdx` row set to 0, as PyTorch's `reset_parameters`.
 *
 * # Shapes
 * - input: (*) int32 ids in [0, numEmbeddings)
 * - output: (*, embeddingDim)
 *
 * @example
 * const emb = new Embedding(10, 4, { paddingIdx: 0 });
 * emb.forward(tensor([[1, 0]], { dtype: 'int32' })).shape; // [1, 2, 4]
 */
export class Embedding extends Module {
  /** The table [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /** The padding row (made non-negative), or undefined. */
  readonly paddingIdx: number | undefined;

  /**
   * @param numEmbeddings - Number of rows (the vocabulary size).
   * @param embeddingDim - Size of each vector.
   * @param opts - `paddingIdx`.
   */
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    const pad = opts.paddingIdx;
    if (pad !== undefined && (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings)) {
      throw new ValueError('Embedding', `paddingIdx must be within numEmbeddings (${numEmbeddings}), got ${pad}`);
    }
    this.paddingIdx = pad === undefined ? undefined : pad < 0 ? pad + numEmbeddings : pad;
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /**
   * An Embedding holding `weights` [V, D] (copied), frozen unless `freeze: false`
   * (torch.nn.Embedding.from_pretrained).
   * @param weights - The table [V, D].
   * @param opts - `freeze` (default true), `paddingIdx`.
   * @returns The Embedding.
   */
  static fromPretrained(weights: Tensor, opts: EmbeddingOptions & { freeze?: boolean } = {}): Embedding {
    if (weights.ndim !== 2) throw new ShapeError('Embedding.fromPretrained', 'embeddings must be 2-D [numEmbeddings, embeddingDim]', { embeddings: weights.shape });
    const e = new Embedding(weights.shape[0]!, weights.shape[1]!, opts);
    e.weight.setData(noGrad(() => weights.to(e.weight.dtype).clone()));
    e.weight.requiresGrad = !(opts.freeze ?? true);
    return e;
  }

  /** Re-draws the weight as PyTorch's Embedding.reset_parameters does: N(0, 1), padding row 0. */
  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== undefined) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  /**
   * Looks the ids up.
   * @param input - int32 ids (*), each in [0, numEmbeddings).
   * @returns The vectors (*, embeddingDim).
   */
  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  /**
   * The settings PyTorch prints for this layer.
   * @returns `V, D` and the padding index when set.
   */
  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === undefined ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}
