// where: picks from `input` where the condition holds, else from `other` (ternary, broadcasting).

import { DTypeError } from '../../errors.js';
import { Tensor } from '../../tensor.js';
import { apply, definePrimitive } from '../define.js';
import { broadcastRule, promoteDtypes, requireBool, toTensors, type TensorLike } from '../helpers.js';

/** @internal The primitive behind {@link where}: shape and dtype rules, kernel key and VJP. */
export const whereOp = definePrimitive({
  name: 'where',
  kind: 'elementwise',
  args: ['condition', 'input', 'other'],
  shape: broadcastRule('where', ['condition', 'input', 'other']),
  dtype: ([c, a, b]) => {
    requireBool('where', 'condition', c!);
    return promoteDtypes([a!, b!]);
  },
  scalar: (c, a, b) => (c !== 0 ? a : b),
  save: { inputs: true },
  // the gradient flows to the branch that was picked, and is zero for the other
  vjp: (g, { inputs: [c], needsInputGrad: [, na, nb] }) => [null, na ? where(c!, g, 0) : null, nb ? where(c!, 0, g) : null],
  testDomain: { min: -3, max: 3 },
});

/**
 * `input` where `condition` is true, else `other`, with broadcasting (torch.where).
 * Gradient: g where the condition holds for `input`, elsewhere for `other`.
 *
 * @param condition - A bool tensor.
 * @param input - Values where `condition` is true (tensor or JS number).
 * @param other - Values elsewhere (tensor or JS number).
 * @returns A tensor of the shape all three broadcast to.
 * @example where(tensor([true, false]), tensor([1, 2]), 0).tolist(); // [1, 0]
 */
export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  if (!(condition instanceof Tensor)) {
    throw new DTypeError('where', `expected condition to be a bool tensor, got ${condition === null ? 'null' : typeof condition}`, {},
      'build it with a comparison (x.gt(0)) or tensor([...], { dtype: \'bool\' })');
  }
  const [a, b] = toTensors('where', [input, other], condition.device); // two JS scalars live on the condition's device
  return apply(whereOp, [condition, a!, b!], {});
}
