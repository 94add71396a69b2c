// Errors: one format for every op: `op: reason`, then each argument's shape or dtype, then a hint.

import type { DType } from './dtype.js';

/** An argument as shown in an error: a shape, a dtype, or both. */
export interface ArgInfo {
  /** The argument's shape. */
  readonly shape?: readonly number[];
  /** The argument's dtype. */
  readonly dtype?: DType;
  /** The argument's value (for scalars and options). */
  readonly value?: unknown;
}

/**
 * Formats a shape the way messages and `toString` print it: `[2, 3]`.
 * @param shape - The shape.
 * @returns The shape in brackets.
 * @example formatShape([2, 3]); // '[2, 3]'
 */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function describe(info: ArgInfo | readonly number[]): string {
  if (Array.isArray(info)) return formatShape(info as readonly number[]);
  const a = info as ArgInfo;
  const parts: string[] = [];
  if (a.shape) parts.push(formatShape(a.shape));
  if (a.dtype) parts.push(a.dtype);
  if ('value' in a) parts.push(String(a.value));
  return parts.join(' ');
}

/**
 * The base of every error tsgrad throws on bad input. `op` names the operation or module,
 * `reason` says what is wrong, `args` lists each argument's shape/dtype, `hint` says what to do.
 * Catch the subclasses ({@link ShapeError}, {@link DTypeError}, ...) to tell errors apart.
 *
 * @example
 * const e = new ShapeError('matmul', 'inner dimensions differ (3 vs 4)', { a: [2, 3], b: [4, 5] }, 'transpose b?');
 * e.message; // 'matmul: inner dimensions differ (3 vs 4)\n  a: [2, 3]\n  b: [4, 5]\n  hint: transpose b?'
 * e instanceof TsgradError; // true
 */
export class TsgradError extends Error {
  /** The class name, as JS errors have it. */
  override name = 'TsgradError';
  /** Module breadcrumbs added by `@tsgrad/nn` as the error passes through `forward` calls. */
  readonly trail: string[] = [];
  /**
   * @param op - The op or module that failed.
   * @param reason - What is wrong.
   * @param args - Each argument's shape, dtype or value, by argument name.
   * @param hint - What to do about it.
   */
  constructor(
    readonly op: string,
    readonly reason: string,
    readonly args: Readonly<Record<string, ArgInfo | readonly number[]>> = {},
    readonly hint?: string,
  ) {
    super(TsgradError.format(op, reason, args, hint));
  }

  /**
   * The message format: `op: reason`, one line per argument, then the hint.
   * @param op - The op or module that failed.
   * @param reason - What is wrong.
   * @param args - Each argument's shape, dtype or value.
   * @param hint - What to do about it.
   * @returns The multi-line message.
   */
  static format(
    op: string,
    reason: string,
    args: Readonly<Record<string, ArgInfo | readonly number[]>>,
    hint?: string,
  ): string {
    const lines = Object.entries(args).map(([k, v]) => `  ${k}: ${describe(v)}`);
    return [`${op}: ${reason}`, ...lines, ...(hint ? [`  hint: ${hint}`] : [])].join('\n');
  }

  /**
   * Appends a breadcrumb (e.g. `in h.0.attn (MultiheadAttention)`) to the message.
   * @param crumb - Where the error passed through.
   */
  addTrail(crumb: string): void {
    this.trail.push(crumb);
    const base = TsgradError.format(this.op, this.reason, this.args, this.hint);
    this.message = `${base}\n  in ${this.trail.join(' <- ')}`;
  }
}

/**
 * Shapes that do not fit the op (broadcasting, matmul inner dims, reshape sizes, ...).
 * @example
 * zeros([2, 3]).matmul(zeros([4, 5])); // throws ShapeError
 */
export class ShapeError extends TsgradError {
  /** Always `'ShapeError'`. */
  override name = 'ShapeError';
}

/**
 * A dtype the op does not accept (float-only ops, index tensors that are not int32, ...).
 * @example
 * zeros([2], { dtype: 'int32' }).requiresGrad_(); // throws AutogradError
 * zeros([3]).gather(0, tensor([0.5])); // throws DTypeError
 */
export class DTypeError extends TsgradError {
  /** Always `'DTypeError'`. */
  override name = 'DTypeError';
}

/**
 * An index or dim out of range.
 * @example
 * zeros([2, 3]).size(2); // throws IndexError
 */
export class IndexError extends TsgradError {
  /** Always `'IndexError'`. */
  override name = 'IndexError';
}

/**
 * An argument value outside its domain (a probability above 1, a negative size, ...).
 * @example
 * zeros([2]).item(); // throws ValueError
 */
export class ValueError extends TsgradError {
  /** Always `'ValueError'`. */
  override name = 'ValueError';
}

/**
 * Misuse of autograd: backward through a freed graph, a non-scalar root without a gradient, ...
 * @example
 * const x = tensor([1, 2], { requiresGrad: true });
 * x.mul(2).backward(); // throws AutogradError
 */
export class AutogradError extends TsgradError {
  /** Always `'AutogradError'`. */
  override name = 'AutogradError';
}

/**
 * A backend that cannot run an op or hold a dtype, or tensors on different devices.
 * @example
 * getBackend('tpu'); // throws BackendError
 */
export class BackendError extends TsgradError {
  /** Always `'BackendError'`. */
  override name = 'BackendError';
}
