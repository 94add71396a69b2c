// Strided reads and writes on flat arrays: the one index walk shared by CPU kernels and readback.

import type { Shape } from './shape.js';

type NumArray = { length: number; [i: number]: number };

/**
 * Copies the view (`shape`, `strides`, `offset`) of `src` into `dst` (row-major, from `dstOffset`),
 * walking the innermost dim with its stride and carrying counters outward (no div/mod per element).
 */
export function gatherStrided(src: NumArray, shape: Shape, strides: readonly number[], offset: number, dst: NumArray, dstOffset = 0): void {
  if (shape.length === 0) {
    dst[dstOffset] = src[offset]!;
    return;
  }
  const [cs, [cst]] = coalesce(shape, [strides]);
  // NOTE: float32 to float32 (most copies) in a loop that sees no other array type: the generic
  // walk below meets every typed array and plain arrays, and V8's megamorphic element access runs
  // several times slower (a [64, 24, 4, 32] head-split copy: about 1 ms -> 0.2 ms)
  if (src instanceof Float32Array && dst instanceof Float32Array) gatherF32(src, cs, cst!, offset, dst, dstOffset);
  else gatherAny(src, cs, cst!, offset, dst, dstOffset);
}

/** gatherStrided's walk for float32 arrays (coalesced shape, rank >= 1). */
function gatherF32(src: Float32Array, shape: readonly number[], strides: readonly number[], offset: number, dst: Float32Array, dstOffset: number): void {
  const rank = shape.length;
  const n = shape[rank - 1]!;
  const s = strides[rank - 1]!;
  const outer = sizeOfOuter(shape);
  if (outer === 0 || n === 0) return;
  const idx = new Int32Array(rank);
  let base = offset;
  let o = dstOffset;
  for (let r = 0; r < outer; r++) {
    if (s === 1 && n >= 64) {
      dst.set(src.subarray(base, base + n), o); // a native block copy per long row
      o += n;
    } else if (s === 1) for (let j = 0; j < n; j++) dst[o++] = src[base + j]!;
    else for (let j = 0, p = base; j < n; j++, p += s) dst[o++] = src[p]!;
    base = nextRow(idx, shape, strides, base);
  }
}

/**
 * The storage offset of the next row of a row-major walk: adds the stride of the innermost outer
 * dim and carries the counters in `idx` outward (no div/mod per element).
 */
function nextRow(idx: Int32Array, shape: readonly number[], strides: readonly number[], base: number): number {
  for (let d = shape.length - 2; d >= 0; d--) {
    base += strides[d]!;
    if (++idx[d]! < shape[d]!) return base;
    base -= strides[d]! * shape[d]!;
    idx[d] = 0;
  }
  return base;
}

/** The product of every dim but the last. */
function sizeOfOuter(shape: readonly number[]): number {
  let outer = 1;
  for (let i = 0; i < shape.length - 1; i++) outer *= shape[i]!;
  return outer;
}

/** gatherStrided's walk for any arrays (coalesced shape, rank >= 1). */
function gatherAny(src: NumArray, shape: readonly number[], strides: readonly number[], offset: number, dst: NumArray, dstOffset: number): void {
  const rank = shape.length;
  const n = shape[rank - 1]!;
  const s = strides[rank - 1]!;
  const outer = sizeOfOuter(shape);
  if (outer === 0 || n === 0) return;
  const idx = new Int32Array(rank);
  let base = offset;
  let o = dstOffset;
  // long dense rows between typed arrays of one kind: a native block copy per row
  const block = s === 1 && n >= 16 && ArrayBuffer.isView(src) && ArrayBuffer.isView(dst) && src.constructor === dst.constructor;
  for (let r = 0; r < outer; r++) {
    if (block) {
      (dst as unknown as Float64Array).set((src as unknown as Float64Array).subarray(base, base + n), o);
      o += n;
    } else if (s === 1) for (let j = 0; j < n; j++) dst[o++] = src[base + j]!;
    else for (let j = 0, p = base; j < n; j++, p += s) dst[o++] = src[p]!;
    base = nextRow(idx, shape, strides, base);
  }
}

/**
 * Writes (or with `accumulate`, adds) the view `src`/`srcStrides`/`srcOffset` into the view of
 * `dst` described by `shape`/`strides`/`offset`. Broadcast sources have stride 0.
 */
