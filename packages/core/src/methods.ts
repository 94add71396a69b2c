// Tensor methods: thin wrappers over the functional ops, attached to Tensor.prototype here, the
// one module that imports both (so tensor.ts never imports ops and no import circle forms).

import { backward, type BackwardOptions } from './autograd/backward.js';
import { noGrad } from './autograd/api.js';
import { getBackend } from './backend.js';
import { dispose } from './memory.js';
import type { DType } from './dtype.js';
import { AutogradError, DTypeError, ShapeError, ValueError, formatShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { isGradEnabled } from './grad-mode.js';
import * as ops from './ops/index.js';
import type { TensorLike } from './ops/helpers.js';
import type { ToTarget } from './ops/cast.js';
import type { ValuesIndices, VarOptions } from './ops/composite/reductions.js';
import type { Reduction } from './ops/composite/losses.js';
import { kernelInput } from './ops/define.js';
import { Tensor } from './tensor.js';

/**
 * A dim or a list of dims.
 * @inline
 */
type Dims = number | readonly number[];

declare module './tensor.js' {
  interface Tensor {
    /** Elementwise |x| ({@link abs}). */
    abs(): Tensor;
    /** this + alpha * other, broadcasting ({@link add}). */
    add(other: TensorLike, opts?: { alpha?: number }): Tensor;
    /** Maximum over `dim` ({@link amax}). */
    amax(dim?: Dims, keepdim?: boolean): Tensor;
    /** Minimum over `dim` ({@link amin}). */
    amin(dim?: Dims, keepdim?: boolean): Tensor;
    /** Index of the maximum over `dim` ({@link argmax}). */
    argmax(dim?: number, keepdim?: boolean): Tensor;
    /** Index of the minimum over `dim` ({@link argmin}). */
    argmin(dim?: number, keepdim?: boolean): Tensor;
    /** Accumulates d(this)/d(leaf) into every leaf's `.grad` ({@link backward}). */
    backward(gradient?: Tensor, opts?: BackwardOptions): void;
    /** Smallest integer >= x ({@link ceil}). */
    ceil(): Tensor;
    /** Splits into `chunks` views along `dim` ({@link chunk}). */
    chunk(chunks: number, dim?: number): Tensor[];
    /** Limits values to [min, max] ({@link clamp}). */
    clamp(min?: number | Tensor, max?: number | Tensor): Tensor;
    /** Alias of `clamp` ({@link clamp}). */
    clip(min?: number | Tensor, max?: number | Tensor): Tensor;
    /** A copy with its own storage, differentiable ({@link clone}). */
    clone(): Tensor;
    /** This tensor if contiguous, else a contiguous copy ({@link contiguous}). */
    contiguous(): Tensor;
    /** Elementwise cosine ({@link cos}). */
    cos(): Tensor;
    /**
     * A tensor sharing this one's storage but cut from the graph: no gradient flows through it.
     * @returns A new leaf with `requiresGrad` false.
     */
    detach(): Tensor;
    /** this / other, broadcasting ({@link div}). */
    div(other: TensorLike, opts?: { roundingMode?: 'trunc' | 'floor' }): Tensor;
    /** Frees device memory now (see `dispose`); a no-op for CPU tensors, which the garbage collector frees. */
    dispose(): void;
    /** Elementwise this == other, bool ({@link eq}). */
    eq(other: TensorLike): Tensor;
    /** Elementwise error function ({@link erf}). */
    erf(): Tensor;
    /** Elementwise e^x ({@link exp}). */
    exp(): Tensor;
    /** Elementwise e^x - 1, accurate near 0 ({@link expm1}). */
    expm1(): Tensor;
    /** A broadcast view with size-1 dims stretched to `shape` ({@link expand}). */
    expand(shape: readonly number[]): Tensor;
    /** A broadcast view to `other`'s shape ({@link expandAs}). */
    expandAs(other: Tensor): Tensor;
    /** Merges dims `startDim`..`endDim` ({@link flatten}). */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** Largest integer <= x ({@link floor}). */
    floor(): Tensor;
    /** Values at `index` along `dim` ({@link gather}). */
    gather(dim: number, index: Tensor): Tensor;
    /** Elementwise this >= other, bool ({@link ge}). */
    ge(other: TensorLike): Tensor;
    /** Elementwise this > other, bool ({@link gt}). */
    gt(other: TensorLike): Tensor;
    /** Adds rows of `source` at `index` along `dim` ({@link indexAdd}). */
    indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }): Tensor;
    /** Rows at `index` along `dim` ({@link indexSelect}). */
    indexSelect(dim: number, index: Tensor): Tensor;
    /** Elementwise NaN test, bool ({@link isnan}). */
    isnan(): Tensor;
    /** Elementwise: is +-Infinity, bool ({@link isinf}). */
    isinf(): Tensor;
    /** Elementwise: is finite, bool ({@link isfinite}). */
    isfinite(): Tensor;
    /** Elementwise this <= other, bool ({@link le}). */
    le(other: TensorLike): Tensor;
    /** Elementwise natural log ({@link log}). */
    log(): Tensor;
    /** Elementwise log(1 + x) ({@link log1p}). */
    log1p(): Tensor;
    /** log(softmax(x)) along `dim` ({@link logSoftmax}). */
    logSoftmax(dim: number): Tensor;
    /** Elementwise AND, bool ({@link logicalAnd}). */
    logicalAnd(other: TensorLike): Tensor;
    /** Elementwise NOT, bool ({@link logicalNot}). */
    logicalNot(): Tensor;
    /** Elementwise OR, bool ({@link logicalOr}). */
    logicalOr(other: TensorLike): Tensor;
    /** Elementwise XOR, bool ({@link logicalXor}). */
    logicalXor(other: TensorLike): Tensor;
    /** log(sum(exp(x))) over `dim`, stable ({@link logsumexp}). */
    logsumexp(dim: Dims, keepdim?: boolean): Tensor;
    /** Elementwise this < other, bool ({@link lt}). */
    lt(other: TensorLike): Tensor;
    /** `value` where `mask` is true ({@link maskedFill}). */
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
    /** Matrix product with batch broadcasting ({@link matmul}). */
    matmul(other: Tensor): Tensor;
    /** The maximum of all elements, 0-d ({@link max}). */
    max(): Tensor;
    /** Maximum and its index over `dim` ({@link max}). */
    max(dim: number, keepdim?: boolean): ValuesIndices;
    /** Elementwise maximum, broadcasting ({@link maximum}). */
    maximum(other: TensorLike): Tensor;
    /** Mean over `dim` ({@link mean}). */
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    /** The minimum of all elements, 0-d ({@link min}). */
    min(): Tensor;
    /** Minimum and its index over `dim` ({@link min}). */
    min(dim: number, keepdim?: boolean): ValuesIndices;
    /** Elementwise minimum, broadcasting ({@link minimum}). */
    minimum(other: TensorLike): Tensor;
    /** The last two dims transposed, a view ({@link mT}). */
    readonly mT: Tensor;
    /** Mean squared error against `target` ({@link mseLoss}). */
    mseLoss(target: Tensor, opts?: { reduction?: Reduction }): Tensor;
    /** this * other, broadcasting ({@link mul}). */
    mul(other: TensorLike): Tensor;
    /** `length` elements of `dim` from `start`, a view ({@link narrow}). */
    narrow(dim: number, start: number, length: number): Tensor;
    /** Elementwise this != other, bool ({@link ne}). */
    ne(other: TensorLike): Tensor;
    /** Elementwise -x ({@link neg}). */
    neg(): Tensor;
    /** Reorders dims, a view ({@link permute}); the dims as one list or as arguments. */
    permute(...dims: number[] | [readonly number[]]): Tensor;
    /** Elementwise this ** exponent ({@link pow}). */
    pow(exponent: TensorLike): Tensor;
    /** Elementwise 1 / x ({@link reciprocal}). */
    reciprocal(): Tensor;
    /** Elementwise max(x, 0) ({@link relu}). */
    relu(): Tensor;
    /** Remainder with the divisor's sign ({@link remainder}). */
    remainder(other: TensorLike): Tensor;
    /** Remainder with the dividend's sign ({@link fmod}). */
    fmod(other: TensorLike): Tensor;
    /** The same elements in `shape`, a view when possible ({@link reshape}); the shape as one list or as arguments. */
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    /** Nearest integer, halves to even ({@link round}). */
    round(): Tensor;
    /** Elementwise 1 / sqrt(x) ({@link rsqrt}). */
    rsqrt(): Tensor;
    /** Adds `src` into positions `index` along `dim` ({@link scatterAdd}). */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /** Index `index` of `dim`, that dim removed ({@link select}). */
    select(dim: number, index: number): Tensor;
    /** Elementwise 1 / (1 + e^-x) ({@link sigmoid}). */
    sigmoid(): Tensor;
    /** Elementwise sign ({@link sign}). */
    sign(): Tensor;
    /** Elementwise sine ({@link sin}). */
    sin(): Tensor;
    /** Elements `start`..`end` by `step` of `dim`, a view ({@link slice}). */
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    /** Softmax along `dim` ({@link softmax}). */
    softmax(dim: number): Tensor;
    /** Views of `splitSize` (or the given sizes) along `dim` ({@link split}). */
    split(splitSize: number | readonly number[], dim?: number): Tensor[];
    /** Elementwise square root ({@link sqrt}). */
    sqrt(): Tensor;
    /** Elementwise x^2 ({@link square}). */
    square(): Tensor;
    /** Drops size-1 dims ({@link squeeze}). */
    squeeze(dim?: number | readonly number[]): Tensor;
    /** Standard deviation over `dim` ({@link std}). */
    std(dim?: Dims, opts?: VarOptions): Tensor;
    /** this - alpha * other, broadcasting ({@link sub}). */
    sub(other: TensorLike, opts?: { alpha?: number }): Tensor;
    /** Sum over `dim` (all dims by default) ({@link sum}). */
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    /** Sums broadcast dims away to reach `shape` ({@link sumToSize}). */
    sumToSize(shape: readonly number[]): Tensor;
    /** Matrix transpose ({@link t}). */
    t(): Tensor;
    /** Elementwise tanh ({@link tanh}). */
    tanh(): Tensor;
    /** Converts dtype and/or moves device ({@link to}). */
    to(target: ToTarget): Tensor;
    /** Swaps two dims, a view ({@link transpose}). */
    transpose(dim0: number, dim1: number): Tensor;
    /** Lower triangle, the rest zeroed ({@link tril}). */
    tril(diagonal?: number): Tensor;
    /** Upper triangle, the rest zeroed ({@link triu}). */
    triu(diagonal?: number): Tensor;
    /** Drops the fractional part ({@link trunc}). */
    trunc(): Tensor;
    /** Splits `dim` into `sizes` ({@link unflatten}). */
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    /** Inserts a size-1 dim at `dim` ({@link unsqueeze}). */
    unsqueeze(dim: number): Tensor;
    /** Variance over `dim` ({@link variance}). */
    var(dim?: Dims, opts?: VarOptions): Tensor;
    /** The same storage in `shape` (no copy) ({@link view}); the shape as one list or as arguments. */
    view(...shape: number[] | [readonly number[]]): Tensor;
    /** this where `condition`, else `other` ({@link where}). */
    where(condition: Tensor, other: TensorLike): Tensor;
    /** In place: copies `src` (broadcast) into this tensor's elements ({@link expand} gives the rule). Not recorded by autograd. */
    copy_(src: TensorLike): this;
    /** In place: this += alpha * other ({@link add}). Not recorded by autograd. */
    add_(other: TensorLike, opts?: { alpha?: number }): this;
    /** In place: this -= alpha * other ({@link sub}). Not recorded by autograd. */
    sub_(other: TensorLike, opts?: { alpha?: number }): this;
    /** In place: this *= other ({@link mul}). Not recorded by autograd. */
    mul_(other: TensorLike): this;
    /** In place: this /= other ({@link div}). Not recorded by autograd. */
    div_(other: TensorLike): this;
    /** In place: every element = value ({@link fullLike}). Not recorded by autograd. */
    fill_(value: number | boolean): this;
    /** In place: every element = 0 ({@link zerosLike}). Not recorded by autograd. */
    zero_(): this;
  }
}

