// The float32 binary elementwise kernel of the wasm module: add, sub, mul, div of a dense
// [rows, cols] matrix and a second operand that is dense too or broadcast (a per-row scalar, one
// row for every row, or one scalar), with the reversed sub and div for a broadcast first operand.
// Each f32x4 operation rounds once, as the TypeScript loop's float64 operation stored to float32
// does (float64 holds more than twice float32's bits, so the double rounding never changes a sum,
// difference, product or quotient): the same bits. Same GEMM-style signature as the other vector
// kernels:
//   binary_f32: J1 = a, J2 = b, J3 = out (byte addresses), J4 = cols, J5 = b's row stride in
//   elements, J6 = code = op + 6 * (b is a splat ? 1 : 0); rows [c0, c1).
// op: 0 add, 1 sub, 2 mul, 3 div, 4 b - a, 5 b / a.

import { add, f32, forRange, get, i32, i32c, ifThen, load, mul, set, seq, store, sub, v128, vload, vloadSplat, vstore, type Code, type FuncDef } from './emit.js';
import { C0, C1, J1, J2, J3, J4, kernel, simd } from './simd-ops.js';

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
