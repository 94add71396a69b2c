// Functional front doors: noGrad/enableGrad scopes and the grad/valueAndGrad transforms.

import { ValueError } from '../errors.js';
import { isGradEnabled, setGradEnabled } from '../grad-mode.js';
import { zerosLike } from '../ops/creation.js';
import { Tensor } from '../tensor.js';
import { autogradGrad } from './backward.js';

/**
 * Runs `fn` without recording the autograd graph (torch.no_grad); returns its result. Use it for
 * evaluation and for in-place parameter updates.
 * @param fn - The code to run.
 * @returns What `fn` returns.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * noGrad(() => w.mul(2)).requiresGrad; // false
 */
export function noGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(false);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/**
 * Runs `fn` with graph recording on, even inside noGrad (torch.enable_grad).
 * @param fn - The code to run.
 * @returns What `fn` returns.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * noGrad(() => enableGrad(() => w.mul(2))).requiresGrad; // true
 */
export function enableGrad<T>(fn: () => T): T {
  const prev = setGradEnabled(true);
  try {
    return fn();
  } finally {
    setGradEnabled(prev);
  }
}

/** Which arguments `grad` differentiates: one index (a tensor back) or several (an array back). */
export interface GradOptions<N extends number | readonly number[]> {
  /** Index of the argument to differentiate (default 0), or several indices for an array of gradients. */
  argnums?: N;
}

/**
 * One gradient for one argnum, an array for several.
 * @inline
 */
type GradResult<N> = N extends number ? Tensor : Tensor[];

function differentiate<N extends number | readonly number[]>(
  f: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  argnums: N,
): [Tensor, GradResult<N>] {
  const idx = typeof argnums === 'number' ? [argnums] : [...(argnums as readonly number[])];
  for (const i of idx) {
    if (!(xs[i] instanceof Tensor)) throw new ValueError('grad', `argument ${i} is not a Tensor`);
  }
  // Nested transforms (grad of grad) see inputs that already require grad: keep them in the
  // graph and record this backward so the outer transform can differentiate it.
  const nested = isGradEnabled() && idx.some((i) => xs[i]!.requiresGrad);
  const args = xs.map((x, i) => (idx.includes(i) && !x.requiresGrad ? x.detach().requiresGrad_() : x));
  const value = enableGrad(() => f(...args));
  const grads = autogradGrad(value, idx.map((i) => args[i]!), { createGraph: nested, allowUnused: true }).map(
    (g, k) => g ?? zerosLike(args[idx[k]!]!),
  );
  const out = (typeof argnums === 'number' ? grads[0]! : grads) as GradResult<N>;
  return [nested ? value : value.detach(), out];
}

/**
 * Transforms a scalar function into its gradient function (JAX's grad, tfjs's grad): by default
 * the gradient with respect to the first argument; `argnums: [0, 1]` gives an array. Nesting
 * works: `grad(grad(f))` gives second derivatives.
 *
 * @param f - A function of tensors returning a scalar (0-d or one-element) tensor.
 * @param opts - `argnums`: which arguments to differentiate.
 * @returns A function with `f`'s parameters that returns d f / d x (each gradient has its input's shape).
 * @example
 * const df = grad((x: Tensor) => x.pow(3).sum());
 * df(tensor([2])).tolist(); // [12]
 * grad(grad((x: Tensor) => x.pow(3).sum()))(tensor([2])).tolist(); // [12]
 * const [ga, gb] = grad((a: Tensor, b: Tensor) => a.mul(b).sum(), { argnums: [0, 1] })(tensor([2]), tensor([5]));
 * [ga.item(), gb.item()]; // [5, 2]
 */
export function grad<N extends number | readonly number[] = 0>(f: (...xs: Tensor[]) => Tensor, opts: GradOptions<N> = {}): (...xs: Tensor[]) => GradResult<N> {
  const argnums = (opts.argnums ?? 0) as N;
  return (...xs) => differentiate(f, xs, argnums)[1];
}

/**
 * Like `grad`, but returns `[value, gradient]` from one forward pass.
 * @param f - A function of tensors returning a scalar tensor.
 * @param opts - `argnums`: which arguments to differentiate.
 * @returns A function returning `[f(...xs), gradient]`, the gradient shaped as in {@link grad}.
 * @example
 * const [v, g] = valueAndGrad((x: Tensor) => x.square().sum())(tensor([3]));
 * [v.item(), g.tolist()]; // [9, [6]]
 */
export function valueAndGrad<N extends number | readonly number[] = 0>(
  f: (...xs: Tensor[]) => Tensor,
  opts: GradOptions<N> = {},
): (...xs: Tensor[]) => [Tensor, GradResult<N>] {
  const argnums = (opts.argnums ?? 0) as N;
  return (...xs) => differentiate(f, xs, argnums);
}
