// The float32 binary elementwise kernel of the wasm module (and the row sum of bias gradients and
// softmax's backward, further down): add, sub, mul, div of a dense
// [rows, cols] matrix and a second operand that is dense too or broadcast (a per-row scalar, one
// row for every row, or one scalar), with the reversed sub and div for a broadcast first operand.
// Each f32x4 operation rounds once, as the TypeScript loop's float64 operation stored to float32
// does (float64 holds more than twice float32's bits, so the double rounding never changes a sum,
// difference, product or quotient): the same bits. Same GEMM-style signature as the other vector
// kernels:
//   binary_f32: J1 = a, J2 = b, J3 = out (byte addresses), J4 = cols, J5 = b's row stride in
//   elements, J6 = code = op + 6 * (b is a splat ? 1 : 0); rows [c0, c1). out may be a (each
//   element is read before it is written): addmm adds its bias row in place this way.
// op: 0 add, 1 sub, 2 mul, 3 div, 4 b - a, 5 b / a.

import { add, f32, f64, forRange, get, i32, i32c, ifThen, load, mul, set, seq, store, sub, v128, vload, vloadSplat, vstore, vzero, type Code, type FuncDef } from './emit.js';
import { C0, C1, dadd, dmul, dsplat, dsub, high, J1, J2, J3, J4, kernel, packF32, promoteLow, simd } from './simd-ops.js';

const f64c0: Code = [0x44, 0, 0, 0, 0, 0, 0, 0, 0]; // f64.const 0

const J5 = 6, J6 = 7; // the fifth and sixth job words' parameter indices

/** The ops in code order: the f32x4 opcode, the f32 opcode, and whether the operands swap. */
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'rsub', 'rdiv'] as const;
const OPS: readonly (readonly [number, number, boolean])[] = [[0xe4, 0x92, false], [0xe5, 0x93, false], [0xe6, 0x94, false], [0xe7, 0x95, false], [0xe5, 0x93, true], [0xe7, 0x95, true]];

/** binary_f32: see the file comment. */
export function binaryFunc(): FuncDef {
  return kernel('binary_f32', (L) => {
    const [r, j, arow, brow, orow, end] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const bs = L.add(v128);
    const bsf = L.add(f32);
    // one op, one layout of b: a loop over the rows, f32x4 over each row, then lane by lane
    const rows = (op: number, splat: boolean): Code => {
      const [vop, sop, swap] = OPS[op]!;
      const v = (x: Code, y: Code): Code => (swap ? [...y, ...x] : [...x, ...y]).concat(simd(vop));
      const s = (x: Code, y: Code): Code => (swap ? [...y, ...x] : [...x, ...y]).concat([sop]);
      return forRange(r, get(C0), get(C1), i32c(1),
        set(arow, add(get(J1), mul(get(r), get(end)))),
        set(orow, add(get(J3), mul(get(r), get(end)))),
        set(brow, add(get(J2), mul(mul(get(r), get(J5)), i32c(4)))),
        splat ? seq(set(bs, vloadSplat(4, get(brow))), set(bsf, load(f32, get(brow)))) : [],
        forRange(j, i32c(0), sub(get(end), i32c(12)), i32c(16),
          vstore(add(get(orow), get(j)), v(vload(add(get(arow), get(j))), splat ? get(bs) : vload(add(get(brow), get(j)))))),
        forRange(j, get(j), get(end), i32c(4),
          store(f32, add(get(orow), get(j)), s(load(f32, add(get(arow), get(j))), splat ? get(bsf) : load(f32, add(get(brow), get(j)))))));
    };
    const code = (c: number): Code => [...get(J6), ...i32c(c), 0x46]; // i32.eq
    let body: Code = rows(OPS.length - 1, true);
    for (let c = 2 * OPS.length - 2; c >= 0; c--) body = ifThen(code(c), [rows(c % OPS.length, c >= OPS.length)], [body]);
    return seq(set(end, mul(get(J4), i32c(4))), body);
  });
}

/**
 * sumrows_f32: the sum over the J3 rows of a dense float32 [rows, cols] matrix at J1 (cols = J4),
 * to float32 [cols] at J2: each column in float64, row after row, rounded once at the end, as
 * the TypeScript loop (bias gradients) adds them, so the same bits. Four columns a vector (two
 * f64x2 accumulators), sixteen a pass where they fit, the last cols % 4 one at a time. Chunk
 * words unused (one call).
 */
