// Losses: crossEntropy (class indices or probabilities, label smoothing), nllLoss, mseLoss and
// binaryCrossEntropyWithLogits, with PyTorch's reductions and ignoreIndex rules.

import { DTypeError, IndexError, ShapeError, ValueError } from '../../errors.js';
import { isFloat } from '../../dtype.js';
import { broadcastShapes } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { isGradEnabled } from '../../grad-mode.js';
import { apply } from '../define.js';
import { crossEntropyOp } from '../fused/cross-entropy.js';
import { weightedNll } from '../fused/nll.js';
import { softplus } from '../unary/softplus.js';
import { requireFloat, requireIndex } from '../helpers.js';

/** How per-element losses are combined: averaged, summed, or returned as they are. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of nllLoss and crossEntropy (PyTorch's keyword arguments). */
export interface ClassLossOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor;
  /** Targets equal to this contribute nothing and are not counted in the mean (default -100). */
  ignoreIndex?: number;
  /** `'mean'` (default), `'sum'` or `'none'` (one loss per target). */
  reduction?: Reduction;
}

function reduce(loss: Tensor, reduction: Reduction, op: string): Tensor {
  if (reduction === 'none') return loss;
  if (reduction === 'sum') return loss.sum();
  if (reduction === 'mean') return loss.mean();
  throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
}

function classDim(op: string, input: Tensor, target: Tensor): number {
  const cd = input.ndim === 1 ? 0 : 1;
  const expected = input.shape.filter((_, i) => i !== cd);
  if (input.ndim === 0 || target.ndim !== expected.length || target.shape.some((s, i) => s !== expected[i])) {
    throw new ShapeError(op, 'target must have the input\'s shape without the class dim (dim 1, or 0 for 1-D input)', { input: input.shape, target: target.shape },
      'input is (N, C) or (N, C, d1, ...) and target (N) or (N, d1, ...) of class indices');
  }
  return cd;
}

function checkTargets(op: string, input: Tensor, target: Tensor, classes: number, ignoreIndex: number): void {
  if (target.device !== 'cpu') return; // NOTE: range checks on device tensors would force a sync; kernels still guard reads
  const t = target.dataSync();
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= classes)) {
      throw new IndexError(op, `target ${v} is out of bounds for ${classes} classes`, { input: input.shape, target: target.shape },
        `targets must be in [0, ${classes - 1}] or equal ignoreIndex (${ignoreIndex})`);
    }
  }
}

function checkWeight(op: string, input: Tensor, classes: number, weight: Tensor | undefined): void {
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== classes)) {
    throw new ShapeError(op, `weight must have shape [${classes}] (one per class)`, { input: input.shape, weight: weight.shape });
  }
}

/**
 * Negative log-likelihood of `target` class indices under log-probabilities `input` [N, C, ...]:
 * loss_i = -weight[t_i] input[i, t_i]; 'mean' divides by the summed weights of non-ignored targets.
 * Gradient: -weight[t_i] (divided as the mean divides) at [i, t_i], zero elsewhere.
 * @param input - Log-probabilities [N, C, ...] or [C].
 * @param target - int32 class indices [N, ...] (or a 0-d index for [C] input).
 * @param opts - `weight` [C], `ignoreIndex` (default -100), `reduction`.
 * @returns A 0-d loss, or [N, ...] with `reduction: 'none'`.
 * @example nllLoss(tensor([[-1, -2]]), tensor([1], { dtype: 'int32' })).item(); // 2
 */
export function nllLoss(input: Tensor, target: Tensor, opts: ClassLossOptions = {}): Tensor {
  return nll('nllLoss', input, target, opts);
}

// the argument checks of nllLoss and crossEntropy with class indices; returns the class dim
function checkNll(op: string, input: Tensor, target: Tensor, weight: Tensor | undefined, ignoreIndex: number): number {
  requireFloat(op, 'input', input);
  requireIndex(op, 'target', target, { input: { shape: input.shape, dtype: input.dtype }, target: { shape: target.shape, dtype: target.dtype } });
  const cd = classDim(op, input, target);
  const classes = input.shape[cd]!;
  checkWeight(op, input, classes, weight);
  checkTargets(op, input, target, classes, ignoreIndex);
  return cd;
}

