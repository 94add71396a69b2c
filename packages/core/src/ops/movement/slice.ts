// slice (a strided view along one dim) and sliceScatter (its adjoint: embed a slice into a tensor).

import { IndexError, ShapeError, ValueError } from '../../errors.js';
import { normalizeDim, shapesEqual, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../creation.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';

// A 0-d tensor has no dim to slice (normalizeDim accepts dim 0 on it, as PyTorch's wrap rule).
function noScalar(op: string, x: Tensor): void {
  if (x.ndim === 0) throw new IndexError(op, 'cannot be applied to a 0-d tensor', { x: x.shape }, 'unsqueeze it first, or use the tensor itself');
}

/** A normalised slice: elements start, start + step, ... below end, along dim. */
/** @internal A normalised slice: elements start, start + step, ... below end, along dim. */
export type SliceAttrs = { readonly dim: number; readonly start: number; readonly end: number; readonly step: number };

function sliceShape(shape: Shape, { dim, start, end, step }: SliceAttrs): number[] {
  const out = [...shape];
  out[dim] = end > start ? Math.ceil((end - start) / step) : 0;
  return out;
}

/** @internal Normalises Python-style bounds (negative counts from the end; out-of-range clamps, as PyTorch). */
export function sliceAttrs(op: string, x: Tensor, dim: number, start = 0, end = Infinity, step = 1): SliceAttrs {
  noScalar(op, x);
  const d = normalizeDim(op, dim, x.shape);
  const n = x.shape[d]!;
  if (!Number.isInteger(step) || step <= 0) throw new ValueError(op, `step must be a positive integer, got ${step}`);
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  if (!Number.isInteger(start) || (!Number.isInteger(end) && end !== Infinity)) {
    throw new ValueError(op, `start and end must be integers, got ${start} and ${end}`);
  }
  return { dim: d, start: clamp(start), end: Math.max(clamp(end), clamp(start)), step };
}

/** @internal The primitive behind {@link slice}: shape and dtype rules, kernel key and VJP. */
export const sliceOp: PrimitiveDef<SliceAttrs> = definePrimitive<SliceAttrs>({
  name: 'slice',
  kind: 'view',
  args: ['x'],
  shape: ([x], attrs) => sliceShape(x!.shape, attrs),
  dtype: ([x]) => x!.dtype,
  view: (x, { dim, start, step }) => ({
    strides: x.strides.map((s, i) => (i === dim ? s * step : s)),
    offset: x.offset + start * (x.strides[dim] ?? 0),
  }),
  // the gradient of a slice is zero outside it
  vjp: (g, { shapes: [shape], attrs }) => [apply(sliceScatterOp, [zeros(shape!, { dtype: g.dtype, device: g.device }), g], attrs)],
  testDomain: { min: -3, max: 3 },
});

/** @internal The primitive behind {@link sliceScatter}: shape and dtype rules, kernel key and VJP. */
export const sliceScatterOp: PrimitiveDef<SliceAttrs> = definePrimitive<SliceAttrs>({
  name: 'sliceScatter',
  kind: 'other',
  args: ['input', 'src'],
  shape: ([x, src], attrs) => {
    const expected = sliceShape(x!.shape, attrs);
    if (!shapesEqual(expected, src!.shape)) {
      throw new ShapeError('sliceScatter', `src must have the slice's shape [${expected.join(', ')}]`, { input: x!.shape, src: src!.shape });
    }
    return x!.shape;
  },
  dtype: ([x]) => x!.dtype,
  // input keeps its gradient outside the slice; src gets the slice of the gradient
  vjp: (g, { attrs, needsInputGrad: [ni, ns] }) => [
    ni ? apply(sliceScatterOp, [g, zeros(sliceShape(g.shape, attrs), { dtype: g.dtype, device: g.device })], attrs) : null,
    ns ? apply(sliceOp, [g], attrs) : null,
  ],
  testDomain: { min: -3, max: 3 },
});

/**
 * Elements `start, start+step, ...` below `end` along `dim` (a view; bounds clamp as in Python).
 * Gradient: g written into the slice of a zero tensor of x's shape.
 * @param x - The tensor.
 * @param dim - The dim to slice.
 * @param start - First index (default 0; negative counts from the end).
 * @param end - Bound (exclusive; default the dim's size).
 * @param step - Positive step (default 1).
 * @returns A view with ceil((end - start) / step) elements along `dim`.
 * @example slice(arange(6), 0, 1, 5, 2).tolist(); // [1, 3]
 */
export function slice(x: Tensor, dim: number, start?: number, end?: number, step = 1): Tensor {
  return apply(sliceOp, [x], sliceAttrs('slice', x, dim, start, end, step));
}

/**
 * `length` elements of `dim` from `start` (a view). Gradient: g in that range, zero elsewhere.
 * @param x - The tensor.
 * @param dim - The dim to narrow.
 * @param start - First index (negative counts from the end).
 * @param length - Number of elements.
 * @returns A view with `length` elements along `dim`.
 * @example narrow(arange(5), 0, 1, 2).tolist(); // [1, 2]
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  noScalar('narrow', x);
  const d = normalizeDim('narrow', dim, x.shape);
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (!Number.isInteger(start) || !Number.isInteger(length)) {
    throw new ValueError('narrow', `start and length must be integers, got ${start} and ${length}`, { x: x.shape });
  }
  if (s < 0 || length < 0 || s + length > n) {
    throw new ValueError('narrow', `start ${start} + length ${length} exceeds dim ${dim} of size ${n}`, { x: x.shape });
  }
  return apply(sliceOp, [x], { dim: d, start: s, end: s + length, step: 1 });
}

/**
 * Index `index` of dim `dim`, with that dim removed (x[i] for dim 0). A view.
 * Gradient: g at that index, zero elsewhere.
 * @param x - The tensor (at least 1-D).
 * @param dim - The dim to index.
 * @param index - The position (negative counts from the end).
 * @returns A view with one dim fewer.
 * @example select(tensor([[1, 2], [3, 4]]), 0, 1).tolist(); // [3, 4]
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  noScalar('select', x);
  const d = normalizeDim('select', dim, x.shape);
  const n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new IndexError('select', `index ${index} is out of range for dim ${dim} of size ${n}`, { x: x.shape }, `expected index in [${-n}, ${n - 1}]`);
  }
  const i = index < 0 ? index + n : index;
  const s = apply(sliceOp, [x], { dim: d, start: i, end: i + 1, step: 1 });
  return s.reshape(x.shape.filter((_, k) => k !== d));
}

/**
 * A copy of `input` with `src` written into the slice `start:end:step` of `dim`
 * (torch.slice_scatter). Gradient: g outside the slice for input, the slice of g for src.
 * @param input - The tensor written into (not modified).
 * @param src - The values, the slice's shape.
 * @param dim - The dim to slice.
 * @param start - First index.
 * @param end - Bound (exclusive).
 * @param step - Positive step.
 * @returns A tensor of input's shape.
 * @example sliceScatter(zeros(4), ones(2), 0, 1, 3).tolist(); // [0, 1, 1, 0]
 */
export function sliceScatter(input: Tensor, src: Tensor, dim = 0, start?: number, end?: number, step = 1): Tensor {
  return apply(sliceScatterOp, [input, src], sliceAttrs('sliceScatter', input, dim, start, end, step));
}