export function sumRowsFunc(): FuncDef {
  return kernel('sumrows_f32', (L) => {
    const [j, r, p, stride, end] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const acc = Array.from({ length: 8 }, () => L.add(v128));
    const v = L.add(v128);
    const s = L.add(f64);
    // columns [j, j + 4 nv) down all rows: two f64x2 accumulators a vector
    const group = (nv: number): Code => seq(
      ...acc.slice(0, 2 * nv).map((a) => set(a, vzero())),
      set(p, add(get(J1), mul(get(j), i32c(4)))),
      forRange(r, i32c(0), get(J3), i32c(1),
        ...Array.from({ length: nv }, (_, q) => seq(
          set(v, vload(get(p), 16 * q)),
          set(acc[2 * q]!, dadd(get(acc[2 * q]!), promoteLow(get(v)))),
          set(acc[2 * q + 1]!, dadd(get(acc[2 * q + 1]!), promoteLow(high(get(v))))))),
        set(p, add(get(p), get(stride)))),
      ...Array.from({ length: nv }, (_, q) => vstore(add(get(J2), mul(get(j), i32c(4))), packF32(get(acc[2 * q]!), get(acc[2 * q + 1]!)), 16 * q)));
    // NOTE: 16 columns a pass (a whole cache line of every row) where they fit: four columns a
    // pass read each line of a wide matrix four times, slower than the loop on [2048, 4096]
    return seq(
      set(stride, mul(get(J4), i32c(4))),
      set(end, sub(get(J4), i32c(15))),
      set(j, i32c(0)),
      forRange(j, get(j), get(end), i32c(16), group(4)),
      set(end, sub(get(J4), i32c(3))),
      forRange(j, get(j), get(end), i32c(4), group(1)),
      forRange(j, get(j), get(J4), i32c(1),
        set(s, f64c0),
        set(p, add(get(J1), mul(get(j), i32c(4)))),
        forRange(r, i32c(0), get(J3), i32c(1),
          set(s, [...get(s), ...load(f32, get(p)), 0xbb, 0xa0]), // f64.promote_f32, f64.add
          set(p, add(get(p), get(stride)))),
        store(f32, add(get(J2), mul(get(j), i32c(4))), [...get(s), 0xb6]))); // f32.demote_f64
  });
}

/**
 * softmaxgrad_f32: softmax's backward on dense float32 rows [c0, c1) of n = J4 columns: with
 * s = the sum over the row of g y (float64, column after column), out = y (g - s) scale in
 * float64, rounded once to float32, scale the float64 at address J5. The TypeScript loop's
 * operations in its order, so the same bits; the second pass runs in f64x2 lanes.
 */
export function softmaxGradFunc(): FuncDef {
  return kernel('softmaxgrad_f32', (L) => {
    const [r, j, gp, yp, op, end, vend] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const [s, sc] = [L.add(f64), L.add(f64)];
    const [vs, vsc, gv, yv] = [L.add(v128), L.add(v128), L.add(v128), L.add(v128)];
    const promote = (x: Code): Code => [...x, 0xbb];
    const fmul64 = (a: Code, b: Code): Code => [...a, ...b, 0xa2];
    const part = (gx: Code, yx: Code): Code => dmul(dmul(yx, dsub(gx, get(vs))), get(vsc));
    const at = (p: number): Code => add(get(p), get(j));
    return seq(
      set(end, mul(get(J4), i32c(4))),
      set(vend, sub(get(end), i32c(12))),
      set(sc, load(f64, get(J5))),
      set(vsc, dsplat(get(sc))),
      forRange(r, get(C0), get(C1), i32c(1),
        set(gp, add(get(J1), mul(get(r), get(end)))),
        set(yp, add(get(J2), mul(get(r), get(end)))),
        set(op, add(get(J3), mul(get(r), get(end)))),
        set(s, f64c0),
        forRange(j, i32c(0), get(end), i32c(4),
          set(s, [...get(s), ...fmul64(promote(load(f32, at(gp))), promote(load(f32, at(yp)))), 0xa0])),
        set(vs, dsplat(get(s))),
        forRange(j, i32c(0), get(vend), i32c(16),
          set(gv, vload(at(gp))), set(yv, vload(at(yp))),
          vstore(at(op), packF32(part(promoteLow(get(gv)), promoteLow(get(yv))), part(promoteLow(high(get(gv))), promoteLow(high(get(yv))))))),
        forRange(j, get(j), get(end), i32c(4),
          store(f32, at(op), [...fmul64(fmul64(promote(load(f32, at(yp))), [...promote(load(f32, at(gp))), ...get(s), 0xa1]), get(sc)), 0xb6]))));
  });
}
