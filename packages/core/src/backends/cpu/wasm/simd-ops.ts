// The SIMD building blocks the vector and norm kernels share (opcodes of the WebAssembly SIMD
// proposal) and the GEMM-signature kernel wrapper:
//   f(J1, c0, c1, J2, J3, J4, J5, J6, J7, J8, c2, c3, c4, c5, ws)   (J: job words, c: chunk words)

import { i32, Locals, uleb, type Code, type FuncDef } from './emit.js';

/** A SIMD-prefixed opcode with its immediates. */
export const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
/** A unary SIMD op. */
export const un = (op: number) => (a: Code): Code => [...a, ...simd(op)];
/** A binary SIMD op. */
export const bin = (op: number) => (a: Code, b: Code): Code => [...a, ...b, ...simd(op)];
/** f64x2 add, sub, mul. */
export const dadd = bin(0xf0), dsub = bin(0xf1), dmul = bin(0xf2);
/** f64x2.splat. */
export const dsplat = (a: Code): Code => [...a, ...simd(0x14)];
/** f32x4.demote_f64x2_zero. */
export const demote = un(0x5e);
/** f64x2.promote_low_f32x4. */
export const promoteLow = un(0x5f);
/** Lanes 2, 3 of a vector moved to lanes 0, 1 (for the high half's promotion to f64x2). */
export const high = (a: Code): Code => [...a, ...a, ...simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)];
/** Two f64x2 vectors demoted to float32 and packed as one f32x4 (lanes of lo, then of hi). */
export const packF32 = (lo: Code, hi: Code): Code => [...demote(lo), ...demote(hi), ...simd(0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)];
/** i32x4 constant. */
export const i32x4c = (a: number, b: number, c: number, d: number): Code => simd(0x0c, ...new Uint8Array(new Int32Array([a, b, c, d]).buffer));
/** f64x2.extract_lane. */
export const dlane = (a: Code, l: number): Code => [...a, ...simd(0x21, l)];

/** A kernel with the GEMM's 15 i32 parameters; `body` gets the locals and the parameter indices. */
export function kernel(name: string, body: (L: Locals) => Code): FuncDef {
  const L = new Locals(Array.from({ length: 15 }, () => i32));
  return { name, locals: L, results: [], body: body(L) };
}
// parameter indices: J1 = 0, c0 = 1, c1 = 2, J2 = 3, J3 = 4, J4 = 5
export const [J1, C0, C1, J2, J3, J4] = [0, 1, 2, 3, 4, 5];
