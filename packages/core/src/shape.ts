// Shape arithmetic: sizes, strides, dim normalisation and broadcasting, shared by every op.

import { IndexError, ShapeError, ValueError, formatShape } from './errors.js';

/** A tensor shape: one size per dim, outermost first. `[]` is a scalar. */
export type Shape = readonly number[];

/**
 * Number of elements of a shape (1 for a scalar).
 * @param shape - Sizes of the dims.
 * @returns Their product.
 * @example sizeOf([2, 3, 4]); // 24
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a contiguous tensor of this shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Whether a view with these strides is laid out row-major without gaps (size-1 dims ignored). */
export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d === 1) continue;
    if (strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** Whether two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Maps a possibly negative `dim` into `[0, rank)`, as PyTorch does, or throws an IndexError that
 * names the op and the valid range. A scalar accepts dims -1 and 0 (PyTorch's wrap rule).
 * Pass the input's shape instead of its rank to have the error show it.
 */
export function normalizeDim(op: string, dim: number, rankOrShape: number | Shape, arg = 'dim'): number {
  const rank = typeof rankOrShape === 'number' ? rankOrShape : rankOrShape.length;
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new IndexError(op, `${arg} ${dim} is out of range for a tensor of rank ${rank}`,
      typeof rankOrShape === 'number' ? {} : { x: rankOrShape }, `expected ${arg} in [${-r}, ${r - 1}]`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Normalises a list of dims (or all dims when `dims` is undefined), sorted and without repeats. */
export function normalizeDims(op: string, dims: number | readonly number[] | undefined, rankOrShape: number | Shape): number[] {
  const rank = typeof rankOrShape === 'number' ? rankOrShape : rankOrShape.length;
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) {
    throw new ValueError(op, `dim must be a number or a list of numbers, got ${typeof dims}`, {}, 'pass undefined for every dim; options come after the dim');
  }
  const out = list.map((d) => normalizeDim(op, d, rankOrShape));
  if (rank === 0) return [];
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) {
      throw new IndexError(op, `dim ${d} appears more than once in [${list.join(', ')}]`, typeof rankOrShape === 'number' ? {} : { x: rankOrShape },
        'list each dim once (negative dims count from the end)');
    }
    seen.add(d);
  }
  return out.sort((a, b) => a - b);
}

/**
 * The broadcast shape of several shapes under NumPy/PyTorch rules (align trailing dims; a size
 * of 1 stretches). Throws a ShapeError naming each argument's shape.
 * @param op - Op name for the error message.
 * @param shapes - The shapes, keyed by argument name (the names appear in the error).
 * @returns The broadcast shape.
 * @example
 * broadcastShapes('add', { a: [2, 1, 3], b: [4, 1] }); // [2, 4, 3]
 * broadcastShapes('add', { a: [2], b: [3] }); // throws ShapeError
 */
export function broadcastShapes(op: string, shapes: Readonly<Record<string, Shape>>): number[] {
  const list = Object.values(shapes);
  const rank = Math.max(0, ...list.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (let i = 1; i <= rank; i++) {
    for (const s of list) {
      const d = s.length - i >= 0 ? s[s.length - i]! : 1;
      const cur = out[rank - i]!;
      if (d === cur || d === 1) continue;
      if (cur === 1) out[rank - i] = d;
      else {
        throw new ShapeError(op, `shapes cannot be broadcast together (size ${cur} vs ${d} at dim ${-i})`, shapes,
          'sizes must match or be 1 when aligned from the last dim');
      }
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had the larger `target` shape. */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/** Checks that a shape is a list of non-negative integers. */
export function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ValueError(op, `invalid shape ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`, {}, 'sizes must be non-negative integers');
  }
}
