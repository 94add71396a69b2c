// The primitive registry and `apply`, the one dispatch function: shape and dtype rules first,
// then the backend's kernel (or the op's decomposition), then the autograd record.

import { getBackend, type Attrs, type Backend, type Kernel, type KernelInput, type OpKey } from '../backend.js';
import { isFloat, type DType } from '../dtype.js';
import { AutogradError, BackendError, type ArgInfo } from '../errors.js';
import { isGradEnabled } from '../grad-mode.js';
import { isHalf } from '../half.js';
import type { Shape } from '../shape.js';
import { Tensor, checkVersion, type GradNode } from '../tensor.js';

/** What a VJP may read: the saved inputs/output (as declared by `save`) and the attrs. */
export interface VjpContext<A extends Attrs> {
  /** The op's inputs, present when `save.inputs` is set (else empty). */
  readonly inputs: readonly Tensor[];
  /** The op's output, present when `save.output` is set. */
  readonly output: Tensor | undefined;
  /** The attributes the op was applied with. */
  readonly attrs: A;
  /** Every input's shape (always kept: they are cheap). */
  readonly shapes: readonly Shape[];
  /** Every input's dtype. */
  readonly dtypes: readonly DType[];
  /** Which inputs need a gradient; a VJP may return null for the others to skip work. */
  readonly needsInputGrad: readonly boolean[];
}

/**
 * A view's layout over its input's storage.
 * @inline
 */
export interface ViewLayout {
  /** The output's strides over the input's storage. */
  readonly strides: readonly number[];
  /** The output's first element in the input's storage. */
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
  /**
   * Output shape; throws a ShapeError naming the op and arguments.
   * @param inputs - The op's tensor inputs (read their shapes, never their data).
   * @param attrs - The op's attributes.
   * @returns The output shape.
   */
  shape(inputs: readonly Tensor[], attrs: A): Shape;
  /**
   * Output dtype; throws a DTypeError.
   * @param inputs - The op's tensor inputs.
   * @param attrs - The op's attributes.
   * @returns The output dtype.
   */
  dtype(inputs: readonly Tensor[], attrs: A): DType;
  /**
   * For `kind: 'view'`: the strides and offset of the output over the input's storage.
   * @param x - The input tensor.
   * @param attrs - The op's attributes.
   * @param shape - The output shape (from `shape`).
   * @returns The output's layout over `x.storage`.
   */
  view?(x: Tensor, attrs: A, shape: Shape): ViewLayout;
  /** What the VJP needs kept alive: the inputs, the output, or neither (nothing else is saved). */
  readonly save?: {
    /** Keep the inputs for the VJP. */
    readonly inputs?: boolean;
    /** Keep the output for the VJP. */
    readonly output?: boolean;
  };
  /**
   * Maps the output gradient to one gradient per input (null: none). Omit for non-differentiable
   * ops, and for fused ops with a `decompose` (backward kernels): those are differentiated through it.
   * The engine sums each result back to its input's shape (undoing broadcasting) and checks it.
   * @param g - Gradient of the loss with respect to the output (the output's shape).
   * @param ctx - Saved tensors, attributes, input shapes and dtypes.
   * @returns One gradient (or null) per input.
   */
  vjp?(g: Tensor, ctx: VjpContext<A>): readonly (Tensor | null)[];
  /**
   * The op written with other ops: used where a backend has no kernel, and as the reference for fused kernels.
   * @param inputs - The op's tensor inputs.
   * @param attrs - The op's attributes.
   * @returns The op's result, computed with other ops.
   */
  decompose?(inputs: readonly Tensor[], attrs: A): Tensor;
  /** Input domain for property tests: keeps values away from poles and kinks. */
  readonly testDomain?: {
    /** Smallest test value. */
    readonly min: number;
    /** Largest test value. */
    readonly max: number;
    /** Points to keep away from (poles, kinks). */
    readonly avoid?: readonly number[];
  };
}

const registry = new Map<string, PrimitiveDef<any>>();

/**
 * Declares a primitive and adds it to the registry (names are unique). An elementwise primitive
 * needs no kernel: every backend builds one from `scalar`. docs/new-op.md walks through one.
 * @param def - The definition: name, kind, argument names, rules, scalar, save, VJP.
 * @returns `def`, registered; run it with {@link apply}.
 * @example
 * const cubeOp = definePrimitive({
 *   name: 'cubeExample', kind: 'elementwise', args: ['x'],
 *   shape: ([x]) => x!.shape,
 *   dtype: ([x]) => x!.dtype,
 *   scalar: (x) => x * x * x,
 *   save: { inputs: true },
 *   vjp: (g, { inputs: [x] }) => [g.mul(x!.square().mul(3))], // d/dx x^3 = 3x^2
 * });
 * const cube = (x: Tensor) => apply(cubeOp, [x], {});
 * cube(tensor([2, 3])).tolist(); // [8, 27]
 * grad((x: Tensor) => cube(x).sum())(tensor([2])).tolist(); // [12]
 */
