// Generates the float32 vector kernels that sit beside the GEMM in the same module (so the same
// helper threads run them): a row-wise exp with its max and sum (softmax and cross-entropy),
// exact GELU forward and backward, Adam(W), and the layerNorm / rmsNorm kernels of norm-module.ts. exp and erf are
// polynomial approximations evaluated in f32x4, within a few float32 ulps of the exact functions
// (the tests bound them against float64).
//
// Every kernel has the GEMM's signature, so one job table serves all of them:
//   f(J1, c0, c1, J2, J3, J4, J5, J6, J7, J8, c2, c3, c4, c5, ws)   (J: job words, c: chunk words)
// and reads only the words it names below. Pointers are byte addresses.

import { add, f32, f64, forRange, get, i32, i32c, ifThen, load, Locals, ltS, mul, set, seq, store, sub, v128, vload, vloadSplat, vstore, vzero, type Code, type FuncDef } from './emit.js';
import { binaryFunc, softmaxGradFunc, sumRowsFunc } from './binary-module.js';
import { NORM_KERNELS, normFuncs } from './norm-module.js';
import { andnot, bitselect, fadd, fdiv, fmul, fsqrt, fsub, splat, verf, vexp } from './approx.js';
import { RANDOM_KERNELS, randomFuncs } from './random-module.js';
import { MASKED_SOFTMAX_KERNELS, ROW_KERNELS, maskedSoftmaxFuncs, rowFuncs } from './softmax-module.js';
import { C0, C1, J1, J2, J3, J4, kernel, simd } from './simd-ops.js';

const J5 = 6; // the fifth job word's parameter index

const minI = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x48, 0x1b]; // select(a, b, a < b); a, b pure

/**
 * gelu_f32 / gelugrad_f32 (exact erf form): elements [c0, c1) of x (J1) to out (J2); the gradient
 * multiplies by g (J3). n = J4 >= 4 is the whole length: a range ending at n that is not a
 * multiple of 4 finishes with the overlapping last vector (out-of-place, so rewriting is harmless).
 */
function gelu(grad: boolean): FuncDef {
  return kernel(grad ? 'gelugrad_f32' : 'gelu_f32', (L) => {
    // NOTE: four vectors a trip: each is one long chain of dependent steps (the polynomials and the
    // division), and four independent chains keep the SIMD units busy: 2.0x on one thread
    // (2, 3, 6 and 8 measured 1.5x, 1.7x, 2.0x and 1.6-1.9x). A range's last vectors may overlap
    // or reach past it: out-of-place, so they rewrite the same values.
    const U = 4;
    const i = L.add(i32);
    const es = Array.from({ length: U }, () => L.add(i32));
    const vs = Array.from({ length: U }, () => L.add(v128));
    const at = (p: number, e: number): Code => add(get(p), mul(get(e), i32c(4)));
    const value = (e: number, v: number): Code => {
      const cdf = fmul(fadd(verf(fmul(get(v), splat(Math.SQRT1_2)), L), splat(1)), splat(0.5));
      return grad
        ? fmul(vload(at(J3, e)), fadd(cdf, fmul(get(v), fmul(vexp(fmul(fmul(get(v), get(v)), splat(-0.5)), L), splat(1 / Math.sqrt(2 * Math.PI))))))
        : fmul(get(v), cdf);
    };
    return forRange(i, get(C0), get(C1), i32c(4 * U),
      ...es.map((e, u) => set(e, minI(add(get(i), i32c(4 * u)), sub(get(J4), i32c(4))))),
      ...es.map((e, u) => set(vs[u]!, vload(at(J1, e)))),
      ...es.map((e, u) => vstore(at(J2, e), value(e, vs[u]!))));
  });
}

/**
 * adam_f32 / adaml2_f32: one Adam(W) update in place, elements [c0, c1) (multiples of 4) of p (J1),
 * m (J3) and v (J4) from the gradient g (J2), with the f32 constants at J5: decay, wd, b1, 1 - b1,
 * b2, 1 - b2, sqrt(1 - b2^t), eps, step size. Every operation rounds to f32 in the order of the
 * TypeScript loop (and the composite update), so the results are the same bits. adam_f32 decays
 * the parameter (AdamW; decay 1 otherwise); adaml2_f32 adds wd p to the gradient (Adam's L2).
 */
