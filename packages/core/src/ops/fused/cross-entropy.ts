// crossEntropy from logits with class-index targets as a fused primitive (logSoftmax + nll +
// label smoothing, no log-probability tensor) and its one-pass backward, softmax - smoothed one-hot.
// Arguments are checked by crossEntropy in composite/losses.ts; each `decompose` is the composite form.

import type { DType } from '../../dtype.js';
import type { Tensor } from '../../tensor.js';
import { where } from '../binary/where.js';
import { arange } from '../creation.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { floatRule } from '../helpers.js';
import { weightedNll } from './nll.js';

/** @internal crossEntropy's options, resolved; the class dim is 1 (0 for 1-D input). */
export type CrossEntropyAttrs = {
  readonly ignoreIndex: number;
  readonly reduction: 'mean' | 'sum' | 'none';
  readonly labelSmoothing: number;
  readonly hasWeight: boolean;
};

const classDimOf = (input: Tensor) => (input.ndim === 1 ? 0 : 1);
const reduced = (t: Tensor, reduction: CrossEntropyAttrs['reduction']) => (reduction === 'sum' ? t.sum() : t);


// the weight of each position's target (0 where ignored), in `dtype`
function targetWeights(target: Tensor, weight: Tensor | undefined, ignoreIndex: number, dtype: DType): Tensor {
  const valid = target.ne(ignoreIndex);
  if (!weight) return valid.to(dtype);
  return where(valid, weight.indexSelect(0, where(valid, target, 0).reshape([-1])).reshape(target.shape), 0).to(dtype);
}

/** @internal The primitive behind {@link crossEntropy}: shape and dtype rules, kernel key and VJP. */
export const crossEntropyOp = definePrimitive<CrossEntropyAttrs>({
  name: 'crossEntropy',
  kind: 'other',
  args: ['input', 'target', 'weight'],
  shape: ([, target], { reduction }) => (reduction === 'none' ? target!.shape : []),
  dtype: (inputs, { hasWeight }) => floatRule('crossEntropy')(hasWeight ? [inputs[0]!, inputs[2]!] : [inputs[0]!]),
  save: { inputs: true },
  // d loss / d input = coef (softmax(input) - smoothed one-hot target): see crossEntropyBackward
  vjp: (g, { inputs, attrs }) => [apply(crossEntropyBackwardOp, [g, ...inputs], attrs), null, ...(attrs.hasWeight ? [null] : [])],
  decompose: ([input, target, weight], attrs) => {
    const cd = classDimOf(input!);
    const logp = input!.logSoftmax(cd);
    const nllRed = weightedNll(logp, target!, weight, attrs);
    const { labelSmoothing: ls, ignoreIndex, reduction } = attrs;
    if (ls === 0) return nllRed;
    const classes = input!.shape[cd]!;
    const wShape = input!.shape.map((s, i) => (i === cd ? s : 1));
    const valid = target!.ne(ignoreIndex);
    const smooth = where(valid, (weight ? logp.mul(weight.reshape(wShape)) : logp).sum(cd).neg(), 0);
    let smoothRed: Tensor;
    if (reduction === 'mean') {
      const denom = weight ? where(valid, weight.indexSelect(0, where(valid, target!, 0).reshape([-1])).reshape(target!.shape), 0).sum() : valid.sum();
      smoothRed = smooth.sum().div(denom);
    } else smoothRed = reduced(smooth, reduction);
    return nllRed.mul(1 - ls).add(smoothRed.mul(ls / classes));
  },
});

