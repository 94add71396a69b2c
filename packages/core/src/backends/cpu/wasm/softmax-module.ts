// The row-wise softmax kernels of the wasm module: rowexp_f32 (a row's max, exp(x - max) and their
// sum, for softmax and cross-entropy), rowscale_f32 (a row times its own factor), and
// maskedsoftmax_f32, attention's scale + causal mask + key mask + softmax in one pass per row. The
// last computes the masked scores as the TypeScript kernel does (in f64, rounded once to f32),
// then runs the same code as rowexp_f32 and rowscale_f32 on them, so its rows are bit for bit
// those of the two-kernel path. Same GEMM-style signature as the other vector kernels.

import { add, f32, f64, forRange, get, i32, i32c, ifThen, Locals, ltS, minS, mul, set, seq, store, sub, uleb, v128, vload, vstore, type Code, type FuncDef } from './emit.js';
import { andnot, f32c, fmax, fmul, fsub, lane, loadF, smax, splat, splatF, splatI, storeF, vexp } from './approx.js';
import { C0, C1, dadd, dlane, high, i32x4c, J1, J2, J3, J4, kernel, promoteLow, simd } from './simd-ops.js';

/** The locals of one row's exp pass: see expRow. */
interface ExpLocals { j: number; end: number; m: number; vm: number; e: number; mask: number; ms: number; acc: number; mf: number; e2: number; end2: number }

/** The rest of ExpLocals after `j` (allocated in this order, which fixes the module's bytes). */
function expLocals(L: Locals, j: number): ExpLocals {
  const [end, m] = [L.add(i32), L.add(i32)];
  const [vm, e, mask, ms] = [L.add(v128), L.add(v128), L.add(v128), L.add(v128)];
  const acc = L.add(v128);
  const mf = L.add(f32);
  return { j, end, m, vm, e, mask, ms, acc, mf, e2: L.add(v128), end2: L.add(i32) };
}

/** Once per call, for rows of `cols` (>= 4) floats: the byte offset of the last (overlapping) vector and the mask of its lanes already covered. */
function tailSetup(l: ExpLocals, cols: Code): Code {
  return seq(
    set(l.end, mul(sub(cols, i32c(4)), i32c(4))),
    // lanes of the last vector that the main loop already covered: index < 4 - cols % 4 (when cols % 4 != 0)
    set(l.m, sub(i32c(4), [...cols, ...i32c(3), 0x71])),
    set(l.mask, [...i32x4c(0, 1, 2, 3), ...splatI(get(l.m)), ...simd(0x39)]), // i32x4.lt_s
  );
}

/**
 * One row at `row`: mf = its max (NaN if any; 0 for an all -inf row), e = exp(x - mf) written to
 * `orow` where `store` holds (null: always), acc = the sum of e in two f64 lanes.
 */
function expRow(L: Locals, l: ExpLocals, row: number, orow: number, store: Code | null): Code {
  const { j, end, m, vm, e, mask, ms, acc, mf, e2, end2 } = l;
  const sumE = (v: Code): Code => set(acc, dadd(dadd(get(acc), promoteLow(v)), promoteLow(high(v))));
  const keep = (off: Code, to: number): Code => vstore(add(get(orow), off), get(to));
  const expAt = (off: Code, to = e): Code => seq(set(to, vexp(fsub(vload(add(get(row), off)), get(ms)), L)), store ? ifThen(store, [keep(off, to)]) : keep(off, to));
  return seq(
    set(vm, splat(-Infinity)),
    forRange(j, i32c(0), add(get(end), i32c(1)), i32c(16), set(vm, fmax(get(vm), vload(add(get(row), get(j)))))),
    set(vm, fmax(get(vm), vload(add(get(row), get(end))))),
    set(mf, smax(smax(lane(get(vm), 0), lane(get(vm), 1)), smax(lane(get(vm), 2), lane(get(vm), 3)))),
    ifThen([...get(mf), ...f32c(-Infinity), 0x5b], [set(mf, f32c(0))]),
    set(ms, splatF(get(mf))),
    set(acc, i32x4c(0, 0, 0, 0)),
    // NOTE: two vectors a trip (vexp is a long dependent chain; two in flight run 1.3-1.5x faster),
    // summed in the same order as one at a time, so the same bits
    set(end2, sub(get(end), i32c(15))),
    forRange(j, i32c(0), get(end2), i32c(32), expAt(get(j)), expAt(add(get(j), i32c(16)), e2), sumE(get(e)), sumE(get(e2))),
    ifThen(ltS(get(j), add(get(end), i32c(1))), [expAt(get(j)), sumE(get(e))]),
    ifThen(ltS(get(m), i32c(4)), [expAt(get(end)), sumE(andnot(get(e), get(mask)))]),
  );
}

