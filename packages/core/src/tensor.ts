// Tensor: a strided view (shape, strides, offset) of a backend storage, plus its autograd links.
// Op methods (`x.add(y)`, `x.sum()`, ...) are attached in methods.ts, the one place that sees both.

import { getBackend, type Storage } from './backend.js';
import { isFloat, type DType, type TypedArray } from './dtype.js';
import { AutogradError, IndexError, ValueError } from './errors.js';
import { contiguousStrides, isContiguous, sizeOf, type Shape } from './shape.js';
import { formatTensor } from './print.js';
import { decodeHalf, isHalf } from './half.js';
import { gatherStrided } from './strided.js';

/**
 * One recorded op in the autograd graph: the inputs it read and the vector-Jacobian product that
 * maps the output's gradient to theirs. Created by dispatch; read by the backward loop.
 */
export interface GradNode {
  /** The primitive's name, e.g. `'mul'`. */
  readonly name: string;
  /** The op's tensor inputs (emptied when the graph is freed after backward). */
  inputs: readonly Tensor[];
  /**
   * Gradients for each input (null where none flows). Throws if the graph was freed.
   * @param g - Gradient of the loss with respect to this node's output.
   * @returns One gradient per input, before broadcasting is undone.
   */
  vjp(g: Tensor): readonly (Tensor | null)[];
  /** Frees saved tensors; a later `vjp` throws a clear error. */
  release(): void;
  /** Whether `release` has run (backward without `retainGraph` releases every node). */
  readonly released: boolean;
}

/** Nested arrays of numbers or booleans, as accepted by `tensor()` and returned by `tolist()`. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * An N-d array on a device, with reverse-mode autograd. Create tensors with `tensor`, `zeros`,
 * `randn`, ...; never with `new`. Op methods (`x.add(y)`, `x.sum(-1)`) are thin wrappers over
 * the functional ops (`add(x, y)`, `sum(x, -1)`), whose pages document shapes and gradients.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward();
 * x.grad!.tolist(); // [[2, 4], [6, 8]]
 */
