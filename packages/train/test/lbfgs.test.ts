// step(closure) and L-BFGS: hand-worked first steps on a quadratic (the first step is
// min(1, 1/|g|_1) lr along -g; with one correction pair on an identity Hessian the next step is
// exact), the minimum of a 2-D quadratic, and the Rosenbrock function's minimum at (1, 1), which
// PyTorch's LBFGS with strong-Wolfe line search reaches from (-1.5, 2).
import { describe, expect, test } from 'vitest';
import { type Tensor, tensor } from '@tsgrad/core';
import { LBFGS, SGD } from '@tsgrad/train';

const closureOf = (opt: { zeroGrad(): void }, f: () => Tensor) => () => {
  opt.zeroGrad();
  const l = f();
  l.backward();
  return l;
};

describe('step(closure)', () => {
  test('SGD evaluates the closure, steps, and returns its loss', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const opt = new SGD([w], { lr: 0.1 });
    const loss = opt.step(closureOf(opt, () => w.square().sum()));
    expect(loss!.item()).toBe(5);
    expect(w.tolist()).toEqual([0.8, 1.6].map(Math.fround)); // w - 0.1 * 2w
    expect(new SGD([w], { lr: 0.1 }).step()).toBeUndefined();
  });
});

describe('LBFGS', () => {
  test('fixed steps: the first is min(1, 1/|g|_1) lr along -g, the second exact on an identity Hessian', () => {
    const c = tensor([3, 4], { dtype: 'float64' });
    const x = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
    const f = () => x.sub(c).square().sum().mul(0.5); // gradient x - c
    const one = new LBFGS([x], { maxIter: 1 });
    one.step(closureOf(one, f));
    expect(x.tolist()).toEqual([3 / 7, 4 / 7]); // g = [-3, -4], |g|_1 = 7
    const y = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
    const two = new LBFGS([y], { maxIter: 2, maxEval: 10 }); // maxEval defaults to floor(1.25 maxIter) = 2, which would stop after one iteration, as in PyTorch
    two.step(closureOf(two, () => y.sub(c).square().sum().mul(0.5)));
    const [a, b] = y.tolist() as number[];
    expect(Math.abs(a! - 3) + Math.abs(b! - 4)).toBeLessThan(1e-12);
    expect(two.funcEvals).toBe(2); // the last iteration's point is not evaluated
  });

  test('strong-Wolfe line search solves a 2-D quadratic: A x = b', () => {
    // f = x^T A x / 2 - b^T x with A = [[3, 1], [1, 2]], b = [1, 1]: x* = A^-1 b = [1/5, 2/5]
    const A = tensor([[3, 1], [1, 2]], { dtype: 'float64' });
    const bv = tensor([1, 1], { dtype: 'float64' });
    const x = tensor([2, -1], { dtype: 'float64', requiresGrad: true });
    const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe', toleranceChange: 1e-15, toleranceGrad: 1e-12 });
    opt.step(closureOf(opt, () => x.unsqueeze(0).matmul(A).matmul(x.unsqueeze(1)).sum().mul(0.5).sub(bv.mul(x).sum())));
    const [p, q] = x.tolist() as number[];
    expect(Math.abs(p! - 0.2)).toBeLessThan(1e-7);
    expect(Math.abs(q! - 0.4)).toBeLessThan(1e-7);
  });

  test('Rosenbrock: from (-1.5, 2) to its minimum (1, 1)', () => {
    const xy = tensor([-1.5, 2], { dtype: 'float64', requiresGrad: true });
    const rosenbrock = () => {
      const [a, b] = [xy.index([0]), xy.index([1])];
      return b.sub(a.square()).square().mul(100).add(a.neg().add(1).square());
    };
    const opt = new LBFGS([xy], { lineSearchFn: 'strong_wolfe' });
    let loss = Infinity;
    for (let i = 0; i < 10 && loss > 1e-14; i++) loss = opt.step(closureOf(opt, rosenbrock))!.item();
    const [a, b] = xy.tolist() as number[];
    expect(Math.abs(a! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(b! - 1)).toBeLessThan(1e-5);
  });

  test('errors: no closure, several groups, an unknown line search', () => {
    const w = tensor([1], { requiresGrad: true });
    expect(() => new LBFGS([w]).step()).toThrow(/needs a closure/);
    expect(() => new LBFGS([w], { lineSearchFn: 'armijo' as never })).toThrow(/only 'strong_wolfe'/);
  });
});
