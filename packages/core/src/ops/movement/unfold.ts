// unfold (torch.Tensor.unfold): every window of `size` elements, `step` apart, along one dim, as a
// view with the windows' elements in a new last dim. Overlapping windows share storage (no copy),
// which makes it the cheap first step of im2col for convolution and pooling.

import { IndexError, ValueError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { zeros } from '../creation.js';
import { apply, definePrimitive } from '../define.js';
import { sliceScatterOp } from './slice.js';

type UnfoldAttrs = { readonly dim: number; readonly size: number; readonly step: number };

const windowsOf = (n: number, size: number, step: number) => Math.floor((n - size) / step) + 1;

/** @internal The primitive behind {@link unfold}: shape and dtype rules, view strides and VJP. */
export const unfoldOp = definePrimitive<UnfoldAttrs>({
  name: 'unfold',
  kind: 'view',
  args: ['x'],
  shape: ([x], { dim, size, step }) => {
    const out = [...x!.shape];
    out[dim] = windowsOf(x!.shape[dim]!, size, step);
    return [...out, size];
  },
  dtype: ([x]) => x!.dtype,
  view: (x, { dim, step }) => ({ strides: [...x.strides.map((s, i) => (i === dim ? s * step : s)), x.strides[dim]!], offset: x.offset }),
  // each window position j reads elements j, j + step, ...: its gradient goes back there, summed over j
  vjp: (g, { shapes: [shape], attrs: { dim, size, step } }) => {
    const count = g.shape[dim]!;
    let acc: Tensor | null = null;
    for (let j = 0; j < size; j++) {
      const part = apply(sliceScatterOp, [zeros(shape!, { dtype: g.dtype, device: g.device }), g.select(-1, j)], { dim, start: j, end: j + (count - 1) * step + 1, step });
      acc = acc ? add(acc, part) : part;
    }
    return [acc ?? zeros(shape!, { dtype: g.dtype, device: g.device })];
  },
  testDomain: { min: -3, max: 3 },
});

/**
 * The windows of `size` consecutive elements along `dim`, `step` apart (torch.Tensor.unfold): a
 * view whose `dim` counts the windows, floor((n - size) / step) + 1 of them, with a new last dim of
 * `size` holding each window's elements. Windows overlap when step < size; nothing is copied.
 * Gradient: each window element's g summed back onto the element it views.
 * @param x - The tensor (at least 1-d).
 * @param dim - The dim to take windows along (negative counts from the end).
 * @param size - Elements per window, at most the dim's size.
 * @param step - Distance between window starts (positive).
 * @returns A view of shape x.shape with `dim` replaced by the window count, plus [size].
 * @example
 * unfold(arange(5), 0, 2, 1).tolist(); // [[0, 1], [1, 2], [2, 3], [3, 4]]
 * unfold(arange(6).reshape([2, 3]), 1, 2, 2).tolist(); // [[[0, 1]], [[3, 4]]]
 */
export function unfold(x: Tensor, dim: number, size: number, step: number): Tensor {
  if (x.ndim === 0) throw new IndexError('unfold', 'cannot be applied to a 0-d tensor', { x: x.shape }, 'unsqueeze it first');
  const d = normalizeDim('unfold', dim, x.shape);
  if (!Number.isInteger(step) || step < 1) throw new ValueError('unfold', `step must be a positive integer, got ${step}`, { x: x.shape });
  if (!Number.isInteger(size) || size < 0 || size > x.shape[d]!) {
    throw new ValueError('unfold', `maximum size for dim ${dim} is ${x.shape[d]} but size is ${size}`, { x: x.shape });
  }
  return apply(unfoldOp, [x], { dim: d, size, step });
}
