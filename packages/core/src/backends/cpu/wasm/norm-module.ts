// The layerNorm / rmsNorm forward and backward kernels (float32 in and out, float64 inside), beside
// the GEMM in the same module so the same helper threads run them. normKernel and
// normBackwardKernel (../norms.ts) call them through vector-wasm.ts.

import { add, f64, forRange, get, i32, i32c, ifThen, load, mul, set, seq, v128, vload, vstore, type Code, type FuncDef } from './emit.js';
import { C0, C1, J1, J2, J3, J4, dadd, dlane, dmul, dsplat, dsub, high, i32x4c, kernel, packF32, promoteLow, simd } from './simd-ops.js';

const [J5, J6, J7] = [6, 7, 8];
const lowD = (a: Code): Code => promoteLow(a);
const highD = (a: Code): Code => promoteLow(high(a));
const hsum = (a: Code): Code => [...dlane(a, 0), ...dlane(a, 1), 0xa0];
const perD = (a: Code): Code => [...a, ...get(J3), 0xb7, 0xa3]; // a / f64(d)
const f64c = (v: number): Code => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const ZERO = i32x4c(0, 0, 0, 0);

/** The locals `rowStats` works in: the loop index, scratch vectors, and where the mean and rstd go (splat in f64x2). */
interface StatLocals { j: number; bytes: number; v: number; acc: number; lo: number; hi: number; mv: number; rv: number }

/**
 * Sets mv to the mean of the d = J3 floats at address `row` (0 for rmsNorm, J7 != 0) and rv to
 * rstd = 1 / sqrt(mean((x - mean)^2) + eps), eps the f64 at J6, both in f64 as the loop computes them.
 */
function rowStats(row: number, l: StatLocals): Code {
  const { j, bytes, v, acc, lo, hi, mv, rv } = l;
  return seq(
    set(mv, ZERO),
    ifThen([...get(J7), 0x45], [
      set(acc, ZERO),
      forRange(j, i32c(0), get(bytes), i32c(16), set(v, vload(add(get(row), get(j)))), set(acc, dadd(dadd(get(acc), lowD(get(v))), highD(get(v))))),
      set(mv, dsplat(perD(hsum(get(acc))))),
    ]),
    set(acc, ZERO),
    forRange(j, i32c(0), get(bytes), i32c(16),
      set(v, vload(add(get(row), get(j)))), set(lo, dsub(lowD(get(v)), get(mv))), set(hi, dsub(highD(get(v)), get(mv))),
      set(acc, dadd(dadd(get(acc), dmul(get(lo), get(lo))), dmul(get(hi), get(hi))))),
    set(rv, dsplat([...f64c(1), ...perD(hsum(get(acc))), ...load(f64, get(J6)), 0xa0, 0x9f, 0xa3])),
  );
}

/**
 * layernorm_f32: rows [c0, c1) of x (J1; d = J3 columns, a multiple of 4) normalised into out (J2)
 * in f64, as normKernel's loop computes them: mean (0 for rmsNorm, J7 != 0), rstd = 1 / sqrt(
 * mean((x - mean)^2) + eps) with eps the f64 at J6, y = (x - mean) rstd (* w at J4) (+ b at J5;
 * an address 0 = none), rounded once to f32. The sums run in two f64 lanes, so they may differ
 * from the loop's sequential sums in their last bits (the f32 results all but never do).
 */
function layerNorm(): FuncDef {
  return kernel('layernorm_f32', (L) => {
    const [r, j, row, orow, bytes] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const [acc, mv, rv, lo, hi, v] = [L.add(v128), L.add(v128), L.add(v128), L.add(v128), L.add(v128), L.add(v128)];
    const both = (f: (x: Code) => Code): Code => seq(set(lo, f(get(lo))), set(hi, f(get(hi))));
    const part = (p: number, f: (x: Code, y: Code) => Code): Code => seq(set(v, vload(add(get(p), get(j)))), set(lo, f(get(lo), lowD(get(v)))), set(hi, f(get(hi), highD(get(v)))));
    return seq(
      set(bytes, mul(get(J3), i32c(4))),
      forRange(r, get(C0), get(C1), i32c(1),
        set(row, add(get(J1), mul(get(r), get(bytes)))),
        set(orow, add(get(J2), mul(get(r), get(bytes)))),
        rowStats(row, { j, bytes, v, acc, lo, hi, mv, rv }),
        forRange(j, i32c(0), get(bytes), i32c(16),
          set(v, vload(add(get(row), get(j)))), set(lo, dsub(lowD(get(v)), get(mv))), set(hi, dsub(highD(get(v)), get(mv))),
          both((x) => dmul(x, get(rv))),
          ifThen(get(J4), [part(J4, dmul)]),
          ifThen(get(J5), [part(J5, dadd)]),
          vstore(add(get(orow), get(j)), packF32(get(lo), get(hi)))),
      ),
    );
  });
}

