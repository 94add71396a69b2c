// linearCrossEntropy: crossEntropy(input @ weight^T, target), the language model's vocabulary
// projection and loss in one op. Where a backend has the fused kernel (the CPU's, float32), the
// [N, V] logits never become a tensor: the kernel computes the loss and both gradients in one call
// (logits, softmax - one-hot and the two backward products stay in its own memory), and the VJP
// scales the saved gradients. Everywhere else, and for second derivatives, it is the composite.

import { getBackend } from '../../backend.js';
import { DTypeError, ShapeError, ValueError } from '../../errors.js';
import { isGradEnabled } from '../../grad-mode.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../cat.js';
import { crossEntropy } from '../composite/losses.js';
import { onesLike } from '../creation.js';
import { apply, definePrimitive, kernelFor, type PrimitiveDef } from '../define.js';
import { floatRule } from '../helpers.js';
import { crossEntropyBackward } from './cross-entropy.js';

/** @internal linearCrossEntropy's options, resolved (the fused kernel takes these only). */
export type LinearCrossEntropyAttrs = {
  readonly ignoreIndex: number;
  readonly reduction: 'mean' | 'sum';
};

const composite = ([x, w, t]: readonly Tensor[], { ignoreIndex, reduction }: LinearCrossEntropyAttrs): Tensor =>
  crossEntropy(x!.matmul(w!.t()), t!, { ignoreIndex, reduction });

/** @internal The primitive behind {@link linearCrossEntropyPacked}: not differentiable (no VJP). */
export const linearCrossEntropyPackedOp: PrimitiveDef<LinearCrossEntropyAttrs> = definePrimitive<LinearCrossEntropyAttrs>({
  name: 'linearCrossEntropyPacked',
  kind: 'other',
  args: ['input', 'weight', 'target'],
  shape: ([x, w]) => [1 + x!.numel() + w!.numel()],
  dtype: (inputs) => floatRule('linearCrossEntropy')([inputs[0]!, inputs[1]!]),
  decompose: ([x, w, t], attrs) => {
    const logits = x!.matmul(w!.t());
    const loss = crossEntropy(logits, t!, attrs);
    const dl = crossEntropyBackward(onesLike(loss), logits, t!, attrs);
    return cat([loss.reshape([1]), dl.matmul(w!).reshape([-1]), dl.t().matmul(x!).reshape([-1])]);
  },
});

/** @internal The differentiable op: the loss is packed[0]; the VJP scales packed's gradients by g. */
export const linearCrossEntropyOp: PrimitiveDef<LinearCrossEntropyAttrs> = definePrimitive<LinearCrossEntropyAttrs>({
  name: 'linearCrossEntropy',
  kind: 'other',
  args: ['input', 'weight', 'target', 'packed'],
  shape: () => [],
  dtype: (inputs) => floatRule('linearCrossEntropy')([inputs[0]!, inputs[1]!]),
  save: { inputs: true },
  vjp: (g, { inputs: [x, w, t, packed], attrs }) => {
    if (isGradEnabled()) {
      // backward with createGraph (second derivatives): the gradient as differentiable ops
      const dlogits = crossEntropyBackward(g, x!.matmul(w!.t()), t!, attrs);
      return [dlogits.matmul(w!), dlogits.t().matmul(x!), null, null];
    }
    const nx = x!.numel();
    const p = packed!;
    const dx = p.slice(0, 1, 1 + nx).reshape(x!.shape).mul(g);
    const dw = p.slice(0, 1 + nx, 1 + nx + w!.numel()).reshape(w!.shape).mul(g);
    return [dx, dw, null, null];
  },
  decompose: ([x, w, t], attrs) => composite([x!, w!, t!], attrs),
});

