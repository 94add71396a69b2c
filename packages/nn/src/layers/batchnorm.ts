// BatchNorm1d and BatchNorm2d (torch.nn.BatchNorm1d/2d): batchNorm with a learned per-channel
// scale and shift and running statistics kept in buffers, under PyTorch's state-dict keys
// (`weight`, `bias`, `running_mean`, `running_var`, `num_batches_tracked`).

import { type Tensor, ShapeError, batchNorm, noGrad, ones, tensor, zeros } from '@tsgrad/core';
import { Module } from '../module.js';
import { Buffer, Parameter } from '../parameter.js';

/** Options of BatchNorm1d and BatchNorm2d (PyTorch's defaults). */
export interface BatchNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running averages (default 0.1); null: a cumulative average. */
  momentum?: number | null;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them batch statistics are always used. */
  trackRunningStats?: boolean;
}

abstract class BatchNormBase extends Module {
  /** C, the number of channels. */
  readonly numFeatures: number;
  /** Per-channel scale (starts at 1), or null without affine. */
  weight: Parameter | null;
  /** Per-channel shift (starts at 0), or null without affine. */
  bias: Parameter | null;
  /** Running mean per channel (starts at 0), or null without tracking. */
  running_mean: Buffer | null;
  /** Running (unbiased) variance per channel (starts at 1), or null without tracking. */
  running_var: Buffer | null;
  /** Number of training batches seen (int32, 0-d), or null without tracking. */
  num_batches_tracked: Buffer | null;
  /** Added to the variance. */
  readonly eps: number;
  /** Weight of each batch in the running averages; null: cumulative average. */
  readonly momentum: number | null;

  constructor(private readonly kind: string, private readonly ranks: readonly number[], numFeatures: number, opts: BatchNormOptions) {
    super();
    this.numFeatures = numFeatures;
    const { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true } = opts;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? new Parameter(ones([numFeatures])) : null;
    this.bias = affine ? new Parameter(zeros([numFeatures])) : null;
    this.running_mean = trackRunningStats ? new Buffer(zeros([numFeatures])) : null;
    this.running_var = trackRunningStats ? new Buffer(ones([numFeatures])) : null;
    this.num_batches_tracked = trackRunningStats ? new Buffer(tensor(0, { dtype: 'int32' })) : null;
  }

  /** Sets the running statistics back to mean 0, variance 1 and no batches seen. */
  resetRunningStats(): void {
    noGrad(() => {
      this.running_mean?.fill_(0);
      this.running_var?.fill_(1);
      this.num_batches_tracked?.fill_(0);
    });
  }

  protected normalizeInput(x: Tensor): Tensor {
    if (!this.ranks.includes(x.ndim)) {
      throw new ShapeError(this.kind, `expected ${this.ranks.map((r) => `${r}-d`).join(' or ')} input, got ${x.ndim}-d`, { input: x.shape });
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(this.kind, `expected ${this.numFeatures} channels (dim 1), got ${x.shape[1]}`, { input: x.shape });
    }
    const tracking = this.running_mean !== null && this.running_var !== null;
    if (this.training && this.num_batches_tracked) noGrad(() => this.num_batches_tracked!.add_(1));
    if (this.training && tracking && this.momentum === null) {
      this.cumulativeUpdate(x);
      return batchNorm(x, null, null, this.weight, this.bias, true, 0, this.eps);
    }
    // batch statistics while training, or always when there are no running statistics (PyTorch)
    const useBatch = this.training || !tracking;
    const stats = !this.training || tracking;
    return batchNorm(x, stats ? this.running_mean : null, stats ? this.running_var : null, this.weight, this.bias, useBatch, this.momentum ?? 0, this.eps);
  }

  // momentum null: running += (batch statistic - running) / batches seen, computed on the device
  // (the count stays a tensor, so no synchronous read of a device buffer)
  private cumulativeUpdate(x: Tensor): void {
    const c = this.numFeatures;
    const dims = x.shape.map((_, d) => d).filter((d) => d !== 1);
    const count = x.numel() / Math.max(c, 1);
    if (count <= 1) return; // batchNorm reports this case
    noGrad(() => {
      const xd = x.detach();
      const mean = xd.mean(dims, true);
      const unbiased = xd.sub(mean).square().sum(dims).div(count - 1);
      const factor = this.num_batches_tracked ? this.num_batches_tracked.to(x.dtype).reciprocal() : 1;
      this.running_mean!.add_(mean.reshape([c]).sub(this.running_mean!).mul(factor));
      this.running_var!.add_(unbiased.sub(this.running_var!).mul(factor));
    });
  }
}

/**
 * Batch normalisation over (N, C) or (N, C, L) input (torch.nn.BatchNorm1d; Ioffe & Szegedy,
 * https://arxiv.org/abs/1502.03167): per channel, (x - mean) / sqrt(var + eps) * weight + bias with
 * the batch's statistics while training (which also update the running ones) and the running
 * statistics in `eval()` mode. State-dict keys are PyTorch's.
 *
 * # Shapes
 * - input: (N, C) or (N, C, L)
 * - output: the same
 *
 * @example
 * const bn = new BatchNorm1d(3);
 * bn.forward(randn([4, 3])).shape; // [4, 3]
 * Object.keys(bn.stateDict()); // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 * bn.num_batches_tracked!.item(); // 1
 */
export class BatchNorm1d extends BatchNormBase {
  /**
   * @param numFeatures - C, the number of channels.
   * @param opts - `eps`, `momentum`, `affine`, `trackRunningStats`.
   */
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm1d', [2, 3], numFeatures, opts);
  }

  /**
   * Normalises `x` per channel.
   * @param x - (N, C) or (N, C, L).
   * @returns The normalised tensor, x's shape.
   */
  forward(x: Tensor): Tensor {
    return this.normalizeInput(x);
  }
}

/**
 * Batch normalisation over (N, C, H, W) input (torch.nn.BatchNorm2d): per channel over the batch
 * and both spatial dims, as {@link BatchNorm1d}. State-dict keys are PyTorch's, so a ResNet's
 * batch-norm weights and running statistics load unchanged.
 *
 * # Shapes
 * - input: (N, C, H, W)
 * - output: the same
 *
 * @example
 * const bn = new BatchNorm2d(2).eval(); // running statistics: mean 0, variance 1
 * bn.forward(ones([1, 2, 2, 2])).sum().item(); // 7.99996 (about: 8 / sqrt(1 + 1e-5))
 */
export class BatchNorm2d extends BatchNormBase {
  /**
   * @param numFeatures - C, the number of channels.
   * @param opts - `eps`, `momentum`, `affine`, `trackRunningStats`.
   */
  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super('BatchNorm2d', [4], numFeatures, opts);
  }

  /**
   * Normalises `x` per channel.
   * @param x - (N, C, H, W).
   * @returns The normalised tensor, x's shape.
   */
  forward(x: Tensor): Tensor {
    return this.normalizeInput(x);
  }
}
