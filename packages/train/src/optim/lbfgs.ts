// L-BFGS (torch.optim.LBFGS): a quasi-Newton method that re-evaluates the loss through a closure,
// with PyTorch's two-loop recursion, step sizes, stopping rules and strong-Wolfe line search
// (Nocedal & Wright, Algorithms 3.5 and 3.6, with cubic interpolation). The flat parameter vector
// and the history live on the host as float64 arrays.

import { Tensor, ValueError, canReadSync, enableGrad, fromArray, noGrad } from '@tsgrad/core';
import { Optimizer, type ParamEntry } from './optimizer.js';

/** LBFGS hyper-parameters (PyTorch's names and defaults). */
export interface LBFGSOptions {
  /** Learning rate: the step length tried first (default 1). */
  lr?: number;
  /** Iterations per `step` (default 20). */
  maxIter?: number;
  /** Closure evaluations per `step` (default maxIter * 1.25). */
  maxEval?: number;
  /** Stop when the largest gradient entry is at most this (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss or the step changes less than this (default 1e-9). */
  toleranceChange?: number;
  /** Correction pairs kept (default 100). */
  historySize?: number;
  /** `'strong_wolfe'` for the line search, or undefined for fixed steps of `lr` (default). */
  lineSearchFn?: 'strong_wolfe';
}

/** @inline */
type H = Required<Omit<LBFGSOptions, 'lr' | 'lineSearchFn'>> & {
  /** The line search, or null. */
  lineSearchFn: 'strong_wolfe' | null;
};

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const absMax = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2sq);
  const pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(pos, lo), hi);
}

type Evaluate = (t: number) => [number, Float64Array];

