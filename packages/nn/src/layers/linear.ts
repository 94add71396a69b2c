// Linear (y = x W^T + b) and Identity, initialised as torch.nn.Linear.reset_parameters.

import { ShapeError, type Tensor, linear, zeros } from '@tsgrad/core';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../repr.js';

/** Options of Linear. */
export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * A fully connected layer, y = x W^T + b (torch.nn.Linear). `weight` [out, in] starts as
 * kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)), and `bias` [out] as
 * U(-1/sqrt(in), 1/sqrt(in)), exactly as PyTorch's `reset_parameters`.
 *
 * # Shapes
 * - input: (*, inFeatures)
 * - output: (*, outFeatures)
 *
 * @example
 * const lin = new Linear(4, 2);
 * lin.forward(ones([3, 4])).shape; // [3, 2]
 * Object.keys(lin.stateDict());    // ['weight', 'bias']
 */
export class Linear extends Module {
  /** The weight W [outFeatures, inFeatures]. */
  weight: Parameter;
  /** The bias b [outFeatures], or null without one. */
  bias: Parameter | null;

  /**
   * @param inFeatures - Size of each input's last dim.
   * @param outFeatures - Size of each output's last dim.
   * @param opts - `bias` (default true).
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.weight = new Parameter(zeros([outFeatures, inFeatures]));
    this.bias = (opts.bias ?? true) ? new Parameter(zeros([outFeatures])) : null;
    this.resetParameters();
  }

  /** Re-draws the weights as PyTorch's Linear.reset_parameters does. */
  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  /**
   * Applies the layer.
   * @param x - Input (*, inFeatures).
   * @returns x W^T + b, (*, outFeatures).
   */
  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError('Linear', `the input's last dim must be inFeatures = ${this.inFeatures}`, { input: x.shape, weight: this.weight.shape },
        `expected input of shape [*, ${this.inFeatures}]`);
    }
    return linear(x, this.weight, this.bias);
  }

  /**
   * The settings PyTorch prints for this layer.
   * @returns `in_features=…, out_features=…, bias=…`.
   */
  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyRepr(this.bias !== null)}`;
  }
}

/**
 * Returns its input unchanged (torch.nn.Identity): a placeholder where a layer is optional.
 *
 * # Shapes
 * - input: any; output: the same
 *
 * @example new Identity().forward(ones([2])).tolist(); // [1, 1]
 */
export class Identity extends Module {
  /**
   * Returns `x`.
   * @param x - Any tensor.
   * @returns `x` itself.
   */
  forward(x: Tensor): Tensor {
    return x;
  }
}
