// stateDict and loadStateDict: PyTorch's key order and its aggregated load report (missing,
// unexpected and size-mismatched keys in one error), with in-place copies that keep Parameters.

import { type Tensor, TsgradError, formatShape, noGrad } from '@tsgrad/core';
import { Buffer, Parameter } from './parameter.js';

/** A module's own members (how Module lists them); typed structurally so this file needs no Module import. */
type Members<M> = (m: M) => [string, Parameter | Buffer | M][];

/** Options of `loadStateDict`. */
export interface LoadOptions {
  /** Missing or unexpected keys throw (default true); when false they are returned. */
  strict?: boolean;
  /** Skip tensors whose shape differs instead of throwing (Hugging Face's ignore_mismatched_sizes). */
  ignoreMismatched?: boolean;
}

/** A key whose checkpoint shape differs from the model's. */
export interface ShapeMismatch {
  /** The state-dict key. */
  key: string;
  /** The tensor's shape in the checkpoint. */
  checkpoint: readonly number[];
  /** The shape the model expects. */
  model: readonly number[];
}

/** What `loadStateDict` did not load (PyTorch's `_IncompatibleKeys`, plus skipped mismatches). */
export interface LoadReport {
  /** Keys the model has and the state dict lacks. */
  missingKeys: string[];
  /** Keys the state dict has and the model lacks. */
  unexpectedKeys: string[];
  /** Keys skipped for their shape (with `ignoreMismatched`). */
  mismatched: ShapeMismatch[];
}

/**
 * Thrown by `loadStateDict` with every problem at once, worded as PyTorch's RuntimeError:
 * `Error(s) in loading state_dict for Linear:` then missing, unexpected and size-mismatch lines.
 *
 * # Shapes
 * Not applicable.
 *
 * @example
 * new Linear(2, 2).loadStateDict({}); // throws StateDictError: loadStateDict: Error(s) in loading state_dict for Linear...
 * new Linear(2, 2).loadStateDict({ weight: zeros([3, 2]), bias: zeros([2]) }); // throws StateDictError
 * new Linear(2, 2).loadStateDict({}, { strict: false }).missingKeys; // ['weight', 'bias']
 */
export class StateDictError extends TsgradError {
  /** Always `'StateDictError'`. */
  override name = 'StateDictError';
  /**
   * @param moduleName - The class of the module being loaded.
   * @param report - Everything that did not fit.
   * @param strict - Whether missing and unexpected keys are errors.
   */
  constructor(
    readonly moduleName: string,
    readonly report: LoadReport,
    strict: boolean,
  ) {
    const q = (ks: string[]) => ks.map((k) => `"${k}"`).join(', ');
    const lines = [
      ...(strict && report.missingKeys.length ? [`Missing key(s) in state_dict: ${q(report.missingKeys)}.`] : []),
      ...(strict && report.unexpectedKeys.length ? [`Unexpected key(s) in state_dict: ${q(report.unexpectedKeys)}.`] : []),
      ...report.mismatched.map((m) =>
        `size mismatch for ${m.key}: copying a param with shape ${formatShape(m.checkpoint)} from checkpoint, the shape in current model is ${formatShape(m.model)}.`),
    ];
    super('loadStateDict', `Error(s) in loading state_dict for ${moduleName}:\n\t${lines.join('\n\t')}`);
  }
}

/** Every saved tensor (parameters and persistent buffers) by key, including tied duplicates. */
function entries<M extends object>(root: M, members: Members<M>): [string, Parameter | Buffer][] {
  const out: [string, Parameter | Buffer][] = [];
  const visit = (m: M, prefix: string) => {
    const own = members(m);
    for (const [k, v] of own) if (v instanceof Parameter) out.push([prefix + k, v]);
    for (const [k, v] of own) if (v instanceof Buffer && v.persistent) out.push([prefix + k, v]);
    for (const [k, v] of own) if (!(v instanceof Parameter) && !(v instanceof Buffer)) visit(v as M, `${prefix}${k}.`);
  };
  visit(root, '');
  return out;
}

/** @internal Module.stateDict: detached views keyed by PyTorch's names, in PyTorch's order. */
export function stateDictOf<M extends object>(root: M, members: Members<M>): Record<string, Tensor> {
  const sd: Record<string, Tensor> = {};
  for (const [k, v] of entries(root, members)) sd[k] = v.detach();
  return sd;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/** @internal Module.loadStateDict: check every key first, throw once, then copy in place. */
export function loadStateDictInto<M extends object>(root: M, state: Record<string, Tensor>, opts: LoadOptions, members: Members<M>): LoadReport {
  const { strict = true, ignoreMismatched = false } = opts;
  const own = entries(root, members);
  const expected = new Set(own.map(([k]) => k));
  const report: LoadReport = {
    missingKeys: own.map(([k]) => k).filter((k) => !Object.hasOwn(state, k)),
    unexpectedKeys: Object.keys(state).filter((k) => !expected.has(k)),
    mismatched: [],
  };
  for (const [k, v] of own) {
    const src = Object.hasOwn(state, k) ? state[k] : undefined;
    if (src && !sameShape(src.shape, v.shape)) report.mismatched.push({ key: k, checkpoint: src.shape, model: v.shape });
  }
  const fails = (strict && (report.missingKeys.length > 0 || report.unexpectedKeys.length > 0)) || (!ignoreMismatched && report.mismatched.length > 0);
  if (fails) throw new StateDictError(root.constructor.name, report, strict);
  const skip = new Set(report.mismatched.map((m) => m.key));
  noGrad(() => {
    for (const [k, v] of own) {
      const src = Object.hasOwn(state, k) ? state[k] : undefined;
      if (src && !skip.has(k)) v.copy_(src.device === v.device ? src : src.to(v.device));
    }
  });
  return report;
}
