// Loss modules (torch.nn.CrossEntropyLoss, BCELoss, MSELoss): the functional losses with their
// options fixed at construction, so a loss can be passed around and configured like a layer.

import { binaryCrossEntropy, crossEntropy, mseLoss, type Reduction, type Tensor } from '@tsgrad/core';
import { Module } from '../module.js';

/** Options of CrossEntropyLoss (PyTorch's names). */
export interface CrossEntropyLossOptions {
  /** Per-class weights (C). */
  weight?: Tensor;
  /** Target value that contributes nothing (default -100). */
  ignoreIndex?: number;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** Label smoothing in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits against class indices or probabilities (torch.nn.CrossEntropyLoss).
 *
 * # Shapes
 * - input: (N, C) or (N, C, d...) logits; target: (N) or (N, d...) int32 classes, or probabilities shaped as input
 * - output: 0-d, or the target's shape with `reduction: 'none'`
 *
 * @example
 * const loss = new CrossEntropyLoss({ labelSmoothing: 0.1 });
 * loss.forward(tensor([[2, 0]]), tensor([0], { dtype: 'int32' })).item(); // 0.2269 (about)
 */
export class CrossEntropyLoss extends Module {
  /** @param opts - `weight`, `ignoreIndex`, `reduction`, `labelSmoothing`. */
  constructor(readonly opts: CrossEntropyLossOptions = {}) {
    super();
  }

  /**
   * Applies {@link crossEntropy} with this module's options.
   * @param input - Logits.
   * @param target - Class indices or probabilities.
   * @returns The loss.
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.opts);
  }
}

/** Options of BCELoss (PyTorch's names). */
export interface BCELossOptions {
  /** Weight of each element (broadcast against the input). */
  weight?: Tensor;
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/** Options of MSELoss (PyTorch's names). */
export interface MSELossOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
}

/**
 * Binary cross-entropy of probabilities (torch.nn.BCELoss).
 *
 * # Shapes
 * - input, target: any, the same; output: 0-d, or that shape with `reduction: 'none'`
 *
 * @example new BCELoss().forward(tensor([0.5]), tensor([1])).item(); // 0.6931 (about)
 */
export class BCELoss extends Module {
  /** @param opts - `weight` (broadcast) and `reduction`. */
  constructor(readonly opts: BCELossOptions = {}) {
    super();
  }

  /**
   * Applies {@link binaryCrossEntropy} with this module's options.
   * @param input - Probabilities in [0, 1].
   * @param target - Targets in [0, 1].
   * @returns The loss.
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, this.opts);
  }
}

/**
 * Mean squared error (torch.nn.MSELoss).
 *
 * # Shapes
 * - input: any; target: broadcast against it; output: 0-d, or the broadcast shape with `reduction: 'none'`
 *
 * @example new MSELoss().forward(tensor([1, 2]), tensor([1, 4])).item(); // 2
 */
export class MSELoss extends Module {
  /** @param opts - `reduction`. */
  constructor(readonly opts: MSELossOptions = {}) {
    super();
  }

  /**
   * Applies {@link mseLoss} with this module's options.
   * @param input - Predictions.
   * @param target - Targets.
   * @returns The loss.
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.opts);
  }
}
