// Generates the float32 vector kernels that sit beside the GEMM in the same module (so the same
// helper threads run them): a row-wise exp with its max and sum (softmax and cross-entropy),
// exact GELU forward and backward, Adam(W), and the layerNorm / rmsNorm kernels of norm-module.ts. exp and erf are
// polynomial approximations evaluated in f32x4, within a few float32 ulps of the exact functions
// (the tests bound them against float64).
//
// Every kernel has the GEMM's signature, so one job table serves all of them:
//   f(J1, c0, c1, J2, J3, J4, J5, J6, J7, J8, c2, c3, c4, c5, ws)   (J: job words, c: chunk words)
// and reads only the words it names below. Pointers are byte addresses.

import { add, f32, f64, forRange, get, i32, i32c, ifThen, Locals, ltS, mul, set, seq, store, sub, v128, vload, vloadSplat, vstore, type Code, type FuncDef } from './emit.js';
import { NORM_KERNELS, normFuncs } from './norm-module.js';
import { bin, C0, C1, dadd, dlane, high, i32x4c, J1, J2, J3, J4, kernel, promoteLow, simd, un } from './simd-ops.js';

const fsqrt = un(0xe3);
const fadd = bin(0xe4), fsub = bin(0xe5), fmul = bin(0xe6), fdiv = bin(0xe7), fmin = bin(0xe8), fmax = bin(0xe9);
const flt = bin(0x43);
const andnot = bin(0x4f);
const nearest = un(0x6a);
const truncSat = un(0xf8);
const iadd = bin(0xae);
const bitselect = (a: Code, b: Code, mask: Code): Code => [...a, ...b, ...mask, ...simd(0x52)];
const ishl = (a: Code, n: number): Code => [...a, ...i32c(n), ...simd(0xab)];
const f32bytes = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v]).buffer));
/** f32x4 constant with all four lanes `v`. */
const splat = (v: number): Code => simd(0x0c, ...f32bytes(v), ...f32bytes(v), ...f32bytes(v), ...f32bytes(v));
const splatF = (a: Code): Code => [...a, ...simd(0x13)];
const splatI = (a: Code): Code => [...a, ...simd(0x11)];
const lane = (a: Code, l: number): Code => [...a, ...simd(0x1f, l)];
const f32c = (v: number): Code => [0x43, ...f32bytes(v)];
const smax = (a: Code, b: Code): Code => [...a, ...b, 0x97];
const loadF = (addr: Code): Code => [...addr, 0x2a, 2, 0];
const storeF = (addr: Code, v: Code): Code => [...addr, ...v, 0x38, 2, 0];

