// expand: broadcasts size-1 dims (and new leading dims) to larger sizes with stride 0, no copy.

import { ShapeError, formatShape } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';

type ExpandAttrs = { readonly shape: readonly number[] };

/** @internal The primitive behind {@link expand}: shape and dtype rules, kernel key and VJP. */
export const expandOp = definePrimitive<ExpandAttrs>({
  name: 'expand',
  kind: 'view',
  args: ['x'],
  shape: ([x], { shape }) => {
    const lead = shape.length - x!.ndim;
    if (lead < 0) {
      throw new ShapeError('expand', `the target shape ${formatShape(shape)} has fewer dims than the input (${x!.ndim})`, { x: x!.shape },
        'expand only adds leading dims; use reshape or squeeze to drop dims');
    }
    return shape.map((s, i) => {
      const cur = i >= lead ? x!.shape[i - lead]! : undefined;
      if (!Number.isInteger(s) || s < -1) {
        throw new ShapeError('expand', `invalid size ${s} at dim ${i} of the target shape ${formatShape(shape)}`, { x: x!.shape },
          'sizes are non-negative integers, or -1 to keep a size');
      }
      if (s === -1) {
        if (cur === undefined) throw new ShapeError('expand', `-1 is not allowed for the new leading dim ${i}`, { x: x!.shape });
        return cur;
      }
      if (cur !== undefined && cur !== s && cur !== 1) {
        throw new ShapeError('expand', `the size ${cur} at dim ${i - lead} must match ${s} or be 1`, { x: x!.shape },
          `expand can only stretch size-1 dims; target ${formatShape(shape)}`);
      }
      return s;
    });
  },
  dtype: ([x]) => x!.dtype,
  view: (x, _attrs, shape) => {
    const lead = shape.length - x.ndim;
    return { strides: shape.map((s, i) => (i < lead || (x.shape[i - lead] === 1 && s !== 1) ? 0 : x.strides[i - lead]!)), offset: x.offset };
  },
  // an expanded element is read many times, so its gradient is the sum over the copies
  vjp: (g, { shapes: [shape] }) => [g.sumToSize(shape!)],
  testDomain: { min: -3, max: 3 },
});

/**
 * A view that repeats size-1 dims to `shape` without copying (-1 keeps a size); new dims go in
 * front. Gradient: summed over the repeated dims.
 * @param x - The tensor.
 * @param shape - Target shape; each size equals x's or x's is 1.
 * @returns A view of shape `shape` (stride 0 on repeated dims).
 * @example expand(tensor([[1], [2]]), [2, 3]).tolist(); // [[1, 1, 1], [2, 2, 2]]
 */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return apply(expandOp, [x], { shape });
}

/**
 * `x` expanded to `other`'s shape. Gradient: summed over the repeated dims.
 * @param x - The tensor.
 * @param other - The tensor whose shape to take.
 * @returns A view of other's shape.
 * @example expandAs(tensor([1, 2]), zeros([2, 2])).tolist(); // [[1, 2], [1, 2]]
 */
export function expandAs(x: Tensor, other: Tensor): Tensor {
  return expand(x, other.shape);
}
