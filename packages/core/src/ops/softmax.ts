// softmax and logSoftmax: fused primitives (one pass per row on the CPU) whose `decompose` is the
// composite definition, used by backends without a kernel and as the reference in tests.

import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { apply, definePrimitive } from './define.js';
import { floatRule } from './helpers.js';

type DimAttrs = { readonly dim: number };

/** @internal The primitive behind {@link softmax}: shape and dtype rules, kernel key and VJP. */
export const softmaxOp = definePrimitive<DimAttrs>({
  name: 'softmax',
  kind: 'other',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('softmax'),
  save: { output: true },
  // y = softmax(x): dx = y * (g - sum(g * y, dim))
  vjp: (g, { output: y, attrs: { dim } }) => [y!.mul(g.sub(g.mul(y!).sum(dim, true)))],
  decompose: ([x], { dim }) => {
    const e = x!.sub(x!.amax(dim, true).detach()).exp(); // subtract the max for stability
    return e.div(e.sum(dim, true));
  },
  testDomain: { min: -4, max: 4 },
});

/** @internal The primitive behind {@link logSoftmax}: shape and dtype rules, kernel key and VJP. */
export const logSoftmaxOp = definePrimitive<DimAttrs>({
  name: 'logSoftmax',
  kind: 'other',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('logSoftmax'),
  save: { output: true },
  // y = x - logsumexp(x): dx = g - exp(y) * sum(g, dim)
  vjp: (g, { output: y, attrs: { dim } }) => [g.sub(y!.exp().mul(g.sum(dim, true)))],
  decompose: ([x], { dim }) => {
    const m = x!.amax(dim, true).detach();
    const shifted = x!.sub(m);
    return shifted.sub(shifted.exp().sum(dim, true).log());
  },
  testDomain: { min: -4, max: 4 },
});

/**
 * exp(x) / sum(exp(x)) along `dim`, computed stably. Gradient: y * (g - sum(g * y, dim)).
 * @param x - A float tensor.
 * @param dim - The dim to normalise over.
 * @returns A tensor of x's shape whose slices along `dim` sum to 1.
 * @example softmax(tensor([0, 0]), -1).tolist(); // [0.5, 0.5]
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return apply(softmaxOp, [x], { dim: normalizeDim('softmax', dim, x.shape) });
}

/**
 * log(softmax(x)) along `dim`, computed stably in one pass. Gradient: g - softmax(x) * sum(g, dim).
 * @param x - A float tensor.
 * @param dim - The dim to normalise over.
 * @returns A tensor of x's shape.
 * @example logSoftmax(tensor([0, 0]), -1).tolist(); // [-0.693..., -0.693...]
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return apply(logSoftmaxOp, [x], { dim: normalizeDim('logSoftmax', dim, x.shape) });
}
