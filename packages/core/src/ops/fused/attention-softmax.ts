// scaledMaskedSoftmax: the middle of attention, softmax(scores * scale + mask) over the last dim
// with a bool, additive or causal mask, as one fused primitive (no mask tensor for the causal
// case); and softmaxBackward, the fused softmax VJP it and others use.

import { ShapeError } from '../../errors.js';
import { broadcastShapes, normalizeDim, shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { ones } from '../creation.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { checkShapes, floatRule } from '../helpers.js';

type MaskKind = 'none' | 'bool' | 'additive';
type SmsAttrs = { readonly scale: number; readonly isCausal: boolean; readonly mask: MaskKind };
type SbAttrs = { readonly dim: number; readonly scale: number };

/** @internal The primitive behind {@link scaledMaskedSoftmax}: shape and dtype rules, kernel key and VJP. */
export const scaledMaskedSoftmaxOp: PrimitiveDef<SmsAttrs> = definePrimitive<SmsAttrs>({
  name: 'scaledMaskedSoftmax',
  kind: 'other',
  args: ['scores', 'attnMask'],
  shape: (inputs, { isCausal }) => {
    const [s, m] = inputs;
    if (isCausal && s!.ndim < 2) throw new ShapeError('scaledMaskedSoftmax', 'a causal mask needs scores of shape [..., L, S]', { scores: s!.shape });
    if (m) {
      const b = broadcastShapes('scaledMaskedSoftmax', { scores: s!.shape, attnMask: m.shape });
      checkShapes(shapesEqual(b, s!.shape), scaledMaskedSoftmaxOp, inputs, 'attnMask must broadcast to the scores\' shape');
    }
    return s!.shape;
  },
  dtype: (inputs, { mask }) => floatRule('scaledMaskedSoftmax')(mask === 'additive' ? inputs : [inputs[0]!]),
  save: { output: true },
  // y = softmax(z), z = s * scale + m: ds = scale * y (g - sum(g y)), dm = y (g - sum(g y))
  vjp: (g, { output: y, attrs: { scale, mask }, needsInputGrad }) => [
    softmaxBackward(g, y!, -1, { scale }),
    ...(mask === 'none' ? [] : [mask === 'additive' && needsInputGrad[1] ? softmaxBackward(g, y!, -1) : null]),
  ],
  decompose: ([scores, attnMask], { scale, isCausal }) => {
    let s = scores!.mul(scale); // (..., L, S)
    if (isCausal) {
      const [L, S] = [s.shape[s.ndim - 2]!, s.shape[s.ndim - 1]!];
      s = s.maskedFill(ones([L, S], { dtype: 'bool', device: s.device }).tril().logicalNot(), -Infinity);
    }
    if (attnMask) s = attnMask.dtype === 'bool' ? s.maskedFill(attnMask.logicalNot(), -Infinity) : s.add(attnMask);
    return s.softmax(-1);
  },
  testDomain: { min: -4, max: 4 },
});

/** @internal The primitive behind {@link softmaxBackward}: shape and dtype rules, kernel key and VJP. */
export const softmaxBackwardOp: PrimitiveDef<SbAttrs> = definePrimitive<SbAttrs>({
  name: 'softmaxBackward',
  kind: 'other',
  args: ['grad', 'output'],
  shape: (inputs) => {
    checkShapes(shapesEqual(inputs[0]!.shape, inputs[1]!.shape), softmaxBackwardOp, inputs, 'grad must have the shape of the softmax output');
    return inputs[1]!.shape;
  },
  dtype: floatRule('softmaxBackward'),
  // no vjp: under autograd this op runs as its decomposition (second derivatives come from it)
  decompose: ([g, y], { dim, scale }) => {
    const d = y!.mul(g!.sub(g!.mul(y!).sum(dim, true)));
    return scale === 1 ? d : d.mul(scale);
  },
});

/** Options of scaledMaskedSoftmax. */
export interface ScaledMaskedSoftmaxOptions {
  /** Multiplies the scores first (default 1). */
  scale?: number;
  /** Bool (true = may attend) or additive float mask, broadcastable to the scores. */
  attnMask?: Tensor | null;
  /** Query i (dim -2) attends to keys j <= i (dim -1) only; no mask tensor is built. */
  isCausal?: boolean;
}

/**
 * softmax(scores * scale + mask) over the last dim, in one pass per row: the attention weights of
 * scaledDotProductAttention from its scores q k^T. A bool `attnMask` keeps the true positions,
 * an additive one is added; `isCausal` masks keys after the query. Rows masked entirely give NaN,
 * as PyTorch's math path. Gradient: scale * y (g - sum(g y)).
 * @param scores - Attention scores [..., L, S].
 * @param opts - `scale`, `attnMask`, `isCausal`.
 * @returns The weights [..., L, S]; each unmasked row sums to 1.
 * @example scaledMaskedSoftmax(zeros([2, 2]), { isCausal: true }).tolist(); // [[1, 0], [0.5, 0.5]]
 */
export function scaledMaskedSoftmax(scores: Tensor, opts: ScaledMaskedSoftmaxOptions = {}): Tensor {
  const { scale = 1, attnMask, isCausal = false } = opts;
  const mask: MaskKind = !attnMask ? 'none' : attnMask.dtype === 'bool' ? 'bool' : 'additive';
  return apply(scaledMaskedSoftmaxOp, attnMask ? [scores, attnMask] : [scores], { scale, isCausal, mask });
}

/**
 * The gradient of y = softmax(x) along `dim` for the output gradient `grad`, from the output
 * alone, times `scale`: scale * y (grad - sum(grad y, dim)), in one pass per row.
 * Gradient (second order): through that formula's parts.
 * @param grad - Gradient of the loss with respect to y.
 * @param output - y itself, the softmax output (grad's shape).
 * @param dim - The softmax dim.
 * @param opts - `scale` (default 1).
 * @returns The gradient with respect to the softmax input, grad's shape.
 * @example softmaxBackward(tensor([1, 0]), tensor([0.5, 0.5]), -1).tolist(); // [0.25, -0.25]
 */
export function softmaxBackward(grad: Tensor, output: Tensor, dim: number, opts: { scale?: number } = {}): Tensor {
  return apply(softmaxBackwardOp, [grad, output], { dim: normalizeDim('softmaxBackward', dim, output.shape), scale: opts.scale ?? 1 });
}