export function scatterStrided(
  dst: NumArray, shape: Shape, strides: readonly number[], offset: number,
  src: NumArray, srcStrides: readonly number[], srcOffset: number, accumulate = false,
): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[offset] = accumulate ? dst[offset]! + src[srcOffset]! : src[srcOffset]!;
    return;
  }
  if (!accumulate && src instanceof Float32Array && dst instanceof Float32Array) {
    // float32 writes in a loop that sees no other array type (as gatherStrided's): the generic
    // walk below is megamorphic, several times slower (attention's packed gradients, cat)
    const [cs, [ct, cst]] = coalesce(shape, [strides, srcStrides]);
    scatterF32(dst, cs, ct!, offset, src, cst!, srcOffset);
    return;
  }
  const n = shape[rank - 1]!;
  const s = strides[rank - 1]!;
  const t = srcStrides[rank - 1]!;
  let outer = 1;
  for (let i = 0; i < rank - 1; i++) outer *= shape[i]!;
  if (outer === 0 || n === 0) return;
  const idx = new Array<number>(rank - 1).fill(0);
  let base = offset;
  let sbase = srcOffset;
  for (let r = 0; r < outer; r++) {
    if (accumulate) for (let j = 0, p = base, q = sbase; j < n; j++, p += s, q += t) dst[p] = dst[p]! + src[q]!;
    else for (let j = 0, p = base, q = sbase; j < n; j++, p += s, q += t) dst[p] = src[q]!;
    for (let d = rank - 2; d >= 0; d--) {
      base += strides[d]!;
      sbase += srcStrides[d]!;
      if (++idx[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      sbase -= srcStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** scatterStrided's walk between float32 arrays, without accumulation (coalesced shape). */
function scatterF32(dst: Float32Array, shape: readonly number[], strides: readonly number[], offset: number, src: Float32Array, srcStrides: readonly number[], srcOffset: number): void {
  const rank = shape.length;
  const n = shape[rank - 1]!;
  const [s, t] = [strides[rank - 1]!, srcStrides[rank - 1]!];
  const outer = sizeOfOuter(shape);
  if (outer === 0 || n === 0) return;
  const idx = new Int32Array(rank);
  const sidx = new Int32Array(rank);
  let base = offset;
  let sbase = srcOffset;
  for (let r = 0; r < outer; r++) {
    if (s === 1 && t === 1 && n >= 64) dst.set(src.subarray(sbase, sbase + n), base); // a native block copy per long row
    else if (s === 1 && t === 1) for (let j = 0; j < n; j++) dst[base + j] = src[sbase + j]!;
    else for (let j = 0, p = base, q = sbase; j < n; j++, p += s, q += t) dst[p] = src[q]!;
    base = nextRow(idx, shape, strides, base);
    sbase = nextRow(sidx, shape, srcStrides, sbase);
  }
}

/** The storage offset of every element of a view, in row-major order (for index kernels). */
export function offsetsOf(shape: Shape, strides: readonly number[], base = 0): Int32Array {
  let n = 1;
  for (const d of shape) n *= d;
  const out = new Int32Array(n);
  if (n === 0) return out;
  // the coalesced view walks the same offsets in the same order, with a long innermost dim
  const [cs, [cst]] = coalesce(shape, [strides]);
  const rank = cs.length;
  const inner = cs[rank - 1]!;
  const step = cst![rank - 1]!;
  const idx = new Int32Array(rank);
  let p = base;
  for (let o = 0; o < n;) {
    for (let j = 0, q = p; j < inner; j++, q += step) out[o++] = q;
    p = nextRow(idx, cs, cst!, p);
  }
  return out;
}

/**
 * Merges adjacent dims that every view walks contiguously (stride[i] = stride[i+1] * size[i+1])
 * and drops size-1 dims, so kernels run long inner loops. Returns rank >= 1.
 */
export function coalesce(shape: Shape, stridesList: readonly (readonly number[])[]): [number[], number[][]] {
  const outShape: number[] = [];
  const outStrides: number[][] = stridesList.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && stridesList.every((st, k) => outStrides[k]![last] === st[d]! * size)) {
      outShape[last]! *= size;
      stridesList.forEach((st, k) => (outStrides[k]![last] = st[d]!));
    } else {
      outShape.push(size);
      stridesList.forEach((st, k) => outStrides[k]!.push(st[d]!));
    }
  }
  if (outShape.length === 0) return [[1], stridesList.map(() => [0])];
  return [outShape, outStrides];
}
