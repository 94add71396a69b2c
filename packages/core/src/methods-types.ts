// The Tensor methods' types: `x.add(y)`, `x.sum(dim)`, ... declared on the Tensor class (their
// implementations are attached in methods.ts; each calls the functional op of the same name).

import type { DType } from './dtype.js';
import type { TensorLike } from './ops/helpers.js';
import type { ToTarget } from './ops/cast.js';
import type { ValuesIndices, VarOptions } from './ops/composite/reductions.js';
import type { Reduction } from './ops/composite/losses.js';
import type { IndexItem, IndexPutOptions } from './ops/composite/advanced-index.js';
import type { SamplingGenerator } from './ops/sampling.js';
import type { ScanOptions } from './ops/sorting/scans.js';
import type { ScatterOptions } from './ops/indexing/scatter.js';
import type { BackwardOptions } from './autograd/backward.js';
import type { Tensor } from './tensor.js';

/**
 * A dim or a list of dims.
 * @inline
 */
export type Dims = number | readonly number[];

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
    /** Whether every element is non-zero, bool ({@link all}). */
    all(dim?: Dims, keepdim?: boolean): Tensor;
    /** Whether any element is non-zero, bool ({@link any}). */
    any(dim?: Dims, keepdim?: boolean): Tensor;
    /** int32 indices that sort along `dim`, stable ({@link argsort}). */
    argsort(dim?: number, descending?: boolean, stable?: boolean): Tensor;
    /** Cumulative product along `dim` ({@link cumprod}). */
    cumprod(dim: number, opts?: ScanOptions): Tensor;
    /** Cumulative sum along `dim` ({@link cumsum}). */
    cumsum(dim: number, opts?: ScanOptions): Tensor;
    /** A diagonal, or a matrix with this on it ({@link diag}). */
    diag(diagonal?: number): Tensor;
    /** Reversed along `dims` ({@link flip}). */
    flip(...dims: (number | readonly number[])[]): Tensor;
    /** The elements where `mask` is true, 1-D ({@link maskedSelect}). */
    maskedSelect(mask: Tensor): Tensor;
    /** Dims moved to new positions ({@link movedim}). */
    movedim(source: Dims, destination: Dims): Tensor;
    /** int32 (count, ndim) indices of the non-zero elements ({@link nonzero}). */
    nonzero(): Tensor;
    /** The tensor repeated along each dim ({@link repeat}). */
    repeat(...sizes: (number | readonly number[])[]): Tensor;
    /** Each element repeated in place ({@link repeatInterleave}). */
    repeatInterleave(repeats: number | Tensor, dim?: number): Tensor;
    /** Elements rolled along `dims` ({@link roll}). */
    roll(shifts: Dims, dims?: Dims): Tensor;
    /** A copy with `src` written at `index` along `dim` ({@link scatter}). */
    scatter(dim: number, index: Tensor, src: Tensor | number, opts?: ScatterOptions): Tensor;
    /** Elements at flat positions ({@link take}). */
    take(index: Tensor): Tensor;
    /** The tensor tiled ({@link tile}). */
    tile(dims: readonly number[]): Tensor;
    /** The slices along `dim` ({@link unbind}). */
    unbind(dim?: number): Tensor[];
    /** The lower median of all elements ({@link median}). */
    median(): Tensor;
    /** The lower median along `dim` and its index ({@link median}). */
    median(dim: number, keepdim?: boolean): ValuesIndices;
    /** The vector norm over `dim` ({@link norm}). */
    norm(p?: number | 'fro', dim?: Dims, keepdim?: boolean): Tensor;
    /** Product of all elements or along `dim` ({@link prod}). */
    prod(dim?: number, keepdim?: boolean, opts?: ScanOptions): Tensor;
    /** Sorted values and their int32 indices, stable ({@link sort}). */
    sort(dim?: number, descending?: boolean, stable?: boolean): ValuesIndices;
    /** The k largest (or smallest) values and their indices ({@link topk}). */
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices;
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
    /** Category draws from each row of weights ({@link multinomial}). */
    multinomial(numSamples: number, replacement?: boolean, opts?: SamplingGenerator): Tensor;
    /** 0/1 draws with this tensor's probabilities, or with `p` ({@link bernoulli}). */
    bernoulli(p?: number | SamplingGenerator, opts?: SamplingGenerator): Tensor;
    /** PyTorch's `x[indices]`: integers, slices, new axes, index tensors and masks ({@link index}). */
    index(indices: readonly IndexItem[]): Tensor;
    /** A copy with `values` written (or added) at `x[indices]` ({@link indexPut}). */
    indexPut(indices: readonly IndexItem[], values: Tensor | number, opts?: IndexPutOptions): Tensor;
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
    /** Values along `dim` at `indices`, broadcasting outside `dim` ({@link takeAlongDim}). */
    takeAlongDim(indices: Tensor, dim?: number): Tensor;
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
    /** In place: every element becomes a 0/1 draw with probability p (default 0.5; a tensor broadcasts) ({@link bernoulli}). */
    bernoulli_(p?: number | Tensor, opts?: SamplingGenerator): this;
    /** Writes (or adds) `values` at `this[indices]` in place ({@link indexPut}); not recorded by autograd. */
    indexPut_(indices: readonly IndexItem[], values: Tensor | number, opts?: IndexPutOptions): this;
  }
}
