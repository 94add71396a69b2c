// The argument conventions the creation functions share: a size as one shape or as several
// numbers, and a checked dtype option. Internal (not exported from the package).

import { DTYPES, type DType } from '../dtype.js';
import { ValueError } from '../errors.js';
import { checkShape } from '../shape.js';

/** A shape given as an array, or a single size for 1-D. */
export type ShapeLike = readonly number[] | number;

/** The arguments of a creation function: one shape then options, or the sizes as arguments then options (PyTorch's two spellings). */
export type SizeArgs<O> = [shape: ShapeLike, opts?: O] | number[] | [...sizes: number[], opts: O];

/**
 * PyTorch's two spellings of a size: one shape (`zeros([2, 3])`) or its sizes as arguments
 * (`zeros(2, 3)`), either followed by the options object.
 */
export function sizeArgs<O extends object>(args: SizeArgs<O>): [ShapeLike, O] {
  if (typeof args[0] !== 'number') return [args[0] as ShapeLike, (args[1] ?? {}) as O];
  let n = 0;
  while (typeof args[n] === 'number') n++;
  return [n === 1 ? (args[0] as number) : (args.slice(0, n) as number[]), (args[n] ?? {}) as O];
}

/** `opts.dtype`, checked: an unknown name is a ValueError listing the supported ones. */
export function dtypeOption(op: string, opts: { dtype?: DType }): DType | undefined {
  const d = opts.dtype;
  if (d !== undefined && !DTYPES.includes(d)) {
    throw new ValueError(op, `unsupported dtype '${String(d)}'`, {}, `the dtypes are ${DTYPES.join(', ')} (no 16-bit floats or int64)`);
  }
  return d;
}

export function asShape(op: string, s: ShapeLike): number[] {
  const shape = typeof s === 'number' ? [s] : [...s];
  checkShape(op, shape);
  return shape;
}
