// Conv1d and Conv2d modules (torch.nn.Conv1d/Conv2d): a weight (K, C / groups, *kernel) and a bias
// (K), initialised as PyTorch's reset_parameters, applied with conv1d/conv2d; non-zero padding
// modes pad with `pad` first, as PyTorch does.

import { type ConvPadding, type PadMode, type SizeN, type Tensor, ShapeError, ValueError, conv1d, conv2d, pad, zeros } from '@tsgrad/core';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';

/** Options of Conv1d and Conv2d (PyTorch's keyword arguments and defaults). */
export interface ConvOptions {
  /** Step between windows (default 1). */
  stride?: SizeN;
  /** Padding on each side per spatial dim, `'valid'` (none) or `'same'` (default 0). */
  padding?: ConvPadding;
  /** Spacing of the kernel's taps (default 1). */
  dilation?: SizeN;
  /** Channel groups; both channel counts must divide by it (default 1). */
  groups?: number;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** What the padding holds: `'zeros'` (default), `'reflect'`, `'replicate'` or `'circular'`. */
  paddingMode?: 'zeros' | Exclude<PadMode, 'constant'>;
}

const each = (v: SizeN, nd: number): number[] => (typeof v === 'number' ? Array<number>(nd).fill(v) : [...v]);

abstract class ConvNd extends Module {
  /** Channels of the input. */
  readonly inChannels: number;
  /** Channels of the output (number of kernels). */
  readonly outChannels: number;
  /** The kernels (outChannels, inChannels / groups, *kernelSize). */
  weight: Parameter;
  /** One bias per output channel, or null. */
  bias: Parameter | null;
  /** Kernel size per spatial dim. */
  readonly kernelSize: number[];
  /** Step between windows per spatial dim. */
  readonly stride: number[];
  /** Padding per spatial dim, or `'valid'`/`'same'`. */
  readonly padding: number[] | 'valid' | 'same';
  /** Spacing of the taps per spatial dim. */
  readonly dilation: number[];
  /** Channel groups. */
  readonly groups: number;
  /** What the padding holds. */
  readonly paddingMode: NonNullable<ConvOptions['paddingMode']>;

