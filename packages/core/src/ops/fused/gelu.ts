// gelu as a fused primitive (one pass forward, one pass backward on the CPU); `decompose` is the
// old composite, used by backends without a kernel and as the reference in parity tests.

import { ValueError } from '../../errors.js';
import { shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { checkShapes, floatRule } from '../helpers.js';

type GeluAttrs = { readonly approximate: 'none' | 'tanh' };

/** sqrt(2/pi) and the cubic coefficient of the tanh approximation. */
const TANH_C = Math.sqrt(2 / Math.PI);
const TANH_A = 0.044715;

/** @internal The primitive behind {@link gelu}: shape and dtype rules, kernel key and VJP. */
export const geluOp = definePrimitive<GeluAttrs>({
  name: 'gelu',
  kind: 'other',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('gelu'),
  save: { inputs: true },
  // d/dx gelu(x) = Phi(x) + x phi(x) (exact); see geluBackward for the tanh form
  vjp: (g, { inputs: [x], attrs }) => [geluBackward(g, x!, attrs)],
  decompose: ([x], { approximate }) => {
    if (approximate === 'tanh') return x!.mul(0.5).mul(x!.add(x!.pow(3).mul(TANH_A)).mul(TANH_C).tanh().add(1));
    return x!.mul(0.5).mul(x!.mul(Math.SQRT1_2).erf().add(1));
  },
  testDomain: { min: -4, max: 4 },
});

/** @internal The primitive behind {@link geluBackward}: shape and dtype rules, kernel key and VJP. */
export const geluBackwardOp: PrimitiveDef<GeluAttrs> = definePrimitive<GeluAttrs>({
  name: 'geluBackward',
  kind: 'other',
  args: ['grad', 'x'],
  shape: (inputs) => {
    checkShapes(shapesEqual(inputs[0]!.shape, inputs[1]!.shape), geluBackwardOp, inputs, 'grad must have the shape of x');
    return inputs[1]!.shape;
  },
  dtype: floatRule('geluBackward'),
  // no vjp: under autograd this op runs as its decomposition (second derivatives come from it)
  decompose: ([g, x], { approximate }) => {
    if (approximate === 'tanh') {
      // u = c (x + a x^3), t = tanh(u): gelu' = (1 + t) / 2 + x/2 (1 - t^2) c (1 + 3 a x^2)
      const t = x!.add(x!.pow(3).mul(TANH_A)).mul(TANH_C).tanh();
      const du = x!.square().mul(3 * TANH_A).add(1).mul(TANH_C);
      return g!.mul(t.add(1).mul(0.5).add(x!.mul(0.5).mul(t.square().neg().add(1)).mul(du)));
    }
    // Phi(x) = (1 + erf(x / sqrt 2)) / 2, phi(x) = exp(-x^2 / 2) / sqrt(2 pi): gelu' = Phi + x phi
    const cdf = x!.mul(Math.SQRT1_2).erf().add(1).mul(0.5);
    const pdf = x!.square().mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI));
    return g!.mul(cdf.add(x!.mul(pdf)));
  },
});

/**
 * The gradient of gelu at `x` for the output gradient `grad`: grad * gelu'(x), in one pass.
 * Exact: gelu'(x) = Phi(x) + x phi(x); tanh: (1 + t)/2 + x/2 (1 - t^2) c (1 + 3 a x^2) with
 * t = tanh(c (x + a x^3)), c = sqrt(2/pi), a = 0.044715. Gradient (second order): through its decomposition.
 * @param grad - Gradient of the loss with respect to gelu(x).
 * @param x - The gelu input (grad's shape).
 * @param opts - `approximate`: the forward's `'none'` or `'tanh'`.
 * @returns grad * gelu'(x), x's shape.
 * @example geluBackward(tensor([1]), tensor([0])).tolist(); // [0.5]
 */
export function geluBackward(grad: Tensor, x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  return apply(geluBackwardOp, [grad, x], { approximate: geluApproximation('geluBackward', opts.approximate) });
}

// gelu's `approximate` option, checked ('none' by default)
function geluApproximation(op: string, approximate: unknown = 'none'): 'none' | 'tanh' {
  if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(op, `approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
  return approximate;
}