// nllLoss with the public op's name in its errors (crossEntropy reports as itself)
function nll(op: string, input: Tensor, target: Tensor, opts: ClassLossOptions): Tensor {
  const { weight, ignoreIndex = -100, reduction = 'mean' } = opts;
  checkNll(op, input, target, weight, ignoreIndex);
  if (reduction === 'mean') return weightedNll(input, target, weight, { ignoreIndex, reduction });
  return reduce(weightedNll(input, target, weight, { ignoreIndex, reduction: 'none' }), reduction, op);
}

/**
 * Cross-entropy between logits `input` [N, C, ...] (or [C]) and `target`: class indices (int32,
 * with `ignoreIndex` and class `weight`) or class probabilities (float, input's shape).
 * `labelSmoothing` e mixes in the uniform distribution as PyTorch does:
 * (1 - e) nll + e/C sum_c -w_c log p_c. Gradient: softmax(input) - smoothed one-hot target
 * (weighted and divided as the reduction divides).
 *
 * @param input - Logits [N, C, ...] or [C].
 * @param target - int32 class indices [N, ...], or float probabilities of the input's shape.
 * @param opts - `weight` [C], `ignoreIndex` (default -100), `reduction`, `labelSmoothing` in [0, 1].
 * @returns A 0-d loss, or [N, ...] with `reduction: 'none'`.
 * @example
 * crossEntropy(tensor([[0, 0]]), tensor([0], { dtype: 'int32' })).item(); // 0.6931...
 * crossEntropy(tensor([[2, 0], [0, 2]]), tensor([0, -100], { dtype: 'int32' })).item(); // 0.1269 (about; the ignored row does not count)
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: ClassLossOptions & { labelSmoothing?: number } = {}): Tensor {
  const { weight, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = opts;
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError('crossEntropy', `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  requireFloat('crossEntropy', 'input', input);
  const cd = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[cd] ?? 0;
  if (isFloat(target.dtype)) {
    const logp = input.logSoftmax(cd);
    const wShape = input.shape.map((s, i) => (i === cd ? s : 1));
    if (target.ndim !== input.ndim || target.shape.some((s, i) => s !== input.shape[i])) {
      const indexShape = input.shape.filter((_, i) => i !== cd);
      if (target.ndim === indexShape.length && target.shape.every((s, i) => s === indexShape[i])) {
        throw new DTypeError('crossEntropy', `class-index targets must be int32, got ${target.dtype}`,
          { input: { shape: input.shape, dtype: input.dtype }, target: { shape: target.shape, dtype: target.dtype } },
          "convert with target.to('int32'), or give class probabilities with the input's shape");
      }
      throw new ShapeError('crossEntropy', 'probability targets must have the input\'s shape', { input: input.shape, target: target.shape },
        'give class indices (int32, the input\'s shape without the class dim) or probabilities (float, the input\'s shape)');
    }
    checkWeight('crossEntropy', input, classes, weight);
    const t = labelSmoothing > 0 ? target.mul(1 - labelSmoothing).add(labelSmoothing / classes) : target;
    const prod = weight ? logp.mul(t).mul(weight.reshape(wShape)) : logp.mul(t);
    const loss = prod.sum(cd).neg();
    if (reduction === 'mean') return loss.sum().div(input.numel() / classes);
    return reduce(loss, reduction, 'crossEntropy');
  }
  checkNll('crossEntropy', input, target, weight, ignoreIndex);
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') reduce(input, reduction, 'crossEntropy'); // throws the usual error
  const attrs = { ignoreIndex, reduction, labelSmoothing, hasWeight: !!weight };
  const inputs = weight ? [input, target, weight] : [input, target];
  // a fused primitive (fused/cross-entropy.ts: logSoftmax + nll + smoothing, its decompose); the
  // fused VJP gives no weight gradient, so a weight that requires grad takes the composite path
  return weight?.requiresGrad && isGradEnabled() ? crossEntropyOp.decompose!(inputs, attrs) : apply(crossEntropyOp, inputs, attrs);
}

/**
 * Mean squared error (input - target)^2 with broadcasting and a reduction.
 * Gradient: 2 (input - target) g, divided by N for 'mean'.
 * @param input - Predictions.
 * @param target - Targets, broadcast against `input`.
 * @param opts - `reduction` (default `'mean'`).
 * @returns A 0-d loss, or the broadcast shape with `reduction: 'none'`.
 * @example mseLoss(tensor([1, 2]), tensor([1, 4])).item(); // 2
 */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  requireFloat('mseLoss', 'input', input);
  broadcastShapes('mseLoss', { input: input.shape, target: target.shape }); // name this op, not 'sub', on a mismatch
  return reduce(input.sub(target).square(), opts.reduction ?? 'mean', 'mseLoss');
}

