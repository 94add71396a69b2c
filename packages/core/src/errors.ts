// Errors: one format for every op: `op: reason`, then each argument's shape or dtype, then a hint.

import type { DType } from './dtype.js';

/** An argument as shown in an error: a shape, a dtype, or both. */
export interface ArgInfo {
  readonly shape?: readonly number[];
  readonly dtype?: DType;
  readonly value?: unknown;
}

/** Formats a shape the way messages and `toString` print it: `[2, 3]`. */
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
 */
export class TsgradError extends Error {
  override name = 'TsgradError';
  /** Module breadcrumbs added by `@tsgrad/nn` as the error passes through `forward` calls. */
  readonly trail: string[] = [];
  constructor(
    readonly op: string,
    readonly reason: string,
    readonly args: Readonly<Record<string, ArgInfo | readonly number[]>> = {},
    readonly hint?: string,
  ) {
    super(TsgradError.format(op, reason, args, hint));
  }

  static format(
    op: string,
    reason: string,
    args: Readonly<Record<string, ArgInfo | readonly number[]>>,
    hint?: string,
  ): string {
    const lines = Object.entries(args).map(([k, v]) => `  ${k}: ${describe(v)}`);
    return [`${op}: ${reason}`, ...lines, ...(hint ? [`  hint: ${hint}`] : [])].join('\n');
  }

  /** Appends a breadcrumb (e.g. `in h.0.attn (MultiheadAttention)`) to the message. */
  addTrail(crumb: string): void {
    this.trail.push(crumb);
    const base = TsgradError.format(this.op, this.reason, this.args, this.hint);
    this.message = `${base}\n  in ${this.trail.join(' <- ')}`;
  }
}

/** Shapes that do not fit the op (broadcasting, matmul inner dims, reshape sizes, ...). */
export class ShapeError extends TsgradError {
  override name = 'ShapeError';
}

/** A dtype the op does not accept (float-only ops, index tensors that are not int32, ...). */
export class DTypeError extends TsgradError {
  override name = 'DTypeError';
}

/** An index or dim out of range. */
export class IndexError extends TsgradError {
  override name = 'IndexError';
}

/** An argument value outside its domain (a probability above 1, a negative size, ...). */
export class ValueError extends TsgradError {
  override name = 'ValueError';
}

/** Misuse of autograd: backward through a freed graph, a non-scalar root without a gradient, ... */
export class AutogradError extends TsgradError {
  override name = 'AutogradError';
}

/** A backend that cannot run an op or hold a dtype, or tensors on different devices. */
export class BackendError extends TsgradError {
  override name = 'BackendError';
}
