// layerNorm and rmsNorm as fused primitives over the trailing `k` dims, each with a backward
// primitive that gives dx, dweight and dbias in one pass. Every `decompose` is the composite form.

import { type DType } from '../../dtype.js';
import { shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { cat } from '../cat.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { checkShapes, floatRule } from '../helpers.js';

/** @internal Attributes of the norm primitives: normalised over the last `k` dims (of total size D), `eps` resolved. */
export type NormAttrs = { readonly k: number; readonly eps: number; readonly hasWeight: boolean; readonly hasBias: boolean };
type Kind = 'layerNorm' | 'rmsNorm';

const lastDims = (x: Tensor, k: number) => Array.from({ length: k }, (_, i) => x.ndim - k + i);
const leadDims = (x: Tensor, k: number) => Array.from({ length: x.ndim - k }, (_, i) => i);
const featureSize = (x: Tensor, k: number) => x.shape.slice(x.ndim - k).reduce((a, b) => a * b, 1);
const rowCount = (x: Tensor, k: number) => x.shape.slice(0, x.ndim - k).reduce((a, b) => a * b, 1);

// x - mean (layerNorm) or x (rmsNorm), and 1 / sqrt(mean(centred^2) + eps), both keepdim
function centredAndRstd(kind: Kind, x: Tensor, dims: number[], eps: number): [Tensor, Tensor] {
  const xc = kind === 'layerNorm' ? x.sub(x.mean(dims, true)) : x;
  return [xc, xc.square().mean(dims, true).add(eps).rsqrt()];
}

function forwardOp(kind: Kind): PrimitiveDef<NormAttrs> {
  return definePrimitive<NormAttrs>({
    name: kind,
    kind: 'other',
    args: ['x', 'weight', 'bias'],
    shape: ([x]) => x!.shape,
    dtype: floatRule(kind),
    save: { inputs: true },
    // see the backward op for the formulas; the bias's gradient is sum(g) over the leading dims
    vjp: (g, { inputs, attrs }) => {
      const [x, w] = [inputs[0]!, attrs.hasWeight ? inputs[1]! : undefined];
      const r = normBackward(kind, g, x, w, attrs);
      return [r.gradInput, ...(attrs.hasWeight ? [r.gradWeight] : []), ...(attrs.hasBias ? [r.gradBias] : [])];
    },
    decompose: (inputs, { k, eps, hasWeight, hasBias }) => {
      const x = inputs[0]!;
      const [xc, rstd] = centredAndRstd(kind, x, lastDims(x, k), eps);
      const y = xc.mul(rstd);
      const scaled = hasWeight ? y.mul(inputs[1]!) : y;
      return hasBias ? scaled.add(inputs[hasWeight ? 2 : 1]!) : scaled;
    },
  });
}

function backwardOp(kind: Kind): PrimitiveDef<NormAttrs> {
  const name = `${kind}Backward`;
  const op: PrimitiveDef<NormAttrs> = definePrimitive<NormAttrs>({
    name,
    kind: 'other',
    args: ['grad', 'x', 'weight'],
    // packed [R + (hasWeight) + (hasBias), D]: rows of dx, then dweight, then dbias
    shape: (inputs, { k, hasWeight, hasBias }) => {
      checkShapes(shapesEqual(inputs[0]!.shape, inputs[1]!.shape), op, inputs, 'grad must have the shape of x');
      return [rowCount(inputs[1]!, k) + Number(hasWeight) + Number(hasBias), featureSize(inputs[1]!, k)];
    },
    dtype: floatRule(name),
    // no vjp: under autograd this op runs as its decomposition (second derivatives come from it)
    decompose: (inputs, { k, eps, hasWeight, hasBias }) => {
      const [g, x, w] = [inputs[0]!, inputs[1]!, hasWeight ? inputs[2]! : undefined];
      const dims = lastDims(x, k);
      const d = featureSize(x, k);
      const [xc, rstd] = centredAndRstd(kind, x, dims, eps);
      const xhat = xc.mul(rstd);
      const gh = w ? g.mul(w) : g;
      // layerNorm: dx = rstd (gh - mean(gh) - xhat mean(gh xhat)); rmsNorm: dx = rstd (gh - xhat mean(gh xhat))
      const centred = kind === 'layerNorm' ? gh.sub(gh.mean(dims, true)) : gh;
      const dx = centred.sub(xhat.mul(gh.mul(xhat).mean(dims, true))).mul(rstd);
      const lead = leadDims(x, k);
      const rowSum = (t: Tensor) => (lead.length === 0 ? t : t.sum(lead)).reshape([1, d]);
      const parts = [dx.reshape([rowCount(x, k), d])];
      if (hasWeight) parts.push(rowSum(g.mul(xhat))); // dweight = sum over rows of g xhat
      if (hasBias) parts.push(rowSum(g)); // dbias = sum over rows of g
      const dtype = op.dtype(inputs, { k, eps, hasWeight, hasBias });
      const same = parts.map((p) => (p.dtype === dtype ? p : p.to(dtype)));
      return same.length === 1 ? same[0]! : cat(same, 0);
    },
  });
  return op;
}

/** @internal The primitive behind {@link layerNorm}: shape and dtype rules, kernel key and VJP. */
export const layerNormOp = forwardOp('layerNorm');
/** @internal The primitive behind {@link layerNormBackward}: shape and dtype rules, kernel key and VJP. */
export const layerNormBackwardOp = backwardOp('layerNorm');
/** @internal The primitive behind {@link rmsNorm}: shape and dtype rules, kernel key and VJP. */
export const rmsNormOp = forwardOp('rmsNorm');
/** @internal The primitive behind {@link rmsNormBackward}: shape and dtype rules, kernel key and VJP. */
export const rmsNormBackwardOp = backwardOp('rmsNorm');

/** The gradients a norm's backward gives: for the input, and for the weight and bias when present. */
export interface NormGrads {
  /** Gradient with respect to the input, its shape. */
  gradInput: Tensor;
  /** Gradient with respect to the weight (shape `normalizedShape`), or null without a weight. */
  gradWeight: Tensor | null;
  /** Gradient with respect to the bias, or null without one. */
  gradBias: Tensor | null;
}

function normBackward(kind: Kind, grad: Tensor, x: Tensor, weight: Tensor | undefined, attrs: NormAttrs): NormGrads {
  const op = kind === 'layerNorm' ? layerNormBackwardOp : rmsNormBackwardOp;
  const packed = apply(op, weight ? [grad, x, weight] : [grad, x], attrs);
  const rows = rowCount(x, attrs.k);
  const ns = x.shape.slice(x.ndim - attrs.k);
  const row = (i: number) => packed.select(0, i).reshape(ns);
  return {
    gradInput: packed.narrow(0, 0, rows).reshape(x.shape),
    gradWeight: attrs.hasWeight ? row(rows) : null,
    gradBias: attrs.hasBias ? row(rows + Number(attrs.hasWeight)) : null,
  };
}

/** Options of the norm backward functions. */
export interface NormBackwardOptions {
  /** The forward had a bias (its gradient is returned). */
  bias?: boolean;
  /** The forward's epsilon. */
  eps?: number;
}

/**
 * The gradients of layerNorm over the trailing `normalizedShape` dims for the output gradient
 * `grad`, in one pass: with xhat = (x - mean) rstd and gh = grad * weight,
 * dx = rstd (gh - mean(gh) - xhat mean(gh xhat)), dweight = sum(grad xhat), dbias = sum(grad).
 * Gradient (second order): through its decomposition.
 * @param grad - Gradient of the loss with respect to the layerNorm output.
 * @param x - The layerNorm input.
 * @param normalizedShape - The trailing dims normalised over.
 * @param weight - The forward's weight, or null.
 * @param opts - `bias` (the forward had one), `eps`.
 * @returns `{ gradInput, gradWeight, gradBias }`.
 * @example layerNormBackward(ones([2, 3]), randn([2, 3]), [3]).gradInput.shape; // [2, 3]
 */
export function layerNormBackward(grad: Tensor, x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, opts: NormBackwardOptions = {}): NormGrads {
  const attrs = { k: normalizedShape.length, eps: opts.eps ?? 1e-5, hasWeight: !!weight, hasBias: !!opts.bias };
  return normBackward('layerNorm', grad, x, weight ?? undefined, attrs);
}

/**
 * The gradients of rmsNorm for `grad`, in one pass: with xhat = x rstd and gh = grad * weight,
 * dx = rstd (gh - xhat mean(gh xhat)), dweight = sum(grad xhat). `eps` defaults as in rmsNorm.
 * Gradient (second order): through its decomposition.
 * @param grad - Gradient of the loss with respect to the rmsNorm output.
 * @param x - The rmsNorm input.
 * @param normalizedShape - The trailing dims normalised over.
 * @param weight - The forward's weight, or null.
 * @param opts - `eps`.
 * @returns `{ gradInput, gradWeight, gradBias: null }`.
 * @example rmsNormBackward(ones([2, 3]), randn([2, 3]), [3]).gradInput.shape; // [2, 3]
 */
export function rmsNormBackward(grad: Tensor, x: Tensor, normalizedShape: readonly number[], weight?: Tensor | null, opts: NormBackwardOptions = {}): NormGrads {
  const attrs = { k: normalizedShape.length, eps: opts.eps ?? defaultRmsEps(x.dtype), hasWeight: !!weight, hasBias: false };
  return normBackward('rmsNorm', grad, x, weight ?? undefined, attrs);
}

// rmsNorm's default eps: the dtype's machine epsilon, as torch.nn.functional.rms_norm
function defaultRmsEps(dtype: DType): number {
  return dtype === 'float64' ? 2.220446049250313e-16 : 1.1920928955078125e-7;
}
