// Tensor methods: thin wrappers over the functional ops, attached to Tensor.prototype here, the
// one module that imports both (so tensor.ts never imports ops and no import circle forms). Their
// types are declared in methods-types.ts.

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
import type { IndexItem, IndexPutOptions } from './ops/composite/advanced-index.js';
import type { SamplingGenerator } from './ops/sampling.js';
import type { ScanOptions } from './ops/sorting/scans.js';
import type { ScatterOptions } from './ops/indexing/scatter.js';
import { applyInPlace, kernelInput, type PrimitiveDef } from './ops/define.js';
import { toTensors } from './ops/helpers.js';
import { addOp } from './ops/binary/add.js';
import { subOp } from './ops/binary/sub.js';
import { mulOp } from './ops/binary/mul.js';
import { divOp } from './ops/binary/div.js';
import { Tensor } from './tensor.js';
import './methods-types.js';
import type { Dims } from './methods-types.js';

// bool < integer < float: an in-place result may not move up a category (PyTorch's can_cast)
const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float16: 2, bfloat16: 2, float32: 2, float64: 2 };

/** A shape or dim list given as one array (`x.reshape([3, 2])`) or as arguments (`x.reshape(3, 2)`), as PyTorch takes both. */
function dimsArg(args: readonly (number | readonly number[])[]): readonly number[] {
  return args.length === 1 && typeof args[0] !== 'number' ? args[0]! : (args as number[]);
}

// the one-pass form of a binary elementwise in-place method, where the backend has it (else compute + copy)
function binaryInPlace(t: Tensor, op: PrimitiveDef<any>, other: TensorLike, compute: () => Tensor): Tensor {
  return inPlace(t, op.name, compute, false, () => applyInPlace(op, toTensors(op.name, [t, other], t.device), {}));
}

function inPlace(t: Tensor, op: string, compute: () => Tensor, castAny = false, oneApply?: () => boolean): Tensor {
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
  if (oneApply?.()) return t;
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
  all(dim?: Dims, keepdim?: boolean) { return ops.all(this, dim, keepdim); },
  any(dim?: Dims, keepdim?: boolean) { return ops.any(this, dim, keepdim); },
  argsort(dim?: number, descending?: boolean, stable?: boolean) { return ops.argsort(this, dim, descending, stable); },
  diag(diagonal?: number) { return ops.diag(this, diagonal); },
  flip(...dims: (number | readonly number[])[]) { return ops.flip(this, dimsArg(dims)); },
  maskedSelect(mask: Tensor) { return ops.maskedSelect(this, mask); },
  movedim(source: Dims, destination: Dims) { return ops.movedim(this, source, destination); },
  nonzero() { return ops.nonzero(this); },
  repeat(...sizes: (number | readonly number[])[]) { return ops.repeat(this, dimsArg(sizes)); },
  repeatInterleave(repeats: number | Tensor, dim?: number) { return ops.repeatInterleave(this, repeats, dim); },
  roll(shifts: Dims, dims?: Dims) { return ops.roll(this, shifts, dims); },
  scatter(dim: number, index: Tensor, src: Tensor | number, opts?: ScatterOptions) { return ops.scatter(this, dim, index, src, opts); },
  take(index: Tensor) { return ops.take(this, index); },
  tile(dims: readonly number[]) { return ops.tile(this, dims); },
  unbind(dim?: number) { return ops.unbind(this, dim); },
  cumprod(dim: number, opts?: ScanOptions) { return ops.cumprod(this, dim, opts); },
  cumsum(dim: number, opts?: ScanOptions) { return ops.cumsum(this, dim, opts); },
  median(dim?: number, keepdim?: boolean) { return dim === undefined ? ops.median(this) : ops.median(this, dim, keepdim); },
  norm(p?: number | 'fro', dim?: Dims, keepdim?: boolean) { return ops.norm(this, p, dim, keepdim); },
  prod(dim?: number, keepdim?: boolean, opts?: ScanOptions) { return ops.prod(this, dim, keepdim, opts); },
  sort(dim?: number, descending?: boolean, stable?: boolean) { return ops.sort(this, dim, descending, stable); },
  topk(k: number, dim?: number, largest?: boolean, sorted?: boolean) { return ops.topk(this, k, dim, largest, sorted); },
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
  index(indices: readonly IndexItem[]) { return ops.index(this, indices); },
  indexPut(indices: readonly IndexItem[], values: Tensor | number, opts?: IndexPutOptions) { return ops.indexPut(this, indices, values, opts); },
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
  multinomial(numSamples: number, replacement?: boolean, opts?: SamplingGenerator) { return ops.multinomial(this, numSamples, replacement, opts); },
  bernoulli(p?: number | SamplingGenerator, opts?: SamplingGenerator) { return ops.bernoulli(this, p, opts); },
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
  takeAlongDim(indices: Tensor, dim?: number) { return ops.takeAlongDim(this, indices, dim); },
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
  add_(other: TensorLike, opts?: { alpha?: number }) {
    return opts?.alpha === undefined || opts.alpha === 1 ? binaryInPlace(this, addOp, other, () => ops.add(this, other)) : inPlace(this, 'add', () => ops.add(this, other, opts));
  },
  sub_(other: TensorLike, opts?: { alpha?: number }) {
    return opts?.alpha === undefined || opts.alpha === 1 ? binaryInPlace(this, subOp, other, () => ops.sub(this, other)) : inPlace(this, 'sub', () => ops.sub(this, other, opts));
  },
  mul_(other: TensorLike) { return binaryInPlace(this, mulOp, other, () => ops.mul(this, other)); },
  div_(other: TensorLike) { return binaryInPlace(this, divOp, other, () => ops.div(this, other)); },
  fill_(value: number | boolean) { return inPlace(this, 'fill', () => ops.fullLike(this, value), true); },
  indexPut_(indices: readonly IndexItem[], values: Tensor | number, opts?: IndexPutOptions) {
    return inPlace(this, 'indexPut', () => ops.indexPut(this, indices, values, opts), true);
  },
  bernoulli_(p: number | Tensor = 0.5, opts?: SamplingGenerator) {
    return inPlace(this, 'bernoulli', () => ops.bernoulli(typeof p === 'number' ? ops.fullLike(this, p, { dtype: 'float32' }) : p.expand(this.shape), opts), true);
  },
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