export function definePrimitive<A extends Attrs = Attrs>(def: PrimitiveDef<A>): PrimitiveDef<A> {
  if (registry.has(def.name)) throw new Error(`primitive '${def.name}' is defined twice`);
  registry.set(def.name, def);
  return def;
}

/**
 * Every registered primitive, in definition order.
 * @returns The definitions (backends and the test suites iterate them).
 * @example primitives().some((p) => p.name === 'matmul'); // true
 */
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
 * The one kernel-or-decomposition rule (used by {@link apply} and the conformance suite): the
 * backend's kernel when it holds the dtype and has one of its own; otherwise the op's
 * decomposition (undefined is returned); a `fallback` kernel only for ops without a decomposition.
 * Gradient: not applicable (it picks a kernel; autograd is recorded by `apply`).
 * @param op - The primitive.
 * @param backend - The backend its inputs live on.
 * @param dtype - The output dtype.
 * @returns The kernel to run, or undefined to run `op.decompose` (or fail, when it has none).
 * @example kernelFor(primitives().find((p) => p.name === 'exp')!, getBackend('cpu'), 'float32') !== undefined; // true
 */
export function kernelFor(op: OpKey, backend: Backend, dtype: DType): Kernel | undefined {
  if (!backend.dtypes.has(dtype)) return undefined;
  const k = backend.kernel(op);
  return k?.fallback && op.decompose ? undefined : k;
}

/**
 * Runs primitive `op` on `inputs`: checks shapes and dtypes, runs the backend kernel (or the
 * decomposition), and records the autograd node when grad mode is on and an input requires grad.
 * It is the only dispatch function; every op function calls it.
 * @param op - The primitive.
 * @param inputs - Its tensor inputs, all on one device.
 * @param attrs - Its attributes (plain data).
 * @returns The output tensor, shaped by `op.shape`.
 * @example
 * const exp = primitives().find((p) => p.name === 'exp')!;
 * apply(exp, [tensor([0])], {}).tolist(); // [1]
 */
export function apply<A extends Attrs>(op: PrimitiveDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const shape = op.shape(inputs, attrs);
  const dtype = op.dtype(inputs, attrs);
  // float16/bfloat16 are storage types: elementwise kernels convert on the fly, everything else
  // (reductions, matmul, indexing, fused ops) runs on float32 copies and rounds the result back
  if (op.kind !== 'view' && op.kind !== 'elementwise' && inputs.some((t) => isHalf(t.dtype))) return viaFloat32(op, inputs, attrs, dtype);
  let out: Tensor;
  if (op.kind === 'view') {
    const x = inputs[0]!;
    const layout = op.view!(x, attrs, shape);
    out = new Tensor(x.storage, shape, layout.strides, layout.offset);
  } else {
    const backend = getBackend(commonDevice(op, inputs));
    // a fused op without a VJP is recorded as its decomposition's parts, so it stays differentiable
    const viaParts = op.vjp === undefined && op.decompose !== undefined && isGradEnabled() && inputs.some((t) => t.requiresGrad);
    const kernel = viaParts ? undefined : kernelFor(op, backend, dtype);
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

/**
 * @internal The in-place form of an elementwise primitive: runs the backend kernel's `inPlace`
 * writing the result over `inputs[0]` (no new storage) when the result has its shape and dtype and
 * the kernel can; returns false otherwise (the caller then computes and copies). Not recorded by
 * autograd: the caller checks grad mode first, as every in-place method does.
 */
export function applyInPlace<A extends Attrs>(op: PrimitiveDef<A>, inputs: readonly Tensor[], attrs: A): boolean {
  if (op.kind !== 'elementwise') return false;
  const dst = inputs[0]!;
  if (inputs.some((t) => t.device !== dst.device)) return false;
  const shape = op.shape(inputs, attrs);
  const dtype = op.dtype(inputs, attrs);
  if (dtype !== dst.dtype || shape.length !== dst.shape.length || shape.some((n, i) => n !== dst.shape[i])) return false;
  const kernel = kernelFor(op, getBackend(dst.device), dtype);
  if (!kernel?.inPlace?.(inputs.map(kernelInput), attrs)) return false;
  dst.storage.version++;
  return true;
}

function viaFloat32<A extends Attrs>(op: PrimitiveDef<A>, inputs: readonly Tensor[], attrs: A, dtype: DType): Tensor {
  const cast = registry.get('to')!;
  const up = inputs.map((t) => (isHalf(t.dtype) ? apply(cast, [t], { dtype: 'float32' }) : t));
  const r = apply(op, up, attrs);
  return isHalf(dtype) ? apply(cast, [r], { dtype }) : r;
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