/** The f64 sum of the two lanes of acc. */
const accSum = (l: ExpLocals): Code => [...dlane(get(l.acc), 0), ...dlane(get(l.acc), 1), 0xa0];

/** The byte offset where the whole vectors of a `cols`-float row end. */
const vectorsEnd = (cols: Code): Code => mul(sub(cols, [...cols, ...i32c(3), 0x71]), i32c(4));

/** `cols` floats at `row` times the f32 splat `sc`: whole vectors up to byte `end` (vectorsEnd), then the rest one by one. */
function scaleRow(row: number, j: number, end: number, cols: Code, sc: number): Code {
  return seq(
    forRange(j, i32c(0), get(end), i32c(16), vstore(add(get(row), get(j)), fmul(vload(add(get(row), get(j))), get(sc)))),
    forRange(j, get(end), mul(cols, i32c(4)), i32c(4), storeF(add(get(row), get(j)), [...loadF(add(get(row), get(j))), ...lane(get(sc), 0), 0x94])),
  );
}

/**
 * rowexp_f32: rows [c0, c1) of x (J1, `cols` = J3 >= 4 per row, contiguous): m = max (NaN if any;
 * 0 for an all -inf row), e = exp(x - m) stored at out (J2) unless out is 0, s = sum of e in f64;
 * stats (J4, f64 pairs per row) get (m, s).
 */