// bool < integer < float: an in-place result may not move up a category (PyTorch's can_cast)
const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** A shape or dim list given as one array (`x.reshape([3, 2])`) or as arguments (`x.reshape(3, 2)`), as PyTorch takes both. */
function dimsArg(args: readonly (number | readonly number[])[]): readonly number[] {
  return args.length === 1 && typeof args[0] !== 'number' ? args[0]! : (args as number[]);
}

function inPlace(t: Tensor, op: string, compute: () => Tensor, castAny = false): Tensor {
  const name = `${op}_`;
  const x = { shape: t.shape, dtype: t.dtype };
  if (isGradEnabled() && t.requiresGrad) {
    throw new AutogradError(name, `in-place ops are not recorded by autograd, and this tensor requires grad${t.isLeaf ? ' (a leaf)' : ''}`, { x: t.shape },
      'wrap the update in noGrad(() => ...), as optimizers do, or use the out-of-place op');
  }
  if (t.strides.some((s, i) => s === 0 && t.shape[i]! > 1)) {
    throw new ValueError(name, 'more than one element of the written-to tensor refers to a single memory location (an expanded view)', { x },
      'call .clone() before writing in place');
  }
  const src = noGrad(compute);
  if (!shapesEqual(src.shape, t.shape)) {
    throw new ShapeError(name, `the result's broadcast shape ${formatShape(src.shape)} does not match the tensor's shape`, { x, result: src.shape },
      'an in-place op cannot grow its tensor; use the out-of-place op');
  }
  if (!castAny && CATEGORY[src.dtype] > CATEGORY[t.dtype]) {
    throw new DTypeError(name, `result type ${src.dtype} can't be cast to the tensor's dtype ${t.dtype}`, { x, result: { shape: src.shape, dtype: src.dtype } },
      'use the out-of-place op, which promotes');
  }
  getBackend(t.device).copyInto(kernelInput(t), kernelInput(src.dtype === t.dtype ? src : src.to(t.dtype)));
  return t;
}