/** Options of {@link linearCrossEntropy}: crossEntropy's, without class weights. */
export interface LinearCrossEntropyOptions {
  /** Targets equal to this get no loss and no gradient (default -100). */
  ignoreIndex?: number;
  /** 'mean' over the non-ignored positions (default), 'sum', or 'none' (per position). */
  reduction?: 'mean' | 'sum' | 'none';
  /** Label smoothing in [0, 1] (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of the logits `input @ weight^T` (a bias-free `linear`, weight [V, d] as
 * PyTorch lays it out) against class indices: a language model's head and loss in one call.
 * The value and gradients are those of `crossEntropy(input.matmul(weight.t()), target, opts)`.
 * On the CPU (float32 on the wasm module, float64 too), with gradients needed and reduction
 * 'mean' or 'sum' without label smoothing, a fused kernel computes them without ever making the
 * [N, V] logits a tensor (it computes both gradients during the forward, so the backward only
 * scales them). Other cases run the composite.
 * Gradient: (softmax - one-hot) weight for input, its transpose times input for weight.
 * @param input - Hidden states [N, d] (float).
 * @param weight - The projection [V, d] (e.g. a tied embedding's weight).
 * @param target - int32 class indices [N].
 * @param opts - `ignoreIndex`, `reduction`, `labelSmoothing`.
 * @returns The loss (0-d; [N] with `reduction: 'none'`).
 * @example
 * linearCrossEntropy(tensor([[1, 0]]), tensor([[0, 0], [0, 0]]), tensor([1], { dtype: 'int32' })).item(); // 0.6931...
 */
export function linearCrossEntropy(input: Tensor, weight: Tensor, target: Tensor, opts: LinearCrossEntropyOptions = {}): Tensor {
  const { ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = opts;
  check(input, weight, target, labelSmoothing);
  const wantsGrad = isGradEnabled() && (input.requiresGrad || weight.requiresGrad);
  const dtypeOk = input.dtype === weight.dtype && (input.dtype === 'float32' || input.dtype === 'float64');
  const fusable = wantsGrad && labelSmoothing === 0 && reduction !== 'none' && dtypeOk && input.device === weight.device &&
    target.device === input.device && kernelFor(linearCrossEntropyPackedOp, getBackend(input.device), input.dtype) !== undefined;
  if (!fusable) return crossEntropy(input.matmul(weight.t()), target, { ignoreIndex, reduction, labelSmoothing });
  const attrs = { ignoreIndex, reduction };
  const packed = apply(linearCrossEntropyPackedOp, [input.detach(), weight.detach(), target], attrs);
  return apply(linearCrossEntropyOp, [input, weight, target, packed], attrs);
}

/**
 * What linearCrossEntropy's fused kernel computes, flat: [loss, d loss / d input (N x d, row-major),
 * d loss / d weight (V x d)] for an output gradient of 1, i.e. the value and both gradients of
 * `crossEntropy(input.matmul(weight.t()), target, opts)` in one call.
 * Gradient: none; it is not differentiable (its inputs are detached): backpropagate through
 * {@link linearCrossEntropy}.
 * @param input - Hidden states [N, d] (float).
 * @param weight - The projection [V, d].
 * @param target - int32 class indices [N].
 * @param opts - `ignoreIndex` (default -100), `reduction` 'mean' (default) or 'sum'.
 * @returns A tensor of 1 + N d + V d elements.
 * @example
 * linearCrossEntropyPacked(tensor([[1, 0]]), tensor([[0, 0], [0, 0]]), tensor([1], { dtype: 'int32' })).shape; // [7]
 */
export function linearCrossEntropyPacked(input: Tensor, weight: Tensor, target: Tensor, opts: { ignoreIndex?: number; reduction?: 'mean' | 'sum' } = {}): Tensor {
  const { ignoreIndex = -100, reduction = 'mean' } = opts;
  check(input, weight, target, 0);
  if (reduction !== 'mean' && reduction !== 'sum') throw new ValueError('linearCrossEntropyPacked', `reduction must be 'mean' or 'sum', got '${String(reduction)}'`);
  return apply(linearCrossEntropyPackedOp, [input.detach(), weight.detach(), target], { ignoreIndex, reduction });
}

function check(input: Tensor, weight: Tensor, target: Tensor, labelSmoothing: number): void {
  if (input.ndim !== 2 || weight.ndim !== 2 || weight.shape[1] !== input.shape[1]) {
    throw new ShapeError('linearCrossEntropy', `expected input [N, d] and weight [V, d], got ${JSON.stringify(input.shape)} and ${JSON.stringify(weight.shape)}`,
      { input: input.shape, weight: weight.shape }, 'weight is laid out as nn.Linear\'s: one row of d per class');
  }
  if (target.dtype !== 'int32') {
    throw new DTypeError('linearCrossEntropy', `targets must be int32 class indices, got ${target.dtype}`, { target: { shape: target.shape, dtype: target.dtype } });
  }
  if (target.ndim !== 1 || target.shape[0] !== input.shape[0]) {
    throw new ShapeError('linearCrossEntropy', `expected target [${input.shape[0]}], got ${JSON.stringify(target.shape)}`, { input: input.shape, target: target.shape });
  }
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new ValueError('linearCrossEntropy', `labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
}
