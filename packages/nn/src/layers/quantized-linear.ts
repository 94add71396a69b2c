// QuantizedLinear: a Linear whose weight is int8 (symmetric, one scale per output channel) and whose
// input is quantised per row at run time (torch.ao.nn.quantized.dynamic.Linear), for inference.

import { type Int8Activation, ShapeError, type Tensor, linearDynamicInt8, quantizeWeightInt8, zeros } from '@tsgrad/core';
import { Module } from '../module.js';
import { Buffer } from '../parameter.js';
import type { Linear } from './linear.js';

/**
 * A linear layer with int8 weights, y ~ x W^T + b, for inference (PyTorch's dynamic quantised
 * Linear). The weight is stored as int8 values `weight_int8` [out, in] (an int32 tensor holding
 * values in [-127, 127]; files store it as I8) and one float32 scale per output channel
 * `weight_scale` [out], so that W ~ weight_int8 * weight_scale[:, None]; `bias` stays float32.
 * Each forward quantises every input row to int8 with its own scale, sums the products in
 * int32 and dequantises (see `linearDynamicInt8`). All three are buffers, not parameters: the
 * layer is not trained and has no gradient. Build one from a trained Linear with
 * {@link QuantizedLinear.fromFloat}, or a whole model with `quantizeDynamic`.
 *
 * # Shapes
 * - input: (*, inFeatures), float32 (float64 is computed in float32 and cast back)
 * - output: (*, outFeatures)
 *
 * @example
 * const lin = new Linear(2, 1);
 * lin.loadStateDict({ weight: tensor([[0.5, -1]]), bias: tensor([0.25]) });
 * const q = QuantizedLinear.fromFloat(lin);
 * q.weight_int8.tolist(); // [[64, -127]] (0.5 / 1 * 127 = 63.5 rounds to 64)
 * q.forward(tensor([[2, 1]])).tolist(); // [[0.25]] (about: the float layer gives 0.25)
 * Object.keys(q.stateDict()); // ['weight_int8', 'weight_scale', 'bias']
 */
export class QuantizedLinear extends Module {
  /** int8 weight values [outFeatures, inFeatures] (int32 dtype, values in [-127, 127]). */
  weight_int8: Buffer;
  /** The per-output-channel scale [outFeatures], float32: W ~ weight_int8 * weight_scale[:, None]. */
  weight_scale: Buffer;
  /** The float32 bias [outFeatures], or null. */
  bias: Buffer | null;
  /**
   * An activation applied in the same kernel (PyTorch's fused LinearReLU): 'none', 'relu' or
   * 'gelu' (exact); `quantizeDynamic` sets it where a Transformer layer's activation follows.
   */
  activation: Int8Activation = 'none';

  /**
   * An all-zero layer of the given size (load a state dict or use {@link QuantizedLinear.fromFloat}).
   * @param inFeatures - Size of each input's last dim.
   * @param outFeatures - Size of each output's last dim.
   * @param opts - `bias` (default true).
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean } = {}) {
    super();
    this.weight_int8 = new Buffer(zeros([outFeatures, inFeatures], { dtype: 'int32' }));
    this.weight_scale = new Buffer(zeros([outFeatures]));
    this.bias = (opts.bias ?? true) ? new Buffer(zeros([outFeatures])) : null;
  }

  /**
   * Quantises a trained Linear (its weight per output channel, see `quantizeWeightInt8`); the
   * bias is copied as float32. The result lives on the Linear's device.
   * @param linear - The float layer.
   * @param opts - `activation` to fuse after it (default 'none').
   * @returns The int8 layer.
   */
  static fromFloat(linear: Linear, opts: { activation?: Int8Activation } = {}): QuantizedLinear {
    const q = new QuantizedLinear(linear.inFeatures, linear.outFeatures, { bias: linear.bias !== null });
    const { weight, scale } = quantizeWeightInt8(linear.weight);
    q.weight_int8 = new Buffer(weight);
    q.weight_scale = new Buffer(scale);
    if (linear.bias) q.bias = new Buffer(linear.bias.detach().to('float32').clone());
    q.training = linear.training;
    q.activation = opts.activation ?? 'none';
    return q;
  }

  /**
   * The weight the int8 values stand for, weight_int8 * weight_scale[:, None] (float32).
   * @returns The dequantised weight [outFeatures, inFeatures].
   */
  dequantizedWeight(): Tensor {
    return this.weight_int8.to('float32').mul(this.weight_scale.unsqueeze(1));
  }

  /**
   * Applies the layer.
   * @param x - Input (*, inFeatures).
   * @returns About x W^T + b (then the fused activation), (*, outFeatures).
   */
  forward(x: Tensor): Tensor {
    if (x.ndim === 0 || x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError('QuantizedLinear', `the input's last dim must be inFeatures = ${this.inFeatures}`, { input: x.shape, weight_int8: this.weight_int8.shape },
        `expected input of shape [*, ${this.inFeatures}]`);
    }
    const f32 = (t: Tensor) => (t.dtype === 'float32' ? t : t.to('float32'));
    const y = linearDynamicInt8(f32(x), this.weight_int8, f32(this.weight_scale), this.bias ? f32(this.bias) : null, { activation: this.activation });
    return y.dtype === x.dtype ? y : y.to(x.dtype);
  }

  /**
   * The PyTorch-style summary line.
   * @returns `QuantizedLinear(in_features=…, out_features=…, dtype=qint8)`, with `, activation=gelu` when one is fused.
   */
  override toString(): string {
    const act = this.activation === 'none' ? '' : `, activation=${this.activation}`;
    return `QuantizedLinear(in_features=${this.inFeatures}, out_features=${this.outFeatures}, dtype=qint8${act})`;
  }
}