// copy_'s source, broadcast to dst; a source that shares dst's storage (x.copy_(x.t())) is cloned first
function copySource(dst: Tensor, src: TensorLike): Tensor {
  const s = ops.expand(src instanceof Tensor ? src : ops.fullLike(dst, src as number), dst.shape);
  return s.storage === dst.storage ? ops.clone(s) : s;
}

const methods: { [K in keyof Tensor]?: (this: Tensor, ...args: never[]) => unknown } & ThisType<Tensor> = {
  abs() { return ops.abs(this); },
  add(other: TensorLike, opts?: { alpha?: number }) { return ops.add(this, other, opts); },
  amax(dim?: Dims, keepdim?: boolean) { return ops.amax(this, dim, keepdim); },
  amin(dim?: Dims, keepdim?: boolean) { return ops.amin(this, dim, keepdim); },
  argmax(dim?: number, keepdim?: boolean) { return ops.argmax(this, dim, keepdim); },
  argmin(dim?: number, keepdim?: boolean) { return ops.argmin(this, dim, keepdim); },
  backward(gradient?: Tensor, opts?: BackwardOptions) { backward(this, gradient, opts); },
  ceil() { return ops.ceil(this); },
  chunk(chunks: number, dim?: number) { return ops.chunk(this, chunks, dim); },
  clamp(min?: number | Tensor, max?: number | Tensor) { return ops.clamp(this, min, max); },
  clip(min?: number | Tensor, max?: number | Tensor) { return ops.clamp(this, min, max); },
  clone() { return ops.clone(this); },
  contiguous() { return ops.contiguous(this); },
  cos() { return ops.cos(this); },
  detach() { return new Tensor(this.storage, this.shape, this.strides, this.offset); },
  div(other: TensorLike, opts?: { roundingMode?: 'trunc' | 'floor' }) { return ops.div(this, other, opts); },
  dispose() { dispose(this); },
  eq(other: TensorLike) { return ops.eq(this, other); },
  erf() { return ops.erf(this); },
  exp() { return ops.exp(this); },
  expm1() { return ops.expm1(this); },
  expand(shape: readonly number[]) { return ops.expand(this, shape); },
  expandAs(other: Tensor) { return ops.expandAs(this, other); },
  flatten(startDim?: number, endDim?: number) { return ops.flatten(this, startDim, endDim); },
  floor() { return ops.floor(this); },
  gather(dim: number, index: Tensor) { return ops.gather(this, dim, index); },
  ge(other: TensorLike) { return ops.ge(this, other); },
  gt(other: TensorLike) { return ops.gt(this, other); },
  indexAdd(dim: number, index: Tensor, source: Tensor, opts?: { alpha?: number }) { return ops.indexAdd(this, dim, index, source, opts); },
  indexSelect(dim: number, index: Tensor) { return ops.indexSelect(this, dim, index); },
  isnan() { return ops.isnan(this); },
  isinf() { return ops.isinf(this); },
  isfinite() { return ops.isfinite(this); },
  le(other: TensorLike) { return ops.le(this, other); },
  log() { return ops.log(this); },
  log1p() { return ops.log1p(this); },
  logSoftmax(dim: number) { return ops.logSoftmax(this, dim); },
  logicalAnd(other: TensorLike) { return ops.logicalAnd(this, other); },
  logicalNot() { return ops.logicalNot(this); },
  logicalOr(other: TensorLike) { return ops.logicalOr(this, other); },
  logicalXor(other: TensorLike) { return ops.logicalXor(this, other); },
  logsumexp(dim: Dims, keepdim?: boolean) { return ops.logsumexp(this, dim, keepdim); },
  lt(other: TensorLike) { return ops.lt(this, other); },
  maskedFill(mask: Tensor, value: number | Tensor) { return ops.maskedFill(this, mask, value); },
  matmul(other: Tensor) { return ops.matmul(this, other); },
  max(dim?: number, keepdim?: boolean) { return dim === undefined ? ops.max(this) : ops.max(this, dim, keepdim); },
  maximum(other: TensorLike) { return ops.maximum(this, other); },
  mean(dim?: Dims, keepdim?: boolean) { return ops.mean(this, dim, keepdim); },
  min(dim?: number, keepdim?: boolean) { return dim === undefined ? ops.min(this) : ops.min(this, dim, keepdim); },
  minimum(other: TensorLike) { return ops.minimum(this, other); },
  mseLoss(target: Tensor, opts?: { reduction?: Reduction }) { return ops.mseLoss(this, target, opts); },
  mul(other: TensorLike) { return ops.mul(this, other); },
  narrow(dim: number, start: number, length: number) { return ops.narrow(this, dim, start, length); },
  ne(other: TensorLike) { return ops.ne(this, other); },
  neg() { return ops.neg(this); },
  permute(...dims: (number | readonly number[])[]) { return ops.permute(this, dimsArg(dims)); },
  pow(exponent: TensorLike) { return ops.pow(this, exponent); },
  reciprocal() { return ops.reciprocal(this); },
  relu() { return ops.relu(this); },
  remainder(other: TensorLike) { return ops.remainder(this, other); },
  fmod(other: TensorLike) { return ops.fmod(this, other); },
  reshape(...shape: (number | readonly number[])[]) { return ops.reshape(this, dimsArg(shape)); },
  round() { return ops.round(this); },
  rsqrt() { return ops.rsqrt(this); },
  scatterAdd(dim: number, index: Tensor, src: Tensor) { return ops.scatterAdd(this, dim, index, src); },
  select(dim: number, index: number) { return ops.select(this, dim, index); },
  sigmoid() { return ops.sigmoid(this); },
  sign() { return ops.sign(this); },
  sin() { return ops.sin(this); },
  slice(dim: number, start?: number, end?: number, step?: number) { return ops.slice(this, dim, start, end, step); },
  softmax(dim: number) { return ops.softmax(this, dim); },
  split(splitSize: number | readonly number[], dim?: number) { return ops.split(this, splitSize, dim); },
  sqrt() { return ops.sqrt(this); },
  square() { return ops.square(this); },
  squeeze(dim?: number | readonly number[]) { return ops.squeeze(this, dim); },
  std(dim?: Dims, opts?: VarOptions) { return ops.std(this, dim, opts); },
  sub(other: TensorLike, opts?: { alpha?: number }) { return ops.sub(this, other, opts); },
  sum(dim?: Dims, keepdim?: boolean) { return ops.sum(this, dim, keepdim); },
  sumToSize(shape: readonly number[]) { return ops.sumToSize(this, shape); },
  t() { return ops.t(this); },
  tanh() { return ops.tanh(this); },
  to(target: ToTarget) { return ops.to(this, target); },
  transpose(dim0: number, dim1: number) { return ops.transpose(this, dim0, dim1); },
  tril(diagonal?: number) { return ops.tril(this, diagonal); },
  triu(diagonal?: number) { return ops.triu(this, diagonal); },
  trunc() { return ops.trunc(this); },
  unflatten(dim: number, sizes: readonly number[]) { return ops.unflatten(this, dim, sizes); },
  unsqueeze(dim: number) { return ops.unsqueeze(this, dim); },
  var(dim?: Dims, opts?: VarOptions) { return ops.variance(this, dim, opts); },
  view(...shape: (number | readonly number[])[]) { return ops.view(this, dimsArg(shape)); },
  where(condition: Tensor, other: TensorLike) { return ops.where(condition, this, other); },
  copy_(src: TensorLike) { return inPlace(this, 'copy', () => copySource(this, src), true); },
  add_(other: TensorLike, opts?: { alpha?: number }) { return inPlace(this, 'add', () => ops.add(this, other, opts)); },
  sub_(other: TensorLike, opts?: { alpha?: number }) { return inPlace(this, 'sub', () => ops.sub(this, other, opts)); },
  mul_(other: TensorLike) { return inPlace(this, 'mul', () => ops.mul(this, other)); },
  div_(other: TensorLike) { return inPlace(this, 'div', () => ops.div(this, other)); },
  fill_(value: number | boolean) { return inPlace(this, 'fill', () => ops.fullLike(this, value), true); },
  zero_() { return inPlace(this, 'zero', () => ops.zerosLike(this)); },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
}
Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor) {
    return ops.mT(this);
  },
  configurable: true,
  enumerable: false,
});
