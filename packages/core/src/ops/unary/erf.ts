// erf: the Gauss error function (the exact GELU is built on it).

import { apply, definePrimitive } from '../define.js';
import { floatRule } from '../helpers.js';
import type { Tensor } from '../../tensor.js';

/**
 * @internal erf(x) to about 2e-15 relative error, self-contained (gpu.js transpiles it). Coefficients are
 * least-squares fits on Chebyshev nodes against mpmath (docs/notes/erf-fit.py regenerates them):
 * |x| < 1: erf(x) = x P(x^2); 1 <= |x| < 6: erf(x) = 1 - exp(-x^2) Q(1/x); beyond 6, erf = +-1.
 */
export function erfScalar(x: number): number {
  const ax = Math.abs(x);
  if (ax < 1) {
    const t = x * x;
    let p = -6.414718223632148e-10;
    p = p * t + 1.2998292222155284e-08;
    p = p * t + -1.6046093961600597e-07;
    p = p * t + 1.6426850427026525e-06;
    p = p * t + -1.492312519350185e-05;
    p = p * t + 0.00012055214240090328;
    p = p * t + -0.0008548323402147063;
    p = p * t + 0.005223977556539965;
    p = p * t + -0.02686617063756267;
    p = p * t + 0.11283791670913787;
    p = p * t + -0.3761263890318285;
    p = p * t + 1.1283791670955134;
    return x * p;
  }
  if (ax >= 6) return x > 0 ? 1 : x < 0 ? -1 : x;
  let q: number;
  if (ax < 3) {
    const u = (1 / ax - 0.6666666666666666) / 0.33333333333333337;
    q = 4.120439834812828e-11;
    q = q * u + -1.6066181121223667e-10;
    q = q * u + 2.957947954318817e-10;
    q = q * u + -3.89180937347226e-10;
    q = q * u + -3.218134789658504e-10;
    q = q * u + 6.04620524362112e-09;
    q = q * u + -3.0152500812305296e-08;
    q = q * u + 1.0396507613831463e-07;
    q = q * u + -2.6109033977479605e-07;
    q = q * u + 3.301419027055101e-07;
    q = q * u + 1.1321652873087688e-06;
    q = q * u + -1.0722339698455797e-05;
    q = q * u + 4.958333003800653e-05;
    q = q * u + -0.00015275590528386217;
    q = q * u + 0.00018015717761313532;
    q = q * u + 0.0017370628294293613;
    q = q * u + -0.01852363423100252;
    q = q * u + 0.12271718829941947;
    q = q * u + 0.32158541645431743;
  } else {
    const u = (1 / ax - 0.25) / 0.08333333333333333;
    q = 3.87996817100948e-14;
    q = q * u + 1.894702385942244e-14;
    q = q * u + -1.7120092680052203e-13;
    q = q * u + -1.944317027636854e-12;
    q = q * u + 1.9956510304679212e-11;
    q = q * u + -6.568198677628787e-11;
    q = q * u + -6.395282762284362e-10;
    q = q * u + 1.079008639447407e-08;
    q = q * u + -5.69287333295448e-08;
    q = q * u + -3.8691625448248314e-07;
    q = q * u + 1.0247465504431865e-05;
    q = q * u + -6.534024249384695e-05;
    q = q * u + -0.0011207880511637694;
    q = q * u + 0.04317800812669523;
    q = q * u + 0.1369994576250615;
  }
  const r = 1 - Math.exp(-ax * ax) * q;
  return x < 0 ? -r : r;
}

/** @internal The primitive behind {@link erf}: shape and dtype rules, kernel key and VJP. */
export const erfOp = definePrimitive({
  name: 'erf',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: floatRule('erf'),
  scalar: erfScalar,
  save: { inputs: true },
  // d/dx erf(x) = 2/sqrt(pi) exp(-x^2)
  vjp: (g, { inputs: [x] }) => [g.mul(x!.square().neg().exp().mul(2 / Math.sqrt(Math.PI)))],
  testDomain: { min: -4, max: 4 },
});

/**
 * The Gauss error function, elementwise: erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt.
 * Gradient: 2/sqrt(pi) * exp(-x^2) g.
 * @param x - Any tensor (integer inputs compute in float32).
 * @returns A tensor of x's shape.
 * @example erf(tensor([0, 1])).tolist(); // [0, 0.8427...]
 */
export function erf(x: Tensor): Tensor {
  return apply(erfOp, [x], {});
}
