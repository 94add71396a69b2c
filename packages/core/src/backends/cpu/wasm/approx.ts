// The f32x4 operations the float32 vector kernels share (opcodes of the WebAssembly SIMD proposal)
// and the polynomial approximations of exp and erf evaluated in them, within a few float32 ulps of
// the exact functions (the tests bound them against float64).

import { i32c, Locals, v128, get, set, seq, type Code } from './emit.js';
import { bin, i32x4c, simd, un } from './simd-ops.js';

/** f32x4 arithmetic and comparisons. */
export const fsqrt = un(0xe3);
export const fadd = bin(0xe4), fsub = bin(0xe5), fmul = bin(0xe6), fdiv = bin(0xe7), fmin = bin(0xe8), fmax = bin(0xe9);
export const flt = bin(0x43);
/** v128.andnot (a & ~b). */
export const andnot = bin(0x4f);
export const nearest = un(0x6a);
/** i32x4.trunc_sat_f32x4_s. */
export const truncSat = un(0xf8);
/** i32x4.add. */
export const iadd = bin(0xae);
/** v128.bitselect: a where mask bits are set, b elsewhere. */
export const bitselect = (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...simd(0x52)];
/** i32x4.shl by a constant. */
export const ishl = (a: Code, n: number): Code => [...a, ...i32c(n), ...simd(0xab)];
const f32bytes = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v]).buffer));
/** f32x4 constant with all four lanes `v`. */
export const splat = (v: number): Code => simd(0x0c, ...f32bytes(v), ...f32bytes(v), ...f32bytes(v), ...f32bytes(v));
/** f32x4.splat of an f32 value, i32x4.splat of an i32 value. */
export const splatF = (a: Code): Code => [...a, ...simd(0x13)];
export const splatI = (a: Code): Code => [...a, ...simd(0x11)];
/** f32x4.extract_lane. */
export const lane = (a: Code, l: number): Code => [...a, ...simd(0x1f, l)];
/** Scalar f32: constant, max, load and store (4-byte aligned). */
export const f32c = (v: number): Code => [0x43, ...f32bytes(v)];
export const smax = (a: Code, b: Code): Code => [...a, ...b, 0x97];
export const loadF = (addr: Code): Code => [...addr, 0x2a, 2, 0];
export const storeF = (addr: Code, v: Code): Code => [...addr, ...v, 0x38, 2, 0];

/** exp(x) in f32x4 (Cephes expf: x = k ln 2 + r, degree-6 polynomial in r, 2^k by exponent bits); 0 below -87.3. */
export function vexp(x: Code, L: Locals): Code {
  const [xc, k, r] = [L.add(v128), L.add(v128), L.add(v128)];
  const poly = [1.98756915e-4, 1.39819995e-3, 8.3334519e-3, 4.16657959e-2, 1.66666655e-1, 5.00000012e-1];
  let p = splat(poly[0]!);
  for (const c of poly.slice(1)) p = fadd(fmul(p, get(r)), splat(c));
  const y = fadd(fadd(fmul(fmul(p, get(r)), get(r)), get(r)), splat(1));
  const scale = ishl(iadd(truncSat(get(k)), i32x4c(127, 127, 127, 127)), 23); // 2^k as float bits
  return seq(
    set(xc, fmin(x, splat(88.3762626647949))),
    set(k, nearest(fmul(get(xc), splat(Math.LOG2E)))),
    set(r, fsub(fsub(get(xc), fmul(get(k), splat(0.693359375))), fmul(get(k), splat(-2.12194440e-4)))),
    // NOTE: below -87.3 the exponent bits would wrap, so those lanes are 0 (exp underflows there)
    andnot(fmul(y, scale), flt(get(xc), splat(-87.33654475))),
  );
}

/** erf(x) in f32x4: a rational minimax approximation on [-4, 4] (odd degree-13 over even degree-8); +-1 outside. */
export function verf(x: Code, L: Locals): Code {
  const [xc, x2] = [L.add(v128), L.add(v128)];
  const num = [-2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2];
  const den = [-1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3, -1.42647390514189e-2];
  const horner = (cs: number[]): Code => cs.slice(1).reduce((acc, c) => fadd(fmul(acc, get(x2)), splat(c)), splat(cs[0]!));
  return seq(
    set(xc, fmax(fmin(x, splat(4)), splat(-4))),
    set(x2, fmul(get(xc), get(xc))),
    fdiv(fmul(get(xc), horner(num)), horner(den)),
  );
}