export class Tensor {
  /** Size of each dim. */
  readonly shape: readonly number[];
  /** Elements to step in the storage per index of each dim (0 where broadcast). */
  readonly strides: readonly number[];
  /** Index of element [0, ..., 0] in the storage. */
  readonly offset: number;
  /** The backend buffer this tensor views (shared by views). */
  readonly storage: Storage;
  /** Accumulated gradient, set by `backward` on leaves that require grad (and on `retainGrad` tensors). */
  grad: Tensor | null = null;
  /** The op that produced this tensor, or null for leaves. PyTorch's `grad_fn`. */
  gradFn: GradNode | null = null;
  /** Whether `backward` stores the gradient of this non-leaf in `.grad`. */
  retainsGrad = false;
  private requires = false;

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) instead. */
  constructor(storage: Storage, shape: Shape, strides?: readonly number[], offset = 0) {
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
  }

  /** Element dtype. */
  get dtype(): DType {
    return this.storage.dtype;
  }

  /** The device (backend name) the storage lives on: `'cpu'` or `'gpu'`. */
  get device(): string {
    return this.storage.device;
  }

  /** Number of dims. */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Number of dims (PyTorch's `dim()`).
   * @returns `shape.length`.
   */
  dim(): number {
    return this.shape.length;
  }

  /**
   * Total number of elements.
   * @returns The product of the shape (1 for a scalar).
   */
  numel(): number {
    return sizeOf(this.shape);
  }

  /**
   * The shape (PyTorch's `size()`).
   * @returns A copy of `shape`.
   */
  size(): number[];
  /**
   * The size of one dim.
   * @param dim - The dim (negative counts from the end).
   * @returns Its size.
   */
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    const d = dim < 0 ? dim + this.shape.length : dim;
    const s = this.shape[d];
    if (s === undefined || !Number.isInteger(dim)) {
      const r = this.shape.length;
      throw new IndexError('size', `dim ${dim} is out of range for a tensor of rank ${r}`, { x: this.shape },
        r === 0 ? 'a 0-d tensor has no dims: use size() for its shape []' : `expected dim in [${-r}, ${r - 1}]`);
    }
    return s;
  }

  /**
   * Whether the view is row-major without gaps (so kernels can read it flat).
   * @returns False for transposed, expanded or strided views.
   */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /** Whether autograd tracks this tensor. Only float tensors can require grad. */
  get requiresGrad(): boolean {
    return this.requires;
  }

  /** Turns gradient tracking on (float leaves only) or off (leaves only; use `detach()` otherwise). */
  set requiresGrad(on: boolean) {
    if (on && !isFloat(this.dtype)) {
      throw new AutogradError('requiresGrad', `only floating-point tensors can require gradients, got ${this.dtype}`,
        { x: { shape: this.shape, dtype: this.dtype } }, "convert first: x.to('float32').requiresGrad_()");
    }
    if (!on && this.gradFn !== null) {
      throw new AutogradError('requiresGrad', 'cannot turn off requiresGrad on a non-leaf tensor', {}, 'use x.detach() instead');
    }
    this.requires = on;
  }

  /** True for tensors not produced by a recorded op (user-created tensors and parameters). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /**
   * Keeps `.grad` on this non-leaf tensor after `backward` (PyTorch's `retain_grad()`).
   * @returns This tensor.
   */
  retainGrad(): this {
    if (!this.requires) throw new AutogradError('retainGrad', "can't retain the gradient of a tensor that does not require grad");
    this.retainsGrad = true;
    return this;
  }

  /**
   * Sets requiresGrad in place and returns this tensor (PyTorch's `requires_grad_()`).
   * @param on - Track gradients (default true).
   * @returns This tensor.
   */
  requiresGrad_(on = true): this {
    this.requiresGrad = on;
    return this;
  }

  /**
   * The elements in row-major order, as a new TypedArray. Waits for the device on GPU backends.
   * @returns Float32Array, Float64Array, Int32Array or Uint8Array (bool) by dtype; Float32Array for float16 and bfloat16.
   */
  async data(): Promise<TypedArray> {
    const full = await getBackend(this.device).read(this.storage);
    return this.viewOf(full);
  }

  /**
   * Synchronous `data()`, on backends that can read synchronously (the CPU).
   * @returns The elements in row-major order.
   */
  dataSync(): TypedArray {
    const b = getBackend(this.device);
    if (!b.readSync) {
      throw new ValueError('dataSync', `the '${this.device}' backend cannot read synchronously`, {}, 'use `await x.data()`');
    }
    return this.viewOf(b.readSync(this.storage));
  }

  private viewOf(stored: TypedArray): TypedArray {
    const full = isHalf(this.dtype) ? decodeHalf(stored, this.dtype) : stored; // half types read back as float32 values
    const n = this.numel();
    if (this.isContiguous() && this.offset === 0 && full.length === n) return full.slice();
    const out = new (full.constructor as new (n: number) => TypedArray)(n);
    gatherStrided(full, this.shape, this.strides, this.offset, out);
    return out;
  }

  /**
   * Nested JS arrays (booleans for bool tensors); a number for a scalar. Synchronous backends only.
   * @returns The values, nested like the shape.
   */
  tolist(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /**
   * The value of a one-element tensor as a JS number.
   * @returns The value.
   */
  item(): number {
    if (this.numel() !== 1) {
      throw new ValueError('item', `a tensor with ${this.numel()} elements cannot be converted to a number`, { x: this.shape }, 'item() needs exactly one element');
    }
    return this.dataSync()[0]!;
  }

  /**
   * The value of a one-element tensor as a JS number, on any device (waits for a device readback
   * where the backend reads asynchronously; see `canReadSync`).
   * @returns The value.
   * @example await tensor([[2.5]]).itemAsync(); // 2.5
   */
  async itemAsync(): Promise<number> {
    if (this.numel() !== 1) {
      throw new ValueError('itemAsync', `a tensor with ${this.numel()} elements cannot be converted to a number`, { x: this.shape }, 'itemAsync() needs exactly one element');
    }
    return (await this.data())[0]!;
  }

  /**
   * The printout PyTorch gives (see `setPrintOptions`): aligned rows, `...` past the threshold,
   * and dtype, device and autograd suffixes when they are not the defaults.
   * @returns The printout, e.g. `tensor([[1, 2],\n        [3, 4]])`.
   */
  toString(): string {
    const b = getBackend(this.device);
    return formatTensor(this, b.readSync ? () => this.viewOf(b.readSync!(this.storage)) : undefined);
  }

  /**
   * Node's `console.log(x)` and `util.inspect(x)` print the same as `toString()`.
   * @returns The printout.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function toNested(flat: TypedArray, shape: Shape, dtype: DType): NestedArray {
  const conv = dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return conv(flat[0]!);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const n = shape[d]!;
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(d === shape.length - 1 ? conv(flat[pos++]!) : build(d + 1));
    return out;
  };
  return build(0);
}

/** Throws if `t`'s storage was written in place since `version` was recorded (autograd safety). */
export function checkVersion(op: string, t: Tensor, version: number): void {
  if (t.storage.version !== version) {
    throw new AutogradError(op, `a tensor saved for the backward of '${op}' was modified by an in-place operation (version ${version} -> ${t.storage.version})`,
      { saved: t.shape }, 'clone() the tensor before changing it in place, or change it after backward');
  }
}