/**
 * Binary cross-entropy on probabilities (torch.nn.functional.binary_cross_entropy):
 * -w (t log p + (1 - t) log(1 - p)), each log clamped at -100 as PyTorch does so p = 0 or 1 gives a
 * finite loss. Prefer {@link binaryCrossEntropyWithLogits} on logits (stabler). Gradient:
 * w (p - t) / (p (1 - p)) away from the clamps.
 * @param input - Probabilities in [0, 1], any shape.
 * @param target - Targets in [0, 1], the input's shape.
 * @param opts - `weight` (broadcast), `reduction`.
 * @returns A 0-d loss, or the input's shape with `reduction: 'none'`.
 * @example binaryCrossEntropy(tensor([0.5, 1]), tensor([1, 0])).item(); // 50.3466 (about: (ln 2 + 100) / 2)
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { weight?: Tensor; reduction?: Reduction } = {}): Tensor {
  requireFloat('binaryCrossEntropy', 'input', input);
  if (target.ndim !== input.ndim || target.shape.some((s, i) => s !== input.shape[i])) {
    throw new ShapeError('binaryCrossEntropy', 'target must have the input\'s shape', { input: input.shape, target: target.shape });
  }
  if (opts.weight) broadcastShapes('binaryCrossEntropy', { input: input.shape, weight: opts.weight.shape });
  const logP = input.log().clamp(-100);
  const log1mP = input.neg().add(1).log().clamp(-100);
  let loss = target.mul(logP).add(target.neg().add(1).mul(log1mP)).neg();
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce(loss, opts.reduction ?? 'mean', 'binaryCrossEntropy');
}

/**
 * Binary cross-entropy on logits, stable for large |x|:
 * (1 - t) x + (1 + (posWeight - 1) t) softplus(-x), times `weight`. Gradient: sigmoid(x) - t
 * (with weights).
 * @param input - Logits, any shape.
 * @param target - Targets in [0, 1], the input's shape.
 * @param opts - `weight` (broadcast), `posWeight` per class (broadcast over the last dim), `reduction`.
 * @returns A 0-d loss, or the input's shape with `reduction: 'none'`.
 * @example binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item(); // 0.6931...
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  opts: { weight?: Tensor; posWeight?: Tensor; reduction?: Reduction } = {},
): Tensor {
  requireFloat('binaryCrossEntropyWithLogits', 'input', input);
  if (target.ndim !== input.ndim || target.shape.some((s, i) => s !== input.shape[i])) {
    throw new ShapeError('binaryCrossEntropyWithLogits', 'target must have the input\'s shape', { input: input.shape, target: target.shape });
  }
  for (const [name, w] of [['weight', opts.weight], ['posWeight', opts.posWeight]] as const) {
    if (w) broadcastShapes('binaryCrossEntropyWithLogits', { input: input.shape, [name]: w.shape }); // before any arithmetic names 'mul'
  }
  const sp = softplus(input.neg());
  const logWeight = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : undefined;
  let loss = target.neg().add(1).mul(input).add(logWeight ? logWeight.mul(sp) : sp);
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce(loss, opts.reduction ?? 'mean', 'binaryCrossEntropyWithLogits');
}
