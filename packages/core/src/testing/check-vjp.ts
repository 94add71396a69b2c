// checkVjp: the random-direction VJP check (JAX's check_vjp): <J^T c, t> must equal <c, J t>,
// the right side by central differences. Two forward passes and one backward, any tensor size.

import { autogradGrad } from '../autograd/backward.js';
import { Generator } from '../rng.js';
import { fromArray } from '../ops/creation.js';
import { isFloat } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { GradcheckError } from './gradcheck.js';

/** Options of checkVjp. */
export interface CheckVjpOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Seeds the random tangents and cotangents. */
  seed?: number;
  /** Name used in failure messages. */
  name?: string;
}

function randomLike(x: Tensor, g: Generator): Tensor {
  const d = new Float64Array(x.numel());
  g.fillNormal(d);
  return fromArray(x.dtype === 'float64' ? d : Float32Array.from(d), x.shape, { dtype: x.dtype });
}

function dot(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
}

/**
 * Checks `f`'s VJP in one random direction per input: sum_i <grad_i, t_i> against
 * <c, (f(x + eps t) - f(x - eps t)) / (2 eps)>. Only inputs that require grad are perturbed.
 * One check costs two forward passes and one backward pass, whatever the size; throws a
 * {@link GradcheckError} on a mismatch.
 *
 * @param f - The function: tensors in, one tensor out.
 * @param xs - Its arguments (float64 for tight tolerances).
 * @param opts - `eps`, `rtol`, `atol`, `seed`, `name`.
 * @example
 * checkVjp((a, b) => a.mul(b).sum(-1), [randn([2, 3], { dtype: 'float64', requiresGrad: true }), randn([3], { dtype: 'float64', requiresGrad: true })]);
 */
export function checkVjp(f: (...xs: Tensor[]) => Tensor, xs: readonly Tensor[], opts: CheckVjpOptions = {}): void {
  const { eps = 1e-6, rtol = 1e-5, atol = 1e-8, seed = 0, name = 'checkVjp' } = opts;
  const gen = new Generator(seed);
  const idx = xs.map((x, i) => (x.requiresGrad && isFloat(x.dtype) ? i : -1)).filter((i) => i >= 0);
  const tangents = xs.map((x) => randomLike(x, gen));
  const y = f(...xs);
  const c = randomLike(y, gen);
  const grads = y.requiresGrad ? autogradGrad(y, idx.map((i) => xs[i]!), { gradOutputs: [c], allowUnused: true }) : idx.map(() => null);
  let lhs = 0;
  grads.forEach((g, k) => {
    if (g) lhs += dot(g, tangents[idx[k]!]!);
  });
  const shifted = (sign: number) => f(...xs.map((x, i) => (idx.includes(i) ? x.detach().add(tangents[i]!.mul(sign * eps)) : x)));
  const plus = shifted(1);
  const minus = shifted(-1);
  const rhs = dot(c, plus.sub(minus).div(2 * eps));
  if (!(Math.abs(lhs - rhs) <= atol + rtol * Math.abs(rhs))) {
    throw new GradcheckError(name, `VJP mismatch: <J^T c, t> = ${lhs} but <c, J t> = ${rhs} by central differences`,
      Object.fromEntries(xs.map((x, i) => [`input ${i}`, { shape: x.shape, dtype: x.dtype }])), `eps ${eps}, rtol ${rtol}, atol ${atol}`);
  }
}
