// Integrated gradients (Sundararajan et al. 2017): the attribution of input i is
// (x_i - x'_i) * integral over a in [0, 1] of df/dx_i at x' + a (x - x'), so the attributions sum to
// f(x) - f(x') (completeness). The integral is taken by Gauss-Legendre quadrature, exact for
// polynomials of degree 2n - 1 in a, which reaches a small completeness error with few steps.

import { type Tensor, ValueError, enableGrad, grad, stack, tensor } from '@tsgrad/core';

/**
 * Nodes and weights of n-point Gauss-Legendre quadrature on [0, 1] (Newton's method on the
 * Legendre polynomial P_n; the weights sum to 1).
 * @param n - Number of points (1 to 1024).
 * @returns The nodes in increasing order and their weights.
 * @example
 * const { nodes, weights } = gaussLegendre(2); // nodes (1 ∓ 1/√3) / 2, weights 1/2
 * nodes; // [0.2113248654, 0.7886751346] (about)
 * weights; // [0.5, 0.5] (about)
 */
export function gaussLegendre(n: number): {
  /** The points in (0, 1), increasing. */
  nodes: number[];
  /** Their weights (sum 1). */
  weights: number[];
} {
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new ValueError('gaussLegendre', `the number of points must be an integer in [1, 1024], got ${n}`);
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5)); // Tricomi's first guess of the i-th root
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let [p0, p1] = [1, x];
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      const pn = n === 1 ? x : p1;
      const pm = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pm)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    if (n === 1) dp = 1;
    const w = n === 1 ? 2 : 2 / ((1 - x * x) * dp * dp);
    // map [-1, 1] to [0, 1]: node (1 + x) / 2, weight w / 2
    nodes[n - 1 - i] = (1 + x) / 2;
    weights[n - 1 - i] = w / 2;
    nodes[i] = (1 - x) / 2;
    weights[i] = w / 2;
  }
  return { nodes, weights };
}

/** Options of {@link integratedGradients}. */
export interface IntegratedGradientsOptions {
  /** Points on the path (default 64). */
  steps?: number;
  /** 'gauss-legendre' (default) or 'riemann-midpoint' (equal weights at the interval midpoints). */
  rule?: 'gauss-legendre' | 'riemann-midpoint';
  /** Path points per forward pass (default: all of them). */
  batchSize?: number;
}

/** Attributions and the completeness check. */
export interface IntegratedGradientsResult {
  /** Attributions, the shape of the input. */
  attributions: Tensor;
  /** f(input). */
  output: number;
  /** f(baseline). */
  baselineOutput: number;
  /** The sum of the attributions. */
  sum: number;
  /** |sum - (f(x) - f(x'))| / |f(x) - f(x')| (absolute when f(x) = f(x')). */
  completenessError: number;
}

/**
 * Integrated gradients of a scalar function of one tensor: `f` maps a batch of inputs (N, ...shape)
 * to N outputs, each depending on its own row only (put models in eval mode).
 *
 * # Shapes
 * - input, baseline: (...shape); f: (N, ...shape) -> (N); attributions: (...shape)
 *
 * @example
 * // f(x) = x · w is linear: the attributions are exactly (x - x') * w
 * const w = tensor([2, -1, 3]);
 * const ig = integratedGradients((x) => x.mul(w).sum(-1), tensor([1, 2, 3]), zeros([3]), { steps: 4 });
 * ig.attributions.tolist(); // [2, -2, 9]
 * ig.completenessError < 1e-6; // true
 * @param f - The function, batched over the first dimension.
 * @param input - The input x.
 * @param baseline - The baseline x' (the same shape).
 * @param opts - `steps`, `rule` and `batchSize`.
 * @returns The attributions and the completeness check.
 */
export function integratedGradients(f: (x: Tensor) => Tensor, input: Tensor, baseline: Tensor, opts: IntegratedGradientsOptions = {}): IntegratedGradientsResult {
  if (input.shape.join() !== baseline.shape.join()) throw new ValueError('integratedGradients', `the baseline's shape [${baseline.shape}] differs from the input's [${input.shape}]`);
  const steps = opts.steps ?? 64;
  const rule = opts.rule ?? 'gauss-legendre';
  if (rule !== 'gauss-legendre' && rule !== 'riemann-midpoint') throw new ValueError('integratedGradients', `unknown rule '${String(rule)}'`, {}, "use 'gauss-legendre' or 'riemann-midpoint'");
  const { nodes, weights } = rule === 'gauss-legendre' ? gaussLegendre(steps) : { nodes: Array.from({ length: steps }, (_, i) => (i + 0.5) / steps), weights: new Array<number>(steps).fill(1 / steps) };
  const x = input.detach();
  const x0 = baseline.detach().to(x.dtype);
  const delta = x.sub(x0);
  const batch = opts.batchSize ?? steps;
  let avg: Tensor | undefined;
  for (let i = 0; i < steps; i += batch) {
    const a = nodes.slice(i, i + batch);
    const w = weights.slice(i, i + batch);
    const shape = [a.length, ...x.shape.map(() => 1)];
    const path = x0.unsqueeze(0).add(delta.unsqueeze(0).mul(tensor(a, { dtype: x.dtype, shape, device: x.device }))); // (n, ...)
    const g = enableGrad(() => grad((p: Tensor) => f(p).sum())(path)) as Tensor; // (n, ...)
    const part = g.mul(tensor(w, { dtype: x.dtype, shape, device: x.device })).sum(0);
    avg = avg ? avg.add(part) : part;
  }
  const attributions = avg!.mul(delta);
  const both = f(stack([x, x0])).detach().tolist() as number[];
  const [output, baselineOutput] = [both[0]!, both[1]!];
  const sum = attributions.sum().item();
  const diff = output - baselineOutput;
  const completenessError = Math.abs(sum - diff) / (diff === 0 ? 1 : Math.abs(diff));
  return { attributions, output, baselineOutput, sum, completenessError };
}