/** Strong-Wolfe line search along d from step t: [loss, gradient, step, evaluations]. */
function strongWolfe(evaluate: Evaluate, t: number, d: Float64Array, f: number, g: Float64Array, gtd: number, c1 = 1e-4, c2 = 0.9, tol = 1e-9, maxLs = 25): [number, Float64Array, number, number] {
  const dNorm = absMax(d);
  let [fNew, gNew] = evaluate(t);
  let evals = 1;
  let gtdNew = dot(gNew, d);
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let iter = 0;
  let br: number[] = [];
  let bf: number[] = [];
  let bg: Float64Array[] = [];
  let bgtd: number[] = [];
  // bracketing: find an interval holding points that satisfy the strong Wolfe conditions
  while (iter < maxLs) {
    if (fNew > f + c1 * t * gtd || (iter > 1 && fNew >= fPrev)) {
      [br, bf, bg, bgtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      [br, bf, bg, bgtd] = [[t], [fNew], [gNew], [gtdNew]];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      [br, bf, bg, bgtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    const next = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [t + 0.01 * (t - tPrev), t * 10]);
    [tPrev, fPrev, gPrev, gtdPrev] = [t, fNew, gNew, gtdNew];
    t = next;
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
  }
  if (iter === maxLs) [br, bf, bg, bgtd] = [[0, t], [f, fNew], [g, gNew], [gtd, gtdNew]];
  // zoom: shrink the bracket until a point satisfies the conditions
  let insufficient = false;
  let [low, high] = bf[0]! <= bf[bf.length - 1]! ? [0, 1] : [1, 0];
  while (!done && iter < maxLs) {
    if (Math.abs(br[1]! - br[0]!) * dNorm < tol) break;
    t = cubicInterpolate(br[0]!, bf[0]!, bgtd[0]!, br[1]!, bf[1]!, bgtd[1]!);
    const [bmin, bmax] = [Math.min(br[0]!, br[1]!), Math.max(br[0]!, br[1]!)];
    const eps = 0.1 * (bmax - bmin);
    if (Math.min(bmax - t, t - bmin) < eps) {
      if (insufficient || t >= bmax || t <= bmin) {
        t = Math.abs(t - bmax) < Math.abs(t - bmin) ? bmax - eps : bmin + eps;
        insufficient = false;
      } else insufficient = true;
    } else insufficient = false;
    [fNew, gNew] = evaluate(t);
    evals++;
    gtdNew = dot(gNew, d);
    iter++;
    if (fNew > f + c1 * t * gtd || fNew >= bf[low]!) {
      [br[high], bf[high], bg[high], bgtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bf[0]! <= bf[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) done = true;
      else if (gtdNew * (br[high]! - br[low]!) >= 0) [br[high], bf[high], bg[high], bgtd[high]] = [br[low]!, bf[low]!, bg[low]!, bgtd[low]!];
      [br[low], bf[low], bg[low], bgtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return [bf[low]!, bg[low]!, br[low]!, evals];
}

/**
 * L-BFGS (torch.optim.LBFGS): each `step(closure)` runs up to `maxIter` quasi-Newton iterations,
 * re-evaluating the loss and gradients through the closure (which clears the gradients, computes
 * the loss, calls `backward()` and returns the loss). Directions come from the last `historySize`
 * correction pairs by the two-loop recursion; the step is `lr` (the first iteration's
 * min(1, 1/|g|_1) lr), or found by a strong-Wolfe line search with `lineSearchFn: 'strong_wolfe'`.
 * It stops, as PyTorch's, when the gradient, the step or the loss change falls below the
 * tolerances. One parameter group only; parameters must be readable synchronously (the CPU).
 * The history is not part of `stateDict()`, so a loaded optimizer restarts it.
 * @example
 * const xy = tensor([-1.5, 2], { dtype: 'float64', requiresGrad: true });
 * const rosenbrock = () => xy.index([1]).sub(xy.index([0]).square()).square().mul(100).add(xy.index([0]).neg().add(1).square()).sum();
 * const opt = new LBFGS([xy], { lineSearchFn: 'strong_wolfe' });
 * for (let i = 0; i < 5; i++) opt.step(() => { opt.zeroGrad(); const l = rosenbrock(); l.backward(); return l; });
 * xy.tolist().map((v) => Math.round(v * 1e4) / 1e4); // [1, 1]
 */
export class LBFGS extends Optimizer<Record<string, never>, H> {
  private d: Float64Array | null = null;
  private t = 0;
  private dirs: Float64Array[] = [];
  private stps: Float64Array[] = [];
  private ro: number[] = [];
  private hDiag = 1;
  private prevGrad: Float64Array | null = null;
  private prevLoss = 0;
  private nIter = 0;
  /** Closure evaluations so far (PyTorch's state['func_evals']). */
  funcEvals = 0;

  /**
   * @param params - The parameters (one group).
   * @param opts - lr, maxIter, maxEval, toleranceGrad, toleranceChange, historySize, lineSearchFn.
   */
  constructor(params: Iterable<ParamEntry>, opts: LBFGSOptions = {}) {
    const maxIter = opts.maxIter ?? 20;
    super(params, {
      lr: opts.lr ?? 1, maxIter, maxEval: opts.maxEval ?? Math.floor(maxIter * 1.25), toleranceGrad: opts.toleranceGrad ?? 1e-7,
      toleranceChange: opts.toleranceChange ?? 1e-9, historySize: opts.historySize ?? 100, lineSearchFn: opts.lineSearchFn ?? null,
    });
    if (this.paramGroups.length !== 1) throw new ValueError('LBFGS', "LBFGS doesn't support per-parameter options (parameter groups)");
    if (opts.lineSearchFn !== undefined && opts.lineSearchFn !== 'strong_wolfe') throw new ValueError('LBFGS', `only 'strong_wolfe' is supported, got '${String(opts.lineSearchFn)}'`);
  }

  protected initState(): Record<string, never> {
    return {};
  }

  protected update(): Record<string, never> {
    return {};
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  private flatParams(): Float64Array {
    return Float64Array.from(this.params.flatMap((p) => Array.from(p.dataSync())));
  }

  private flatGrad(): Float64Array {
    return Float64Array.from(this.params.flatMap((p) => (p.grad ? Array.from(p.grad.dataSync()) : new Array<number>(p.numel()).fill(0))));
  }

  private setFlat(x: Float64Array): void {
    let at = 0;
    noGrad(() => {
      for (const p of this.params) {
        p.copy_(fromArray(x.slice(at, at + p.numel()), p.shape, { dtype: 'float64' }));
        at += p.numel();
      }
    });
  }

  private evalLoss(closure: () => Tensor | number): number {
    const l = enableGrad(closure);
    return typeof l === 'number' ? l : l.item();
  }

  /**
   * Runs up to `maxIter` iterations (see the class).
   * @param closure - Clears the gradients, computes the loss, calls `backward()` and returns the loss.
   * @returns The loss the closure returned first.
   */
  override step<L = Tensor>(closure?: () => L): L | undefined {
    if (!closure) throw new ValueError('LBFGS.step', 'LBFGS needs a closure that re-evaluates the model', {}, 'opt.step(() => { opt.zeroGrad(); const loss = f(); loss.backward(); return loss; })');
    const bad = this.params.find((p) => !canReadSync(p));
    if (bad) throw new ValueError('LBFGS.step', `LBFGS keeps its history on the host and reads parameters synchronously; one lives on '${bad.device}'`, {}, "train with LBFGS on the cpu");
    const g = this.paramGroups[0]!;
    const run = closure as unknown as () => Tensor | number;
    const origLoss = enableGrad(closure);
    let loss = typeof origLoss === 'number' ? origLoss : (origLoss as Tensor).item();
    let evals = 1;
    this.funcEvals++;
    let grad = this.flatGrad();
    if (absMax(grad) <= g.toleranceGrad) return origLoss;
    for (let n = 1; n <= g.maxIter; n++) {
      this.nIter++;
      if (this.nIter === 1) {
        this.d = grad.map((v) => -v);
        [this.dirs, this.stps, this.ro, this.hDiag] = [[], [], [], 1];
      } else {
        const y = grad.map((v, i) => v - this.prevGrad![i]!);
        const s = this.d!.map((v) => v * this.t);
        const ys = dot(y, s);
        if (ys > 1e-10) {
          if (this.dirs.length === g.historySize) [this.dirs.shift(), this.stps.shift(), this.ro.shift()];
          this.dirs.push(y);
          this.stps.push(s);
          this.ro.push(1 / ys);
          this.hDiag = ys / dot(y, y);
        }
        // the two-loop recursion: d = -H g with the inverse Hessian estimate H
        const al = new Array<number>(this.dirs.length);
        const q = grad.map((v) => -v);
        for (let i = this.dirs.length - 1; i >= 0; i--) {
          al[i] = dot(this.stps[i]!, q) * this.ro[i]!;
          for (let j = 0; j < q.length; j++) q[j]! -= al[i]! * this.dirs[i]![j]!;
        }
        const r = q.map((v) => v * this.hDiag);
        for (let i = 0; i < this.dirs.length; i++) {
          const be = dot(this.dirs[i]!, r) * this.ro[i]!;
          for (let j = 0; j < r.length; j++) r[j]! += (al[i]! - be) * this.stps[i]![j]!;
        }
        this.d = r;
      }
      this.prevGrad = grad.slice();
      this.prevLoss = loss;
      this.t = this.nIter === 1 ? Math.min(1, 1 / grad.reduce((a, v) => a + Math.abs(v), 0)) * g.lr : g.lr;
      const d = this.d!;
      const gtd = dot(grad, d);
      if (gtd > -g.toleranceChange) break;
      let lsEvals = 0;
      const x0 = this.flatParams();
      if (g.lineSearchFn === 'strong_wolfe') {
        const evaluate: Evaluate = (t) => {
          this.setFlat(x0.map((v, i) => v + t * d[i]!));
          const f = this.evalLoss(run);
          const gr = this.flatGrad();
          this.setFlat(x0);
          return [f, gr];
        };
        [loss, grad, this.t, lsEvals] = strongWolfe(evaluate, this.t, d, loss, grad, gtd);
        this.setFlat(x0.map((v, i) => v + this.t * d[i]!));
      } else {
        this.setFlat(x0.map((v, i) => v + this.t * d[i]!));
        if (n !== g.maxIter) {
          loss = this.evalLoss(run);
          grad = this.flatGrad();
          lsEvals = 1;
        }
      }
      evals += lsEvals;
      this.funcEvals += lsEvals;
      if (n === g.maxIter || evals >= g.maxEval || absMax(grad) <= g.toleranceGrad) break;
      if (absMax(d) * Math.abs(this.t) <= g.toleranceChange || Math.abs(loss - this.prevLoss) < g.toleranceChange) break;
    }
    return origLoss;
  }
}