  constructor(private readonly nd: number, private readonly opName: string, inChannels: number, outChannels: number, kernelSize: SizeN, opts: ConvOptions) {
    super();
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true, paddingMode = 'zeros' } = opts;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(opName, `inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
    }
    if (!['zeros', 'reflect', 'replicate', 'circular'].includes(paddingMode)) {
      throw new ValueError(opName, `paddingMode must be 'zeros', 'reflect', 'replicate' or 'circular', got '${String(paddingMode)}'`);
    }
    this.kernelSize = each(kernelSize, nd);
    this.stride = each(stride, nd);
    this.padding = typeof padding === 'string' ? padding : each(padding, nd);
    this.dilation = each(dilation, nd);
    this.groups = groups;
    this.paddingMode = paddingMode;
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new ValueError(opName, "padding='same' is not supported for strided convolutions");
    this.weight = new Parameter(zeros([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = bias ? new Parameter(zeros([outChannels])) : null;
    this.resetParameters();
  }

  /** Re-draws the weights as PyTorch's _ConvNd.reset_parameters: kaiming_uniform_(a = sqrt(5)), bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  resetParameters(): void {
    kaimingUniform_(this.weight, Math.sqrt(5));
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  protected convolve(x: Tensor): Tensor {
    if (x.ndim !== this.nd + 1 && x.ndim !== this.nd + 2) {
      throw new ShapeError(this.opName, `expected a ${this.nd + 1}-d (unbatched) or ${this.nd + 2}-d (batched) input, got ${x.ndim}-d`, { input: x.shape });
    }
    if (x.shape[x.ndim - this.nd - 1] !== this.inChannels) {
      throw new ShapeError(this.opName, `expected ${this.inChannels} input channels (dim ${x.ndim - this.nd - 1}), got ${x.shape[x.ndim - this.nd - 1]}`, { input: x.shape, weight: this.weight.shape });
    }
    const conv = this.nd === 1 ? conv1d : conv2d;
    if (this.paddingMode === 'zeros') return conv(x, this.weight, this.bias, this.stride, this.padding, this.dilation, this.groups);
    // PyTorch: pad with the mode (last dim first), then convolve without padding
    const pairs = this.kernelSize.map((k, j) => {
      if (this.padding === 'valid') return [0, 0];
      if (this.padding === 'same') { const t = this.dilation[j]! * (k - 1); return [Math.floor(t / 2), t - Math.floor(t / 2)]; }
      return [this.padding[j]!, this.padding[j]!];
    });
    return conv(pad(x, pairs.reverse().flat(), this.paddingMode), this.weight, this.bias, this.stride, 0, this.dilation, this.groups);
  }
}

/**
 * A 1-d convolution layer (torch.nn.Conv1d): {@link conv1d} with a learned weight
 * (outChannels, inChannels / groups, kernelSize) and bias, initialised as PyTorch's. With
 * `padding: [k - 1]` and the output's last k - 1 positions dropped it is the causal convolution of
 * sequence models. State-dict keys: `weight`, `bias`.
 *
 * # Shapes
 * - input: (N, inChannels, L) or (inChannels, L)
 * - output: (N, outChannels, L_out), L_out = floor((L + 2 padding - dilation (k - 1) - 1) / stride) + 1
 *
 * @example
 * const c = new Conv1d(4, 8, 3, { padding: 'same' });
 * c.forward(randn([2, 4, 10])).shape; // [2, 8, 10]
 * c.weight.shape; // [8, 4, 3]
 */
export class Conv1d extends ConvNd {
  /**
   * @param inChannels - Channels of the input.
   * @param outChannels - Channels of the output (number of kernels).
   * @param kernelSize - Kernel length.
   * @param opts - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode`.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: SizeN, opts: ConvOptions = {}) {
    super(1, 'Conv1d', inChannels, outChannels, kernelSize, opts);
  }

  /**
   * Applies the convolution.
   * @param x - (N, inChannels, L) or (inChannels, L).
   * @returns (N, outChannels, L_out) or (outChannels, L_out).
   */
  forward(x: Tensor): Tensor {
    return this.convolve(x);
  }
}

/**
 * A 2-d convolution layer (torch.nn.Conv2d): {@link conv2d} with a learned weight
 * (outChannels, inChannels / groups, kH, kW) and bias, initialised as PyTorch's. State-dict keys:
 * `weight`, `bias`, so PyTorch weights load unchanged.
 *
 * # Shapes
 * - input: (N, inChannels, H, W) or (inChannels, H, W)
 * - output: (N, outChannels, H_out, W_out), each floor((n + 2 padding - dilation (k - 1) - 1) / stride) + 1
 *
 * @example
 * const c = new Conv2d(3, 16, 3, { stride: 2, padding: 1 });
 * c.forward(randn([1, 3, 32, 32])).shape; // [1, 16, 16, 16]
 * Object.keys(c.stateDict()); // ['weight', 'bias']
 */
export class Conv2d extends ConvNd {
  /**
   * @param inChannels - Channels of the input.
   * @param outChannels - Channels of the output (number of kernels).
   * @param kernelSize - Kernel size (one number or [kH, kW]).
   * @param opts - `stride`, `padding`, `dilation`, `groups`, `bias`, `paddingMode`.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: SizeN, opts: ConvOptions = {}) {
    super(2, 'Conv2d', inChannels, outChannels, kernelSize, opts);
  }

  /**
   * Applies the convolution.
   * @param x - (N, inChannels, H, W) or (inChannels, H, W).
   * @returns (N, outChannels, H_out, W_out) or unbatched.
   */
  forward(x: Tensor): Tensor {
    return this.convolve(x);
  }
}
