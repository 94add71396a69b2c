// LayerNorm and RMSNorm modules over the trailing `normalizedShape` dims.

import { type Tensor, layerNorm, rmsNorm, ones, zeros } from '@tsgrad/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyRepr } from '../repr.js';

/** Options of LayerNorm (PyTorch's defaults). */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn a per-element scale (and bias); default true. */
  elementwiseAffine?: boolean;
  /** Learn the additive bias when affine; default true. */
  bias?: boolean;
}

const asShape = (s: number | readonly number[]) => (typeof s === 'number' ? [s] : [...s]);

/**
 * Layer normalisation (Ba et al. 2016, torch.nn.LayerNorm): (x - mean) / sqrt(var + eps) * weight
 * + bias over the trailing dims, with the biased variance. `weight` starts at 1 and `bias` at 0.
 *
 * # Shapes
 * - input: (*, ...normalizedShape)
 * - output: the same
 *
 * @example
 * const ln = new LayerNorm(4);
 * ln.forward(randn([2, 4])).shape; // [2, 4]
 */
export class LayerNorm extends Module {
  /** Scale of shape `normalizedShape` (null without affine). */
  weight: Parameter | null;
  /** Shift of shape `normalizedShape` (null without affine or bias). */
  bias: Parameter | null;
  /** The trailing dims normalised over. */
  readonly normalizedShape: number[];
  /** Added to the variance. */
  readonly eps: number;

  /**
   * @param normalizedShape - The trailing dims (a number for one dim).
   * @param opts - `eps`, `elementwiseAffine`, `bias`.
   */
  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const { eps = 1e-5, elementwiseAffine = true, bias = true } = opts;
    this.normalizedShape = asShape(normalizedShape);
    this.eps = eps;
    this.weight = elementwiseAffine ? new Parameter(ones(this.normalizedShape)) : null;
    this.bias = elementwiseAffine && bias ? new Parameter(zeros(this.normalizedShape)) : null;
  }

  /**
   * Normalises `x`.
   * @param x - Input (*, ...normalizedShape).
   * @returns The normalised tensor, x's shape.
   */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  /**
   * The settings PyTorch prints for this layer.
   * @returns `(shape,), eps=…, elementwise_affine=…`.
   */
  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyRepr(this.eps, true)}, elementwise_affine=${pyRepr(this.weight !== null)}`;
  }
}

/** Options of RMSNorm. */
export interface RMSNormOptions {
  /** Defaults to the input dtype's machine epsilon, as PyTorch. */
  eps?: number;
  /** Learn a per-element scale; default true. */
  elementwiseAffine?: boolean;
}

/**
 * RMS normalisation (Zhang & Sennrich 2019, torch.nn.RMSNorm): x / sqrt(mean(x^2) + eps) * weight
 * over the trailing dims; `weight` starts at 1.
 *
 * # Shapes
 * - input: (*, ...normalizedShape)
 * - output: the same
 *
 * @example
 * const n = new RMSNorm([4]);
 * n.forward(randn([2, 4])).shape; // [2, 4]
 */
export class RMSNorm extends Module {
  /** Scale of shape `normalizedShape` (null without affine). */
  weight: Parameter | null;
  /** The trailing dims normalised over. */
  readonly normalizedShape: number[];
  /** Added to the mean square (undefined: the dtype's epsilon). */
  readonly eps: number | undefined;

  /**
   * @param normalizedShape - The trailing dims (a number for one dim).
   * @param opts - `eps`, `elementwiseAffine`.
   */
  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions = {}) {
    super();
    this.normalizedShape = asShape(normalizedShape);
    this.eps = opts.eps;
    this.weight = (opts.elementwiseAffine ?? true) ? new Parameter(ones(this.normalizedShape)) : null;
  }

  /**
   * Normalises `x`.
   * @param x - Input (*, ...normalizedShape).
   * @returns The normalised tensor, x's shape.
   */
  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }

  /**
   * The settings PyTorch prints for this layer.
   * @returns `(shape,), eps=…, elementwise_affine=…`.
   */
  override extraRepr(): string {
    return `${pyRepr(this.normalizedShape)}, eps=${pyRepr(this.eps, true)}, elementwise_affine=${pyRepr(this.weight !== null)}`;
  }
}
