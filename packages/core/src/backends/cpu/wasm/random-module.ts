// Generates the keep-mask kernel of dropout: the generator's xoshiro128** stream (rng.ts) run in
// WebAssembly, each 32-bit draw compared with an unsigned cut and stored as a byte. The stream is
// sequential (each state follows the last), so the kernel runs on one thread; in V8 11.3 it takes
// about a third of the time of the JavaScript loop.

import { add, forRange, get, i32, i32c, load, seq, set, store, sub, type Code, type FuncDef, type Locals } from './emit.js';
import { C0, C1, J1, J2, J3, kernel } from './simd-ops.js';

const op = (code: number) => (a: Code, b: Code): Code => [...a, ...b, code];
const xor = op(0x73), shl = op(0x74), rotl = op(0x77), geU = op(0x4f), or = op(0x72), imul = op(0x6c);

/**
 * keepmask: draws [c0, c1) of the stream whose four state words are at J1 (read, then written back
 * advanced), byte i of out (J2) = 1 where draw i >= cut (J3, as unsigned), else 0. Four draws a
 * trip are packed into one 32-bit store (little-endian: draw i in byte i), then one at a time.
 */
function keepMask(): FuncDef {
  return kernel('keepmask', (L: Locals) => {
    const [i, r, t] = [L.add(i32), L.add(i32), L.add(i32)];
    const s = [L.add(i32), L.add(i32), L.add(i32), L.add(i32)] as const;
    const [s0, s1, s2, s3] = s;
    // the draw of the current state (xoshiro128**'s output), compared with cut: 0 or 1
    const kept = (): Code => geU(imul(rotl(imul(get(s1), i32c(5)), i32c(7)), i32c(9)), get(J3));
    const advance = (): Code => seq(
      set(t, shl(get(s1), i32c(9))),
      set(s2, xor(get(s2), get(s0))),
      set(s3, xor(get(s3), get(s1))),
      set(s1, xor(get(s1), get(s2))),
      set(s0, xor(get(s0), get(s3))),
      set(s2, xor(get(s2), get(t))),
      set(s3, rotl(get(s3), i32c(11))));
    const four = (): Code => seq(
      set(r, kept()), advance(),
      ...[8, 16, 24].map((bits) => seq(set(r, or(get(r), shl(kept(), i32c(bits)))), advance())),
      store(i32, add(get(J2), get(i)), get(r)));
    const store8 = (addr: Code, v: Code): Code => [...addr, ...v, 0x3a, 0, 0];
    return seq(
      ...s.map((l, q) => set(l, load(i32, get(J1), 4 * q))),
      forRange(i, get(C0), sub(get(C1), i32c(3)), i32c(4), four()), // leaves i at the first undrawn element
      forRange(i, get(i), get(C1), i32c(1), store8(add(get(J2), get(i)), kept()), advance()),
      ...s.map((l, q) => store(i32, get(J1), get(l), 4 * q)));
  });
}

/** The random-number kernels, exported by name. */
export function randomFuncs(): FuncDef[] {
  return [keepMask()];
}

/** Export names, in the order the thread pool indexes them. */
export const RANDOM_KERNELS = ['keepmask'] as const;