/** exp(x) in f32x4 (Cephes expf: x = k ln 2 + r, degree-6 polynomial in r, 2^k by exponent bits); 0 below -87.3. */
function vexp(x: Code, L: Locals): Code {
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
function verf(x: Code, L: Locals): Code {
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

const minI = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x48, 0x1b]; // select(a, b, a < b); a, b pure

/**
 * rowexp_f32: rows [c0, c1) of x (J1, `cols` = J3 >= 4 per row, contiguous): m = max (NaN if any;
 * 0 for an all -inf row), e = exp(x - m) stored at out (J2) unless out is 0, s = sum of e in f64;
 * stats (J4, f64 pairs per row) get (m, s).
 */
function rowExp(): FuncDef {
  return kernel('rowexp_f32', (L) => {
    const [r, j, row, orow, end, m] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const [vm, e, mask, ms] = [L.add(v128), L.add(v128), L.add(v128), L.add(v128)];
    const acc = L.add(v128);
    const mf = L.add(f32);
    const sumE = (v: Code): Code => set(acc, dadd(dadd(get(acc), promoteLow(v)), promoteLow(high(v))));
    const expAt = (off: Code): Code => seq(set(e, vexp(fsub(vload(add(get(row), off)), get(ms)), L)),
      ifThen(get(J2), [vstore(add(get(orow), off), get(e))]));
    return seq(
      set(end, mul(sub(get(J3), i32c(4)), i32c(4))), // byte offset of the last (overlapping) vector
      // lanes of the last vector that the main loop already covered: index < 4 - cols % 4 (when cols % 4 != 0)
      set(m, sub(i32c(4), [...get(J3), ...i32c(3), 0x71])),
      set(mask, [...i32x4c(0, 1, 2, 3), ...splatI(get(m)), ...simd(0x39)]), // i32x4.lt_s
      forRange(r, get(C0), get(C1), i32c(1),
        set(row, add(get(J1), mul(mul(get(r), get(J3)), i32c(4)))),
        set(orow, add(get(J2), mul(mul(get(r), get(J3)), i32c(4)))),
        set(vm, splat(-Infinity)),
        forRange(j, i32c(0), add(get(end), i32c(1)), i32c(16), set(vm, fmax(get(vm), vload(add(get(row), get(j)))))),
        set(vm, fmax(get(vm), vload(add(get(row), get(end))))),
        set(mf, smax(smax(lane(get(vm), 0), lane(get(vm), 1)), smax(lane(get(vm), 2), lane(get(vm), 3)))),
        ifThen([...get(mf), ...f32c(-Infinity), 0x5b], [set(mf, f32c(0))]),
        set(ms, splatF(get(mf))),
        set(acc, i32x4c(0, 0, 0, 0)),
        forRange(j, i32c(0), add(get(end), i32c(1)), i32c(16), expAt(get(j)), sumE(get(e))),
        ifThen(ltS(get(m), i32c(4)), [expAt(get(end)), sumE(andnot(get(e), get(mask)))]),
        store(f64, add(get(J4), mul(get(r), i32c(16))), [...get(mf), 0xbb]),
        store(f64, add(get(J4), add(mul(get(r), i32c(16)), i32c(8))), [...dlane(get(acc), 0), ...dlane(get(acc), 1), 0xa0]),
      ),
    );
  });
}

/** rowscale_f32: rows [c0, c1) of x (J1, `cols` = J3) multiplied in place by the f32 scale of each row (J2). */
function rowScale(): FuncDef {
  return kernel('rowscale_f32', (L) => {
    const [r, j, row, end] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const sc = L.add(v128);
    return seq(
      set(end, mul(sub(get(J3), [...get(J3), ...i32c(3), 0x71]), i32c(4))),
      forRange(r, get(C0), get(C1), i32c(1),
        set(row, add(get(J1), mul(mul(get(r), get(J3)), i32c(4)))),
        set(sc, splatF(loadF(add(get(J2), mul(get(r), i32c(4)))))),
        forRange(j, i32c(0), get(end), i32c(16), vstore(add(get(row), get(j)), fmul(vload(add(get(row), get(j))), get(sc)))),
        forRange(j, get(end), mul(get(J3), i32c(4)), i32c(4),
          storeF(add(get(row), get(j)), [...loadF(add(get(row), get(j))), ...lane(get(sc), 0), 0x94])),
      ),
    );
  });
}

/**
 * gelu_f32 / gelugrad_f32 (exact erf form): elements [c0, c1) of x (J1) to out (J2); the gradient
 * multiplies by g (J3). n = J4 >= 4 is the whole length: a range ending at n that is not a
 * multiple of 4 finishes with the overlapping last vector (out-of-place, so rewriting is harmless).
 */
function gelu(grad: boolean): FuncDef {
  return kernel(grad ? 'gelugrad_f32' : 'gelu_f32', (L) => {
    const [i, a] = [L.add(i32), L.add(i32)];
    const x = L.add(v128);
    const at = (p: number): Code => add(get(p), mul(get(a), i32c(4)));
    const one = (): Code => {
      const cdf = fmul(fadd(verf(fmul(get(x), splat(Math.SQRT1_2)), L), splat(1)), splat(0.5));
      const value = grad
        ? fmul(vload(at(J3)), fadd(cdf, fmul(get(x), fmul(vexp(fmul(fmul(get(x), get(x)), splat(-0.5)), L), splat(1 / Math.sqrt(2 * Math.PI))))))
        : fmul(get(x), cdf);
      return seq(set(x, vload(at(J1))), vstore(at(J2), value));
    };
    return forRange(i, get(C0), get(C1), i32c(4), set(a, minI(get(i), sub(get(J4), i32c(4)))), one());
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
    const K = (k: number): Code => vloadSplat(4, get(6), 4 * k);
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

/** The vector kernels, exported by name. */
export function vectorFuncs(): FuncDef[] {
  return [rowExp(), rowScale(), gelu(false), gelu(true), adam(false), adam(true), ...normFuncs()];
}

/** Export names, in the order the thread pool indexes them after the GEMM's three. */
export const VECTOR_KERNELS = ['rowexp_f32', 'rowscale_f32', 'gelu_f32', 'gelugrad_f32', 'adam_f32', 'adaml2_f32', ...NORM_KERNELS] as const;