/**
 * layernormgrad_f32: the backward of layernorm_f32 (as normBackwardKernel's loop, in f64) for rows
 * [c0, c1) of the upstream gradient g (J1) and the input x (J2), d = J3 columns (a multiple of 4),
 * weight at J4 (0 = none), eps the f64 at J6, rmsNorm when J7 != 0: dx = rstd (h - mean(h) - xhat
 * mean(h xhat)) with h = g w, rounded to f32 at J5; and, into this chunk's own f64 accumulators
 * at J8 + chunk word i0 * 16 d (dweight, then dbias, each d long, zeroed by the caller), the sums
 * over its rows of g xhat and g.
 */
function layerNormGrad(): FuncDef {
  return kernel('layernormgrad_f32', (L) => {
    const [J8, I0] = [9, 10];
    const I = () => L.add(i32), V = () => L.add(v128);
    const [r, j, xrow, grow, orow, bytes, acc8, jd] = [I(), I(), I(), I(), I(), I(), I(), I()];
    const [acc, mv, rv, lo, hi, v, gl, gh, sg, sgx, mg, mgx] = [V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V(), V()];
    // xhat (lo, hi) and h (gl, gh) of the 4 elements at byte offset j
    const prep = (): Code => seq(
      set(v, vload(add(get(xrow), get(j)))),
      set(lo, dmul(dsub(lowD(get(v)), get(mv)), get(rv))), set(hi, dmul(dsub(highD(get(v)), get(mv)), get(rv))),
      set(v, vload(add(get(grow), get(j)))),
      set(gl, lowD(get(v))), set(gh, highD(get(v))),
    );
    const weighted = (): Code => ifThen(get(J4), [set(v, vload(add(get(J4), get(j)))), set(gl, dmul(get(gl), lowD(get(v)))), set(gh, dmul(get(gh), highD(get(v))))]);
    const accum = (at: Code, a: Code, b: Code): Code => seq(
      vstore(at, dadd(vload(at), a)), vstore(at, dadd(vload(at, 16), b), 16));
    return seq(
      set(bytes, mul(get(J3), i32c(4))),
      set(acc8, add(get(J8), mul(get(I0), mul(get(J3), i32c(16))))),
      forRange(r, get(C0), get(C1), i32c(1),
        set(xrow, add(get(J2), mul(get(r), get(bytes)))),
        set(grow, add(get(J1), mul(get(r), get(bytes)))),
        set(orow, add(get(J5), mul(get(r), get(bytes)))),
        rowStats(xrow, { j, bytes, v, acc, lo, hi, mv, rv }),
        set(sg, ZERO), set(sgx, ZERO),
        forRange(j, i32c(0), get(bytes), i32c(16),
          prep(),
          set(jd, add(get(acc8), mul(get(j), i32c(2)))), // f64 accumulators of these 4 columns
          accum(get(jd), dmul(get(gl), get(lo)), dmul(get(gh), get(hi))),
          accum(add(get(jd), mul(get(J3), i32c(8))), get(gl), get(gh)),
          weighted(),
          set(sg, dadd(dadd(get(sg), get(gl)), get(gh))),
          set(sgx, dadd(dadd(get(sgx), dmul(get(gl), get(lo))), dmul(get(gh), get(hi))))),
        set(mg, dsplat([...f64c(0), ...perD(hsum(get(sg))), ...get(J7), 0x1b])), // select: 0 for rmsNorm
        set(mgx, dsplat(perD(hsum(get(sgx))))),
        forRange(j, i32c(0), get(bytes), i32c(16),
          prep(), weighted(),
          set(gl, dmul(dsub(dsub(get(gl), get(mg)), dmul(get(lo), get(mgx))), get(rv))),
          set(gh, dmul(dsub(dsub(get(gh), get(mg)), dmul(get(hi), get(mgx))), get(rv))),
          vstore(add(get(orow), get(j)), packF32(get(gl), get(gh)))),
      ),
    );
  });
}

/** The norm kernels, exported by name. */
export function normFuncs(): FuncDef[] {
  return [layerNorm(), layerNormGrad()];
}

/** Their export names, in normFuncs' order. */
export const NORM_KERNELS = ['layernorm_f32', 'layernormgrad_f32'] as const;