/** @internal The primitive behind {@link crossEntropyBackward}: shape and dtype rules, kernel key and VJP. */
export const crossEntropyBackwardOp: PrimitiveDef<CrossEntropyAttrs> = definePrimitive<CrossEntropyAttrs>({
  name: 'crossEntropyBackward',
  kind: 'other',
  args: ['grad', 'input', 'target', 'weight'],
  shape: (inputs) => inputs[1]!.shape,
  dtype: (inputs, { hasWeight }) => floatRule('crossEntropyBackward')(hasWeight ? [inputs[0]!, inputs[1]!, inputs[3]!] : [inputs[0]!, inputs[1]!]),
  // no vjp: under autograd this op runs as its decomposition (second derivatives come from it)
  decompose: ([grad, input, target, weight], { ignoreIndex, reduction, labelSmoothing: ls }) => {
    // with p = softmax(input), n_i = 1 / (sum of target weights) for 'mean' (else 1), per position i:
    // d/dx_j = g_i n_i ((1 - ls) w[t_i] (p_j - [j = t_i]) + ls / C valid_i (p_j sum(w) - w_j))
    const cd = classDimOf(input!);
    const classes = input!.shape[cd]!;
    const dtype = crossEntropyBackwardOp.dtype([grad!, input!, ...(weight ? [target!, weight] : [])], { ignoreIndex, reduction, labelSmoothing: ls, hasWeight: !!weight });
    const p = input!.softmax(cd);
    const wt = targetWeights(target!, weight, ignoreIndex, dtype);
    const denom = reduction === 'mean' ? wt.sum() : 1;
    const unsq = (t: Tensor) => t.unsqueeze(cd);
    const classIds = arange(classes, undefined, 1, { device: input!.device }).reshape(input!.shape.map((s, i) => (i === cd ? s : 1)));
    const valid = target!.ne(ignoreIndex);
    const oneHot = unsq(where(valid, target!, 0)).eq(classIds).to(dtype);
    // NOTE: ignored positions get exactly 0 (as PyTorch), even where the 'mean' normaliser is 1/0
    let dx = unsq(where(valid, grad!.mul(1 - ls).mul(wt).div(denom), 0)).mul(p.sub(oneHot));
    if (ls > 0) {
      const coef = unsq(where(valid, grad!.mul(ls / classes).div(denom), 0));
      const smoothed = weight ? p.mul(weight.sum()).sub(weight.reshape(input!.shape.map((s, i) => (i === cd ? s : 1)))) : p.mul(classes).sub(1);
      dx = dx.add(coef.mul(smoothed));
    }
    return dx.dtype === dtype ? dx : dx.to(dtype);
  },
});

/** Options of crossEntropyBackward: crossEntropy's, resolved as it resolves them. */
export interface CrossEntropyBackwardOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor;
  /** Targets equal to this get no gradient (default -100). */
  ignoreIndex?: number;
  /** The forward's reduction (default `'mean'`). */
  reduction?: 'mean' | 'sum' | 'none';
  /** The forward's label smoothing e (default 0). */
  labelSmoothing?: number;
}

/**
 * The gradient of crossEntropy(input, target) (class indices) for the output gradient `grad`
 * (0-d, or the target's shape for reduction 'none'), in one pass per row:
 * g n ((1 - e) w[t] (softmax(input) - onehot(t)) + e/C (softmax(input) sum(w) - w)), with n the
 * 'mean' normaliser and e the label smoothing. Gradient (second order): through its decomposition.
 * @param grad - Gradient of the loss with respect to crossEntropy's output.
 * @param input - The logits [N, C].
 * @param target - The int32 class indices [N].
 * @param opts - The forward's `weight`, `ignoreIndex`, `reduction`, `labelSmoothing`.
 * @returns The gradient with respect to `input`, its shape.
 * @example crossEntropyBackward(tensor(1), zeros([1, 2]), tensor([0], { dtype: 'int32' })).tolist(); // [[-0.5, 0.5]]
 */
export function crossEntropyBackward(grad: Tensor, input: Tensor, target: Tensor, opts: CrossEntropyBackwardOptions = {}): Tensor {
  const { weight, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = opts;
  const attrs = { ignoreIndex, reduction, labelSmoothing, hasWeight: !!weight };
  return apply(crossEntropyBackwardOp, weight ? [grad, input, target, weight] : [grad, input, target], attrs);
}
