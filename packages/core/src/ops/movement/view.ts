// view: reinterprets a tensor with a new shape over the same storage, when the strides allow it.

import { ShapeError, ValueError, formatShape } from '../../errors.js';
import { contiguousStrides, sizeOf, type Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';

/** @internal Resolves one -1 in a requested shape against `numel`, or throws naming the op and sizes. */
export function inferShape(op: string, x: Tensor, requested: readonly number[]): number[] {
  let infer = -1;
  let known = 1;
  requested.forEach((d, i) => {
    if (d === -1) {
      if (infer >= 0) throw new ValueError(op, `only one dimension can be inferred (-1), got ${formatShape(requested)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(op, `invalid size ${d} in shape ${formatShape(requested)}`, {}, 'sizes are non-negative integers, or -1 once');
    } else known *= d;
  });
  const numel = x.numel();
  const out = [...requested];
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new ShapeError(op, `shape ${formatShape(requested)} is invalid for input of size ${numel}`, { x: x.shape },
        known === 0 ? 'the -1 is ambiguous next to a size-0 dim' : `the other sizes multiply to ${known}, which does not divide ${numel}`);
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new ShapeError(op, `shape ${formatShape(requested)} is invalid for input of size ${numel}`, { x: x.shape },
      `the new shape must have ${numel} elements`);
  }
  return out;
}

/**
 * @internal Strides that let `newShape` view a tensor of `oldShape`/`oldStrides` without copying, or null
 * when some new dim would span two non-contiguous chunks (PyTorch's computeStride).
 */
export function viewStrides(oldShape: Shape, oldStrides: readonly number[], newShape: Shape): number[] | null {
  if (oldShape.length === 0 || sizeOf(oldShape) === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    const chunkEnds = d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase);
    if (!chunkEnds) continue;
    while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
      newStrides[viewD] = viewNumel * chunkBase;
      viewNumel *= newShape[viewD]!;
      viewD--;
    }
    if (viewNumel !== tensorNumel) return null;
    if (d > 0) {
      chunkBase = oldStrides[d - 1]!;
      tensorNumel = 1;
      viewNumel = 1;
    }
  }
  return viewD === -1 ? newStrides : null;
}

type ViewAttrs = { readonly shape: readonly number[] };

/** @internal The primitive behind {@link view}: shape and dtype rules, kernel key and VJP. */
export const viewOp = definePrimitive<ViewAttrs>({
  name: 'view',
  kind: 'view',
  args: ['x'],
  shape: ([x], { shape }) => inferShape('view', x!, shape),
  dtype: ([x]) => x!.dtype,
  view: (x, _attrs, shape) => {
    const strides = viewStrides(x.shape, x.strides, shape);
    if (strides === null) {
      throw new ShapeError('view', `size ${formatShape(shape)} is not compatible with the input's strides ${formatShape(x.strides)} (a new dim would span non-contiguous memory)`,
        { x: x.shape }, 'use .reshape(...), which copies when it must, or call .contiguous() first');
    }
    return { strides, offset: x.offset };
  },
  // a view's gradient is the output gradient read back in the input's shape
  vjp: (g, { shapes: [shape] }) => [g.reshape(shape!)],
  testDomain: { min: -3, max: 3 },
});

/**
 * The same data with a new shape, without copying (one size may be -1). Throws when the strides
 * do not allow it; `reshape` copies instead. Gradient: g viewed back in x's shape.
 * @param x - The tensor.
 * @param shape - The new shape (one size may be -1).
 * @returns A view of `shape` over x's storage.
 * @example
 * view(arange(6), [2, 3]).shape; // [2, 3]
 * view(zeros([2, 3]).t(), [6]); // throws ShapeError
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return apply(viewOp, [x], { shape });
}
