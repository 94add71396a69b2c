// div: true division with broadcasting (integers divide to float32, as torch.div does).

import type { Tensor } from '../../tensor.js';
import { isFloat } from '../../dtype.js';
import { ValueError } from '../../errors.js';
import { definePrimitive } from '../define.js';
import { applyBinary, broadcastRule, floatRule, promoteDtypes, toTensors, type TensorLike } from '../helpers.js';

/** @internal The primitive behind {@link div}: shape and dtype rules, kernel key and VJP. */
export const divOp = definePrimitive({
  name: 'div',
  kind: 'elementwise',
  args: ['a', 'b'],
  shape: broadcastRule('div', ['a', 'b']),
  dtype: floatRule('div'),
  scalar: (a, b) => a / b,
  save: { inputs: true },
  // d(a/b) = da/b - a db/b^2
  vjp: (g, { inputs: [a, b], needsInputGrad: [na, nb] }) => [
    na ? g.div(b!) : null,
    nb ? g.mul(a!).div(b!.square()).neg() : null,
  ],
  testDomain: { min: 0.5, max: 3 },
});

/**
 * Elementwise a / b with broadcasting. Integer inputs give float32. With `roundingMode`
 * 'trunc' or 'floor' the quotient is rounded and keeps the promoted input dtype (torch.div).
 * Gradient: g/b for a, -g*a/b^2 for b (zero with a rounding mode).
 *
 * @param a - Dividend: tensor or JS number.
 * @param b - Divisor: tensor or JS number, broadcast against `a`.
 * @param opts - `roundingMode`: `'trunc'` or `'floor'` for integer division.
 * @returns A tensor of the broadcast shape.
 * @example div(tensor([1, 2]), 2).tolist(); // [0.5, 1]
 */
export function div(a: TensorLike, b: TensorLike, opts: { roundingMode?: 'trunc' | 'floor' } = {}): Tensor {
  const mode = opts.roundingMode;
  if (mode === undefined) return applyBinary(divOp, a, b);
  if (mode !== 'trunc' && mode !== 'floor') throw new ValueError('div', `roundingMode must be 'trunc' or 'floor', got '${String(mode)}'`);
  const [x, y] = toTensors('div', [a, b]);
  const dtype = promoteDtypes([x!, y!]);
  // NOTE: integers divide in float64, where the rounded int32 quotient is exact (float32 is not past 2^24)
  const q = isFloat(dtype) ? applyBinary(divOp, x!, y!) : applyBinary(divOp, x!.to('float64'), y!.to('float64'));
  const r = mode === 'trunc' ? q.trunc() : q.floor();
  return r.to(dtype);
}
