// The strided walks behind copies (gatherStrided, scatterStrided): their float32 loops write what
// the generic walk writes, for any view (permuted, offset, broadcast sources, size-1 dims).

import fc from 'fast-check';
import { expect, test } from 'vitest';
import { contiguousStrides } from '../src/shape.js';
import { gatherStrided, scatterStrided } from '../src/strided.js';

/** A shape, a permutation of its contiguous strides (a transposed view) and an offset, inside a buffer. */
const view = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.tuple(fc.constant(shape), fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length, maxLength: shape.length }), fc.integer({ min: 0, max: 7 }), fc.boolean()));

function layout([shape, perm, offset]: [number[], number[], number, boolean]): { strides: number[]; offset: number; size: number } {
  const permuted = contiguousStrides(perm.map((p) => shape[p]!));
  const strides = shape.map((_, i) => permuted[perm.indexOf(i)]!);
  return { strides, offset, size: offset + shape.reduce((a, b) => a * b, 1) };
}

test('scatterStrided: the float32 walk writes what the generic walk writes', () => {
  fc.assert(fc.property(view, view, ([shape, ...d], [, ...s]) => {
    const dst = layout([shape, ...d]);
    const srcView = layout([shape, s[0].length === shape.length ? s[0] : shape.map((_, i) => i), s[1], s[2]]);
    const srcStrides = s[2] ? srcView.strides.map((st, i) => (i === 0 ? 0 : st)) : srcView.strides; // a broadcast source dim
    const src = Float32Array.from({ length: srcView.size }, (_, i) => i * 1.5 - 3);
    const [a, b] = [new Float32Array(dst.size).fill(-1), new Float64Array(dst.size).fill(-1)];
    scatterStrided(a, shape, dst.strides, dst.offset, src, srcStrides, srcView.offset);
    scatterStrided(b, shape, dst.strides, dst.offset, Float64Array.from(src), srcStrides, srcView.offset);
    expect([...a]).toEqual([...b]);
  }), { numRuns: 300, seed: 3 });
});

test('gatherStrided: the float32 walk reads what the generic walk reads', () => {
  fc.assert(fc.property(view, ([shape, ...v]) => {
    const src = layout([shape, ...v]);
    const data = Float32Array.from({ length: src.size }, (_, i) => i * 0.5);
    const n = shape.reduce((x, y) => x * y, 1);
    const [a, b] = [new Float32Array(n), new Float64Array(n)];
    gatherStrided(data, shape, src.strides, src.offset, a);
    gatherStrided(Float64Array.from(data), shape, src.strides, src.offset, b);
    expect([...a]).toEqual([...b]);
  }), { numRuns: 300, seed: 4 });
});