function adam(l2: boolean): FuncDef {
  return kernel(l2 ? 'adaml2_f32' : 'adam_f32', (L) => {
    const [i, a] = [L.add(i32), L.add(i32)];
    const [pi, gi, mi, vi] = [L.add(v128), L.add(v128), L.add(v128), L.add(v128)];
    const K = (k: number): Code => vloadSplat(4, get(J5), 4 * k);
    const at = (p: number): Code => add(get(p), get(a));
    return forRange(i, get(C0), get(C1), i32c(4),
      set(a, mul(get(i), i32c(4))),
      set(pi, vload(at(J1))),
      set(gi, l2 ? fadd(vload(at(J2)), fmul(get(pi), K(1))) : vload(at(J2))),
      set(mi, fadd(fmul(vload(at(J3)), K(2)), fmul(get(gi), K(3)))),
      set(vi, fadd(fmul(vload(at(J4)), K(4)), fmul(fmul(get(gi), get(gi)), K(5)))),
      vstore(at(J3), get(mi)),
      vstore(at(J4), get(vi)),
      vstore(at(J1), fsub(l2 ? get(pi) : fmul(get(pi), K(0)), fmul(fdiv(get(mi), fadd(fdiv(fsqrt(get(vi)), K(6)), K(7))), K(8)))),
    );
  });
}

/**
 * dropout_f32: elements [c0, c1) of y (J3) = x (J1) / q where the keep byte (J2) is non-zero and
 * x * 0 where it is 0 (x * keep / q of the composite), q the f32 at J5; n = J4 >= 4 is the whole
 * length (a range's last vectors may overlap: out of place). f32x4.div rounds the exact quotient
 * once, as the TypeScript loop's float64 division rounded to float32 does (float64 carries more
 * than twice float32's bits, so the double rounding never changes a quotient).
 */
function dropout(): FuncDef {
  return kernel('dropout_f32', (L) => {
    const [i, a, b] = [L.add(i32), L.add(i32), L.add(i32)];
    const [q, x, y] = [L.add(v128), L.add(v128), L.add(v128)];
    // the four keep bytes at element e as i32 lanes, all ones where non-zero
    const kept = (e: number): Code => [...add(get(J2), get(e)), ...simd(0x5c, 2, 0), ...simd(0x89), ...simd(0xa9), ...vzero(), ...simd(0x38)];
    const one = (e: number, v: number): Code => seq(
      set(v, vload(add(get(J1), mul(get(e), i32c(4))))),
      vstore(add(get(J3), mul(get(e), i32c(4))), bitselect(fdiv(get(v), get(q)), fmul(get(v), vzero()), kept(e))));
    return seq(
      set(q, vloadSplat(4, get(J5))),
      // two vectors a trip: the divisions of both are in flight together
      forRange(i, get(C0), get(C1), i32c(8),
        set(a, minI(get(i), sub(get(J4), i32c(4)))),
        set(b, minI(add(get(i), i32c(4)), sub(get(J4), i32c(4)))),
        one(a, x), one(b, y)));
  });
}

/** The vector kernels, exported by name. */
export function vectorFuncs(): FuncDef[] {
  return [...rowFuncs(), gelu(false), gelu(true), adam(false), adam(true), ...normFuncs(), ...maskedSoftmaxFuncs(), dropout(), binaryFunc(), sumRowsFunc(), softmaxGradFunc(), ...randomFuncs()];
}

/** Export names, in the order the thread pool indexes them after the GEMM's three. */
export const VECTOR_KERNELS = [...ROW_KERNELS, 'gelu_f32', 'gelugrad_f32', 'adam_f32', 'adaml2_f32', ...NORM_KERNELS, ...MASKED_SOFTMAX_KERNELS, 'dropout_f32', 'binary_f32', 'sumrows_f32', 'softmaxgrad_f32', ...RANDOM_KERNELS] as const;
