// Shape rules and gradient plumbing shared by reductions (sum, amax/amin, argmax/argmin).

import { ValueError } from '../../errors.js';
import { normalizeDims, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';

/** Attributes of a reduction over `dims` (normalised, sorted). */
export type ReduceAttrs = { readonly dims: readonly number[]; readonly keepdim: boolean };

/** The shape left after reducing `dims` (kept as size 1 with keepdim). */
export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Normalised reduce attributes; `dim` undefined (or []) means every dim, as in PyTorch. */
export function reduceAttrs(op: string, x: Tensor, dim: number | readonly number[] | undefined, keepdim: boolean): ReduceAttrs {
  const all = dim === undefined || (Array.isArray(dim) && dim.length === 0);
  return { dims: normalizeDims(op, all ? undefined : dim, x.shape), keepdim };
}

/** Reshapes a reduced tensor back to rank of `shape` (size 1 at the reduced dims). */
export function keepdimView(t: Tensor, shape: Shape, { dims, keepdim }: ReduceAttrs): Tensor {
  return keepdim ? t : t.reshape(reducedShape(shape, dims, true));
}

/** Broadcasts a reduced gradient back over the input's shape (the VJP of sum). */
export function expandReduced(g: Tensor, shape: Shape, attrs: ReduceAttrs): Tensor {
  return keepdimView(g, shape, attrs).expand(shape);
}

/** Throws when a reduction that has no identity (max, argmax) would reduce a size-0 dim. */
export function checkNonEmpty(op: string, x: Tensor, dims: readonly number[]): void {
  const bad = dims.find((d) => x.shape[d] === 0);
  if (bad !== undefined) {
    throw new ValueError(op, `cannot reduce over a dim of size 0 (dim ${bad}): the result has no identity`, { x: x.shape },
      'slice the empty dim away, or use sum, which is 0 on empty input');
  }
}
