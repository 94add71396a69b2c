// unfold (torch.Tensor.unfold): every window of `size` elements, `step` apart, along one dim, as a
// view with the windows' elements in a new last dim. Overlapping windows share storage (no copy),
// which makes it the cheap first step of im2col for convolution and pooling.

import { IndexError, ShapeError, ValueError } from '../../errors.js';
import { normalizeDim } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { add } from '../binary/add.js';
import { zeros } from '../creation.js';
import { apply, definePrimitive, type PrimitiveDef } from '../define.js';
import { sliceScatterOp } from './slice.js';

type UnfoldAttrs = { readonly dim: number; readonly size: number; readonly step: number };
type UnfoldBackwardAttrs = UnfoldAttrs & { readonly inputShape: readonly number[] };

const windowsOf = (n: number, size: number, step: number) => Math.floor((n - size) / step) + 1;

/** @internal The primitive behind {@link unfold}: shape and dtype rules, view strides and VJP. */
export const unfoldOp: PrimitiveDef<UnfoldAttrs> = definePrimitive<UnfoldAttrs>({
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
  vjp: (g, { shapes: [shape], attrs }) => [apply(unfoldBackwardOp, [g], { ...attrs, inputShape: shape! })],
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

// unfold's adjoint as primitives: window position j's gradients written into the elements
// j, j + step, ... of a zero tensor, summed over j
function scatterWindows(g: Tensor, { dim, size, step, inputShape }: UnfoldBackwardAttrs): Tensor {
  const count = g.shape[dim]!;
  let acc: Tensor | null = null;
  for (let j = 0; j < size; j++) {
    const part = apply(sliceScatterOp, [zeros(inputShape, { dtype: g.dtype, device: g.device }), g.select(-1, j)], { dim, start: j, end: j + (count - 1) * step + 1, step });
    acc = acc ? add(acc, part) : part;
  }
  return acc ?? zeros(inputShape, { dtype: g.dtype, device: g.device });
}

/** @internal The primitive behind {@link unfoldBackward}: one scatter-add pass on the CPU, its decomposition elsewhere. */
export const unfoldBackwardOp: PrimitiveDef<UnfoldBackwardAttrs> = definePrimitive<UnfoldBackwardAttrs>({
  name: 'unfoldBackward',
  kind: 'other',
  args: ['grad'],
  shape: ([g], { dim, size, step, inputShape }) => {
    const expected = [...inputShape];
    expected[dim] = windowsOf(inputShape[dim]!, size, step);
    expected.push(size);
    if (g!.ndim !== expected.length || g!.shape.some((v, i) => v !== expected[i])) {
      throw new ShapeError('unfoldBackward', `grad must have unfold's output shape [${expected.join(', ')}]`, { grad: g!.shape });
    }
    return [...inputShape];
  },
  dtype: ([g]) => g!.dtype,
  // linear in grad, and the adjoint of unfold: its own gradient is unfold again
  vjp: (gg, { attrs: { dim, size, step } }) => [apply(unfoldOp, [gg], { dim, size, step })],
  decompose: ([g], attrs) => scatterWindows(g!, attrs),
  testDomain: { min: -3, max: 3 },
});

/**
 * The gradient of {@link unfold} (PyTorch's unfold_backward): each window element of `grad`
 * added onto the input element it views, in a tensor of `inputShape`. One scatter-add pass on
 * the CPU. Gradient: unfold of the output gradient (it is linear).
 * @param grad - A gradient of unfold's output shape.
 * @param inputShape - The shape of unfold's input.
 * @param dim - unfold's dim (non-negative).
 * @param size - unfold's window size.
 * @param step - unfold's step.
 * @returns A tensor of `inputShape`.
 * @example unfoldBackward(ones([4, 2]), [5], 0, 2, 1).tolist(); // [1, 2, 2, 2, 1]
 */
export function unfoldBackward(grad: Tensor, inputShape: readonly number[], dim: number, size: number, step: number): Tensor {
  return apply(unfoldBackwardOp, [grad], { dim: normalizeDim('unfoldBackward', dim, inputShape), size, step, inputShape: [...inputShape] });
}