function rowExp(): FuncDef {
  return kernel('rowexp_f32', (L) => {
    const [r, j, row, orow] = [L.add(i32), L.add(i32), L.add(i32), L.add(i32)];
    const l = expLocals(L, j);
    return seq(
      tailSetup(l, get(J3)),
      forRange(r, get(C0), get(C1), i32c(1),
        set(row, add(get(J1), mul(mul(get(r), get(J3)), i32c(4)))),
        set(orow, add(get(J2), mul(mul(get(r), get(J3)), i32c(4)))),
        expRow(L, l, row, orow, get(J2)),
        store(f64, add(get(J4), mul(get(r), i32c(16))), [...get(l.mf), 0xbb]),
        store(f64, add(get(J4), add(mul(get(r), i32c(16)), i32c(8))), accSum(l)),
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
      set(end, vectorsEnd(get(J3))),
      forRange(r, get(C0), get(C1), i32c(1),
        set(row, add(get(J1), mul(mul(get(r), get(J3)), i32c(4)))),
        set(sc, splatF(loadF(add(get(J2), mul(get(r), i32c(4)))))),
        scaleRow(row, j, end, get(J3), sc)),
    );
  });
}

const f64c = (v: number): Code => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
const word = (p: Code, q: number): Code => [...p, 0x28, 2, ...uleb(4 * q)]; // i32.load offset 4q

/**
 * maskedsoftmax_f32: J1 = the address of a parameter block of i32 words
 * [x, out, n, mask, maskRows, kind, causalL, scaleAt]: rows [c0, c1) of the contiguous float32
 * scores x ([rows, n], n >= 4) to out. Per row r: s_j = x_j scale (f64, scale the f64 at scaleAt),
 * -inf for keys j > r % causalL when causalL > 0; kind 1 adds the float32 mask row starting at
 * element maskRows[r] of mask (in f64), kind 2 sets -inf where the byte at mask + maskRows[r] + j
 * is 0; rounded to f32 and written over x. Then out = exp(s - max) / sum, as rowexp_f32 and
 * rowscale_f32 with 1 / sum rounded to f32.
 */
function maskedSoftmax(): FuncDef {
  return kernel('maskedsoftmax_f32', (L) => {
    const { x, out, n, mk, mRows, kind, causal, r, row, orow, mrow, cend, j, vend } = L.named(['x', 'out', 'n', 'mk', 'mRows', 'kind', 'causal', 'r', 'row', 'orow', 'mrow', 'cend', 'j', 'vend']);
    const scale = L.add(f64);
    const sc = L.add(v128);
    const l = expLocals(L, j);
    const xAt = (k: number): Code => add(get(row), mul(get(k), i32c(4)));
    // the scaled score, or -inf past the causal end: select(a, b, j < cend)
    const scaled = (): Code => [...[...loadF(xAt(j)), 0xbb, ...get(scale), 0xa2], ...f64c(-Infinity), ...ltS(get(j), get(cend)), 0x1b];
    const put = (val: Code): Code => storeF(add(get(row), mul(get(j), i32c(4))), val); // over x's staged copy
    const additive = [...scaled(), ...loadF(add(get(mk), mul(add(get(mrow), get(j)), i32c(4)))), 0xbb, 0xa0, 0xb6];
    const byteAt = [...add(add(get(mk), get(mrow)), get(j)), 0x2d, 0, 0]; // i32.load8_u
    return seq(
      ...[x, out, n, mk, mRows, kind, causal].map((loc, q) => set(loc, word(get(J1), q))),
      set(scale, [...word(get(J1), 7), 0x2b, 3, 0]), // f64.load
      tailSetup(l, get(n)),
      set(vend, vectorsEnd(get(n))),
      forRange(r, get(C0), get(C1), i32c(1),
        set(row, add(get(x), mul(mul(get(r), get(n)), i32c(4)))),
        set(orow, add(get(out), mul(mul(get(r), get(n)), i32c(4)))),
        set(mrow, i32c(0)),
        ifThen(get(kind), [set(mrow, word(add(get(mRows), mul(get(r), i32c(4))), 0))]),
        set(cend, get(n)),
        ifThen(get(causal), [set(cend, minS(add([...get(r), ...get(causal), 0x70], i32c(1)), get(n)))]), // i32.rem_u
        ifThen([...get(kind), ...i32c(1), 0x46],
          [forRange(j, i32c(0), get(n), i32c(1), put(additive))],
          [forRange(j, i32c(0), get(n), i32c(1), put([...scaled(), 0xb6]),
            ifThen([...get(kind), ...i32c(2), 0x46], [ifThen([...byteAt, 0x45], [put(f32c(-Infinity))])]))]),
        expRow(L, l, row, orow, null), // not in place: the last vector of a row may overlap the one before
        set(sc, splatF([...f64c(1), ...accSum(l), 0xa3, 0xb6])), // f32(1 / sum)
        scaleRow(orow, j, vend, get(n), sc),
      ),
    );
  });
}

/** The row kernels, in the order of ROW_KERNELS. */
export function rowFuncs(): FuncDef[] {
  return [rowExp(), rowScale()];
}

/** Export names of rowFuncs. */
export const ROW_KERNELS = ['rowexp_f32', 'rowscale_f32'] as const;

/** The fused attention softmax (placed after the other vector kernels). */
export function maskedSoftmaxFuncs(): FuncDef[] {
  return [maskedSoftmax()];
}

/** Export names of maskedSoftmaxFuncs. */
export const MASKED_SOFTMAX_KERNELS = ['maskedsoftmax_f32'] as const;
