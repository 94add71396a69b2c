// Linear (y = x W^T + b) and Identity, initialised as torch.nn.Linear.reset_parameters.

import { ShapeError, type Tensor, linear, zeros } from '@tsgrad/core';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

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
 * @example
 * const lin = new Linear(4, 2);
 * lin.forward(ones([3, 4])).shape; // [3, 2]
 * Object.keys(lin.stateDict());    // ['weight', 'bias']
 *
 * # Shapes
 * - input: (*, inFeatures)
 * - output: (*, outFeatures)
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

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

  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError('Linear', `the input's last dim must be inFeatures = ${this.inFeatures}`, { input: x.shape, weight: this.weight.shape },
        `expected input of shape [*, ${this.inFeatures}]`);
    }
    return linear(x, this.weight, this.bias);
  }
}

/**
 * Returns its input unchanged (torch.nn.Identity): a placeholder where a layer is optional.
 * @example new Identity().forward(ones([2])).tolist(); // [1, 1]
 *
 * # Shapes
 * - input: any; output: the same
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
