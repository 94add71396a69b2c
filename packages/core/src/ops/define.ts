// The primitive registry and `apply`, the one dispatch function: shape and dtype rules first,
// then the backend's kernel (or the op's decomposition), then the autograd record.

import { getBackend, type Attrs, type KernelInput, type OpKey } from '../backend.js';
import { isFloat, type DType } from '../dtype.js';
import { AutogradError, BackendError, type ArgInfo } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import type { Shape } from '../shape.js';
import { Tensor, checkVersion, type GradNode } from '../tensor.js';

/** What a VJP may read: the saved inputs/output (as declared by `save`) and the attrs. */
export interface VjpContext<A extends Attrs> {
  /** The op's inputs, present when `save.inputs` is set (else empty). */
  readonly inputs: readonly Tensor[];
  /** The op's output, present when `save.output` is set. */
  readonly output: Tensor | undefined;
  readonly attrs: A;
  /** Every input's shape and dtype (always kept: they are cheap). */
  readonly shapes: readonly Shape[];
  readonly dtypes: readonly DType[];
  /** Which inputs need a gradient; a VJP may return null for the others to skip work. */
  readonly needsInputGrad: readonly boolean[];
}

/** A view's layout over its input's storage. */
export interface ViewLayout {
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * A differentiable primitive, declared in one file: its shape and dtype rules, its elementwise
 * semantics (`scalar`), what its VJP needs saved, the VJP itself and, for fused ops, a
 * decomposition into simpler ops that backends without a kernel fall back to.
 */
export interface PrimitiveDef<A extends Attrs = Attrs> extends OpKey {
  /** Argument names for error messages; a single `'...tensors'` marks a variadic op. */
  readonly args: readonly string[];
  /** Output shape; throws a ShapeError naming the op and arguments. */
  shape(inputs: readonly Tensor[], attrs: A): Shape;
  /** Output dtype; throws a DTypeError. */
  dtype(inputs: readonly Tensor[], attrs: A): DType;
  /** For int32 outputs where `scalar` would lose bits (e.g. `Math.imul` for mul). */
  readonly intScalar?: (...xs: number[]) => number;
  /** For `kind: 'view'`: the strides and offset of the output over the input's storage. */
  view?(x: Tensor, attrs: A, shape: Shape): ViewLayout;
  readonly save?: { readonly inputs?: boolean; readonly output?: boolean };
  /** Maps the output gradient to one gradient per input (null: none). Omit for non-differentiable ops. */
  vjp?(g: Tensor, ctx: VjpContext<A>): readonly (Tensor | null)[];
  /** The op written with other ops: used where a backend has no kernel, and as the reference for fused kernels. */
  decompose?(inputs: readonly Tensor[], attrs: A): Tensor;
  /** Input domain for property tests: keeps values away from poles and kinks. */
  readonly testDomain?: { readonly min: number; readonly max: number; readonly avoid?: readonly number[] };
}

const registry = new Map<string, PrimitiveDef<any>>();

/** Declares a primitive and adds it to the registry (names are unique). */
export function definePrimitive<A extends Attrs = Attrs>(def: PrimitiveDef<A>): PrimitiveDef<A> {
  if (registry.has(def.name)) throw new Error(`primitive '${def.name}' is defined twice`);
  registry.set(def.name, def);
  return def;
}

/** Every registered primitive, in definition order. */
export function primitives(): PrimitiveDef<any>[] {
  return [...registry.values()];
}

/** The argument descriptions (`{ a: {shape, dtype}, ... }`) errors print for these inputs. */
export function argInfo(op: Pick<PrimitiveDef<any>, 'args'>, inputs: readonly Tensor[]): Record<string, ArgInfo> {
  const out: Record<string, ArgInfo> = {};
  const variadic = op.args.length === 1 && op.args[0]!.startsWith('...');
  inputs.forEach((t, i) => {
    const name = variadic ? `${op.args[0]!.slice(3)}[${i}]` : (op.args[i] ?? `arg${i}`);
    out[name] = { shape: t.shape, dtype: t.dtype };
  });
  return out;
}

/** The kernel's view of a tensor. */
export function kernelInput(t: Tensor): KernelInput {
  return { storage: t.storage, shape: t.shape, strides: t.strides, offset: t.offset, dtype: t.dtype };
}

function commonDevice(op: PrimitiveDef<any>, inputs: readonly Tensor[]): string {
  const device = inputs[0]?.device ?? 'cpu';
  for (const t of inputs) {
    if (t.device !== device) {
      const devices = Object.fromEntries(Object.entries(argInfo(op, inputs)).map(([k], i) => [k, { value: inputs[i]!.device }]));
      throw new BackendError(op.name, `expected all tensors on one device, got ${device} and ${t.device}`, devices, "move them with x.to('cpu') or x.to('gpu')");
    }
  }
  return device;
}

/**
 * Runs primitive `op` on `inputs`: checks shapes and dtypes, runs the backend kernel (or the
 * decomposition), and records the autograd node when grad mode is on and an input requires grad.
 */
export function apply<A extends Attrs>(op: PrimitiveDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const shape = op.shape(inputs, attrs);
  const dtype = op.dtype(inputs, attrs);
  let out: Tensor;
  if (op.kind === 'view') {
    const x = inputs[0]!;
    const layout = op.view!(x, attrs, shape);
    out = new Tensor(x.storage, shape, layout.strides, layout.offset);
  } else {
    const backend = getBackend(commonDevice(op, inputs));
    const kernel = backend.dtypes.has(dtype) ? backend.kernel(op) : undefined;
    if (kernel === undefined) {
      if (op.decompose) return op.decompose(inputs, attrs);
      throw new BackendError(op.name, backend.dtypes.has(dtype)
        ? `no kernel on backend '${backend.name}' and no decomposition`
        : `backend '${backend.name}' cannot hold ${dtype}`, argInfo(op, inputs));
    }
    out = new Tensor(kernel(inputs.map(kernelInput), { shape, dtype }, attrs), shape);
  }
  if (op.vjp && isFloat(dtype) && isGradEnabled() && inputs.some((t) => t.requiresGrad)) record(op, inputs, attrs, out);
  return out;
}

function record<A extends Attrs>(op: PrimitiveDef<A>, inputs: readonly Tensor[], attrs: A, out: Tensor): void {
  const saveIn = op.save?.inputs === true;
  const saveOut = op.save?.output === true;
  const versions = saveIn ? inputs.map((t) => t.storage.version) : [];
  const outVersion = out.storage.version;
  let ctx: VjpContext<A> | null = {
    inputs: saveIn ? inputs : [],
    output: saveOut ? out : undefined,
    attrs,
    shapes: inputs.map((t) => t.shape),
    dtypes: inputs.map((t) => t.dtype),
    needsInputGrad: inputs.map((t) => t.requiresGrad),
  };
  const node: GradNode = {
    name: op.name,
    inputs,
    get released() {
      return ctx === null;
    },
    vjp(g: Tensor) {
      if (ctx === null) {
        throw new AutogradError(op.name, 'trying to backward through the graph a second time (its saved tensors were freed after the first backward)',
          {}, 'pass { retainGraph: true } to the first backward() if you need to backward twice');
      }
      ctx.inputs.forEach((t, i) => checkVersion(op.name, t, versions[i]!));
      if (saveOut) checkVersion(op.name, out, outVersion);
      const grads = op.vjp!(g, ctx);
      if (grads.length !== inputs.length) {
        throw new AutogradError(op.name, `vjp returned ${grads.length} gradients for ${inputs.length} inputs`);
      }
      return grads;
    },
    release() {
      ctx = null;
      node.inputs = [];
    },
  };
  out.requiresGrad = true;
  out.gradFn = node;
}
