// gradcheck and gradgradcheck (PyTorch's torch.autograd.gradcheck): the full Jacobian from
// autograd compared with central differences, in float64. For users' own functions too.

import { autogradGrad } from '../autograd/backward.js';
import { isFloat, type TypedArray } from '../dtype.js';
import { TsgradError, ValueError } from '../errors.js';
import { fromArray, zerosLike } from '../ops/creation.js';
import { Tensor } from '../tensor.js';

/**
 * Thrown when analytical and numerical derivatives disagree; names the input and element.
 * @example
 * // a wrong gradient: the forward is x^2 but the backward says x
 * const bad = (x: Tensor) => x.square().detach().add(x.square().div(2).sub(x.square().div(2).detach()));
 * gradcheck(bad, [tensor([1.5], { dtype: 'float64', requiresGrad: true })]); // throws GradcheckError
 */
export class GradcheckError extends TsgradError {
  /** Always `'GradcheckError'`. */
  override name = 'GradcheckError';
}

/** Options of gradcheck (PyTorch's names and defaults). */
export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Name used in failure messages. */
  name?: string;
}

/**
 * A function checked by gradcheck: tensors in, a tensor or tensors out.
 * @inline
 */
type Fn = (...xs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(y: Tensor | readonly Tensor[]): Tensor[] {
  return (y instanceof Tensor ? [y] : [...y]).filter((t) => isFloat(t.dtype));
}

function readAll(t: Tensor): Float64Array {
  return Float64Array.from(t.dataSync() as ArrayLike<number>);
}

/** Replaces element `k` of input `i` by `v` in a fresh contiguous copy (other inputs unchanged). */
function withElement(xs: readonly Tensor[], i: number, data: Float64Array, k: number, v: number): Tensor[] {
  const copy = data.slice();
  copy[k] = v;
  const x = xs[i]!;
  const perturbed = fromArray(x.dtype === 'float64' ? copy : (Float32Array.from(copy) as TypedArray), x.shape, { dtype: x.dtype, device: 'cpu' });
  return xs.map((t, j) => (j === i ? perturbed : t));
}

/**
 * Checks the gradients of `f` at `inputs` against central differences, element by element, for
 * every input that requires grad. Inputs should be float64 (float32 needs loose tolerances).
 * Returns true or throws a GradcheckError that names the input, the output and the element.
 * docs/autograd.md shows how to use it on your own ops.
 *
 * @param f - The function: tensors in, a tensor (or tensors) out.
 * @param inputs - Its arguments; those with `requiresGrad` are checked.
 * @param opts - `eps` (default 1e-6), `atol`, `rtol`, `name`.
 * @returns true when every derivative matches.
 * @example
 * const x = randn([3], { dtype: 'float64', requiresGrad: true });
 * gradcheck((a) => a.sin().mul(a), [x]); // true
 */
export function gradcheck(f: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, name = 'gradcheck' } = opts;
  const checked = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (checked.length === 0) throw new ValueError(name, 'no input requires grad, so there is nothing to check', {}, 'create inputs with { requiresGrad: true }');
  const outs = outputsOf(f(...inputs));
  const outData = outs.map(readAll);
  // Analytical Jacobian, one backward pass per output element: rows[o][e] = d out_o[e] / d inputs.
  const analytic = outs.map((out, o) =>
    Array.from(outData[o]!, (_, e) => {
      const seed = new Float64Array(out.numel());
      seed[e] = 1;
      const gy = fromArray(out.dtype === 'float64' ? seed : Float32Array.from(seed), out.shape, { dtype: out.dtype, device: 'cpu' });
      const gs = out.requiresGrad
        ? autogradGrad(out, checked.map((i) => inputs[i]!), { gradOutputs: [gy], retainGraph: true, allowUnused: true })
        : checked.map(() => null);
      return gs.map((g, j) => (g ? readAll(g) : new Float64Array(inputs[checked[j]!]!.numel())));
    }),
  );
  // NOTE: perturbed copies do not require grad, so no graph is recorded here; grad mode stays on
  // because gradgradcheck's function runs autograd inside.
  {
    checked.forEach((i, j) => {
      const x = inputs[i]!;
      const data = readAll(x);
      for (let k = 0; k < data.length; k++) {
        const plus = outputsOf(f(...withElement(inputs, i, data, k, data[k]! + eps))).map(readAll);
        const minus = outputsOf(f(...withElement(inputs, i, data, k, data[k]! - eps))).map(readAll);
        plus.forEach((p, o) => {
          for (let e = 0; e < p.length; e++) {
            const numeric = (p[e]! - minus[o]![e]!) / (2 * eps);
            const a = analytic[o]![e]![j]![k]!;
            if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric)) && !(Number.isNaN(a) && Number.isNaN(numeric))) {
              throw new GradcheckError(name, `Jacobian mismatch for output ${o} element ${e} with respect to input ${i} element ${k}: analytical ${a} vs numerical ${numeric}`,
                { [`input ${i}`]: { shape: x.shape, dtype: x.dtype }, [`output ${o}`]: { shape: outs[o]!.shape } },
                x.dtype === 'float64'
                  ? `eps ${eps}, atol ${atol}, rtol ${rtol}; check the VJP formula and that inputs avoid kinks`
                  : `input ${i} is ${x.dtype}: finite differences need float64 (create the inputs with { dtype: 'float64' }) before the VJP can be blamed`);
            }
          }
        });
      }
    });
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of (inputs, gradOutputs) -> the gradients of `f`,
 * computed with createGraph (torch.autograd.gradgradcheck). `gradOutputs` defaults to random
 * values with the outputs' shapes.
 *
 * @param f - The function: tensors in, a tensor (or tensors) out.
 * @param inputs - Its arguments; those with `requiresGrad` are checked.
 * @param opts - gradcheck's options and `gradOutputs` (one per output).
 * @returns true when every second derivative matches.
 * @example
 * const x = randn([3], { dtype: 'float64', requiresGrad: true });
 * gradgradcheck((a) => a.exp().mul(a), [x]); // true
 */
export function gradgradcheck(f: Fn, inputs: readonly Tensor[], opts: GradcheckOptions & { gradOutputs?: readonly Tensor[] } = {}): true {
  const outs = outputsOf(f(...inputs));
  const gos = opts.gradOutputs
    ?? outs.map((o) => {
      const d = new Float64Array(o.numel()).map((_, i) => Math.sin(1 + i * 1.7)); // fixed, non-trivial cotangents
      return fromArray(o.dtype === 'float64' ? d : Float32Array.from(d), o.shape, { dtype: o.dtype, device: 'cpu' });
    });
  const gradOutputs = gos.map((g) => (g.requiresGrad ? g : g.detach().requiresGrad_()));
  const checked = inputs.map((x, i) => (x.requiresGrad ? i : -1)).filter((i) => i >= 0);
  const n = inputs.length;
  const firstOrder = (...xs: Tensor[]): Tensor[] => {
    const ins = xs.slice(0, n).map((x, i) => (checked.includes(i) && !x.requiresGrad ? x.detach().requiresGrad_() : x));
    const ys = outputsOf(f(...ins));
    const gs = autogradGrad(ys, checked.map((i) => ins[i]!), { gradOutputs: xs.slice(n), createGraph: true, allowUnused: true });
    return gs.map((g, j) => g ?? zerosLike(ins[checked[j]!]!));
  };
  return gradcheck(firstOrder, [...inputs, ...gradOutputs], { ...opts, name: opts.name ?? 'gradgradcheck' });
}
