// l1Loss, smoothL1Loss and klDiv (torch.nn.functional's), with PyTorch's reductions.

import { ShapeError, ValueError } from '../../errors.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { requireFloat } from '../helpers.js';
import type { Reduction } from './losses.js';

function reduce(op: string, loss: Tensor, reduction: string): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
}

function difference(op: string, input: Tensor, target: Tensor): Tensor {
  requireFloat(op, 'input', input);
  broadcastShapes(op, { input: input.shape, target: target.shape }); // name this op on a mismatch
  return input.sub(target);
}

/**
 * Mean absolute error |input - target| with broadcasting (torch.nn.functional.l1_loss).
 * Gradient: sign(input - target) g (0 where they are equal), divided by N for 'mean'.
 * @param input - Predictions.
 * @param target - Targets, broadcast against `input`.
 * @param opts - `reduction` (default `'mean'`).
 * @returns A 0-d loss, or the broadcast shape with `reduction: 'none'`.
 * @example l1Loss(tensor([1, 2]), tensor([2, 5])).item(); // 2
 */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  return reduce('l1Loss', difference('l1Loss', input, target).abs(), opts.reduction ?? 'mean');
}

/**
 * Smooth L1 loss (torch.nn.functional.smooth_l1_loss): 0.5 d^2 / beta where |d| < beta, else
 * |d| - 0.5 beta, with d = input - target (beta = 0 is the L1 loss). Gradient: d / beta inside,
 * sign(d) outside.
 * @param input - Predictions.
 * @param target - Targets, broadcast against `input`.
 * @param opts - `reduction` (default `'mean'`), `beta` >= 0 (default 1).
 * @returns A 0-d loss, or the broadcast shape with `reduction: 'none'`.
 * @example smoothL1Loss(tensor([0, 0]), tensor([0.5, 3]), { reduction: 'none' }).tolist(); // [0.125, 2.5]
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction; beta?: number } = {}): Tensor {
  const { reduction = 'mean', beta = 1 } = opts;
  if (!(beta >= 0)) throw new ValueError('smoothL1Loss', `beta must be non-negative, got ${beta}`);
  const d = difference('smoothL1Loss', input, target);
  const a = d.abs();
  const loss = beta === 0 ? a : where(a.lt(beta), d.square().mul(0.5 / beta), a.sub(0.5 * beta));
  return reduce('smoothL1Loss', loss, reduction);
}

/**
 * Kullback-Leibler divergence (torch.nn.functional.kl_div) with `input` the log-probabilities of
 * the model: pointwise target (log target - input), taken as 0 where target = 0; with `logTarget`
 * the target is given as log-probabilities: exp(target) (target - input). `'batchmean'` divides the
 * sum by the batch size (input.shape[0]), the true KL divergence per example; `'mean'` divides by
 * the element count, as PyTorch. Gradient: -target g for the input; (log target + 1 - input) g for
 * the target (exp(target) (target + 1 - input) g with `logTarget`).
 * @param input - Log-probabilities.
 * @param target - Probabilities (or log-probabilities with `logTarget`), broadcast against `input`.
 * @param opts - `reduction`: `'mean'` (default), `'batchmean'`, `'sum'` or `'none'`; `logTarget`.
 * @returns A 0-d loss, or the broadcast shape with `reduction: 'none'`.
 * @example
 * klDiv(tensor([[Math.log(0.5), Math.log(0.5)]]), tensor([[1, 0]]), { reduction: 'batchmean' }).item(); // 0.6931 (about)
 */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {}): Tensor {
  const { reduction = 'mean', logTarget = false } = opts;
  requireFloat('klDiv', 'input', input);
  requireFloat('klDiv', 'target', target);
  broadcastShapes('klDiv', { input: input.shape, target: target.shape });
  let loss: Tensor;
  if (logTarget) loss = target.exp().mul(target.sub(input));
  else {
    const positive = target.gt(0);
    const safeLog = where(positive, target, 1).log(); // log(1) = 0 where target = 0: no 0 * -inf
    loss = target.mul(safeLog.sub(input));
  }
  if (reduction !== 'batchmean') return reduce('klDiv', loss, reduction);
  if (input.ndim === 0) throw new ShapeError('klDiv', "reduction 'batchmean' needs a batch dim", { input: input.shape });
  return loss.sum().div(input.shape[0]!);
}
