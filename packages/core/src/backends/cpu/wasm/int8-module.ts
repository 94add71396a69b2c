// Generates the int8 dynamic-quantisation linear of the wasm module (beside the GEMM, so the same
// helper threads run it). Per row of x: its absolute maximum m, the scale m / 127 and the row
// rounded to int16 lanes holding values in [-127, 127], stored in blocks of four rows as
// [k/2][4 rows][2] (so the micro-kernel reads all four rows through one pointer). Then an outer-product micro-kernel on
// i32x4.dot_i16x8_s (plain SIMD: no flag in Node 20): a pair of adjacent int16 activations
// (k, k+1) is splat as one i32 and multiplied against 4 columns x the same 2 k's of the weight,
// whose int8 values are widened to int16 and packed in panels of 8 columns as
// [k/2][8 columns][2] (two vectors per k-pair); each dot adds both products of a column to its
// int32 lane, so 4 x 8 outputs accumulate in 8 vector registers with no horizontal sums. Each
// output is then dequantised, acc * (sx[r] * sw[n]) in float32, and the bias added in the same
// pass, straight into the float32 output.
//
// Exported as the GEMM-signature kernel `linear_i8` (see vector-module.ts): J1 = the address of a
// parameter block of i32 words [x, qx, sx, w, sw, bias, out, K8, N8, act], chunk words c0, c1 = the
// rows this chunk quantises and computes. x is float32 [M, K8] (rows zero-padded to K8, a multiple
// of 8), qx int16 [ceil(M / 4) blocks][K8 / 2][4][2], sx float32 [M], w the packed panels (N8 / 8 of K8 / 2 x 32 bytes), sw
// and bias float32 [N8] (zero-padded; bias 0 = none), out float32 [M, N8]. act 1 or 2 applies ReLU
// or exact GELU to each block of output rows while it is in cache (gelu_f32's f32x4 code).

import { add, brIf, f32, forRange, get, i32, i32c, ifThen, Locals, loop, minS, mul, set, seq, sub, uleb, v128, vload, vloadSplat, vstore, vzero, type Code, type FuncDef } from './emit.js';
import { splat, verf } from './approx.js';

const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
const bin = (op: number) => (a: Code, b: Code): Code => [...a, ...b, ...simd(op)];
const un = (op: number) => (a: Code): Code => [...a, ...simd(op)];
const iadd = bin(0xae), dot = bin(0xba), narrow = bin(0x85);
const fadd = bin(0xe4), fmul = bin(0xe6), fdiv = bin(0xe7), fmax = bin(0xe9), fgt = bin(0x44);
const fabs = un(0xe0), nearest = un(0x6a), truncSat = un(0xf8), fromI32 = un(0xfa);
/** i32 lanes of (a, b) picked by index (0-3 from a, 4-7 from b). */
const shuffle = (a: Code, b: Code, lanes: readonly number[]): Code => [...a, ...b, ...simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]))];
const splatF = (a: Code): Code => [...a, ...simd(0x13)];
const f32c = (v: number): Code => [0x43, ...Array.from(new Uint8Array(new Float32Array([v]).buffer))];
const loadI = (addr: Code, off = 0): Code => [...addr, 0x28, 2, ...uleb(off)];
const loadF = (addr: Code, off = 0): Code => [...addr, 0x2a, 2, ...uleb(off)];
const storeF = (addr: Code, v: Code): Code => [...addr, ...v, 0x38, 2, 0];
/** v128.store32_lane: i32 lane `lane` of v to addr + off. */
const store32Lane = (addr: Code, v: Code, off: number, lane: number): Code => [...addr, ...v, ...simd(0x5a, 2, ...uleb(off), lane)];
const shrS = (a: Code, b: Code): Code => [...a, ...b, 0x75];
const andI = (a: Code, b: Code): Code => [...a, ...b, 0x71];
const fdivS = (a: Code, b: Code): Code => [...a, ...b, 0x95];

/** Rows per block: a multiple of 4, whose activations are reused across every panel. */
const MC = 64;

/**
 * micro_mr(a, b, kp, sx, sw, bias, out, ldo): rows [0, mr) of a block of four rows of int16
 * activations at a, packed as [k-pair][4 rows][2] (16 bytes a k-pair), times one packed 8-column
 * weight panel at b, kp k-pairs deep; writes out[r, 0..8) = f32(acc) * (sx[r] * sw[0..8))
 * (+ bias[0..8)), ldo bytes between output rows.
 * NOTE: one k-pair a loop trip, through one activation and one weight pointer with constant
 * offsets: unrolling (4 k-pairs a trip) made TurboFan load every operand of the trip up front and
 * spill a third of them (9-15 multiply-adds a ns against 22-26 now); one pointer a row cost
 * three more adds a trip.
 */
function micro(mr: number): FuncDef {
  const L = new Locals([i32, i32, i32, i32, i32, i32, i32, i32]);
  const [A, B, KP, SX, SW, BIAS, OUT, LDO] = [0, 1, 2, 3, 4, 5, 6, 7];
  const acc = Array.from({ length: mr }, () => [L.add(v128), L.add(v128)]);
  const bv = [L.add(v128), L.add(v128)];
  const av = L.add(v128);
  const dequant = (r: number, h: number): Code => {
    const v = fmul(fromI32(get(acc[r]![h]!)), fmul(splatF(loadF(get(SX), 4 * r)), vload(get(SW), 16 * h)));
    const out = add(get(OUT), mul(i32c(r), get(LDO)));
    return ifThen(get(BIAS), [vstore(out, fadd(v, vload(get(BIAS), 16 * h)), 16 * h)], [vstore(out, v, 16 * h)]);
  };
  return {
    locals: L, results: [],
    body: seq(
      ...acc.flat().map((l) => set(l, vzero())),
      loop(
        set(bv[0]!, vload(get(B))), set(bv[1]!, vload(get(B), 16)),
        ...acc.map((pair, r) => seq(
          set(av, vloadSplat(4, get(A), 4 * r)),
          set(pair[0]!, iadd(get(pair[0]!), dot(get(av), get(bv[0]!)))),
          set(pair[1]!, iadd(get(pair[1]!), dot(get(av), get(bv[1]!)))))),
        set(A, add(get(A), i32c(16))), set(B, add(get(B), i32c(32))),
        set(KP, sub(get(KP), i32c(1))),
        brIf(0, get(KP))),
      ...Array.from({ length: mr }, (_, r) => seq(dequant(r, 0), dequant(r, 1))),
    ),
  };
}

/** The int8 functions, placed at function index `base` (micro-kernels for 4, 3, 2, 1 rows, then the exported kernel). */
export function int8Funcs(base: number): FuncDef[] {
  const micros = [4, 3, 2, 1].map(micro);
  const L = new Locals(Array.from({ length: 15 }, () => i32));
  const [P, C0, C1] = [0, 1, 2];
  const { x, qx, sx, w, sw, bias, out, K8, N8, r, k, row, qrow, p, i, i0, i1, mr, lda, ldo, panel, act, b0, b1 } =
    L.named(['x', 'qx', 'sx', 'w', 'sw', 'bias', 'out', 'K8', 'N8', 'r', 'k', 'row', 'qrow', 'p', 'i', 'i0', 'i1', 'mr', 'lda', 'ldo', 'panel', 'act', 'b0', 'b1']);
  const [vm, inv, t, c127] = [L.add(v128), L.add(v128), L.add(v128), L.add(v128)];
  const m = L.add(f32);
  const hmax = seq(set(t, fmax(get(vm), shuffle(get(vm), get(vm), [2, 3, 0, 1]))), fmax(get(t), shuffle(get(t), get(t), [1, 0, 3, 2])), simd(0x1f, 0));
  // one row: m = max |x| (NaN if any), sx = m / 127, q = round(x / m * 127) (x / m cannot overflow,
  // as x * (127 / m) would for m below 127 / FLT_MAX); 0 / 0, inf / inf and NaN saturate to 0
  const quantRow = seq(
    set(row, add(get(x), mul(mul(get(r), get(K8)), i32c(4)))),
    // the row's place in its block of four: [k-pair][4 rows][2 int16], 16 bytes a k-pair
    set(qrow, add(add(get(qx), mul(shrS(get(r), i32c(2)), mul(get(K8), i32c(8)))), mul(andI(get(r), i32c(3)), i32c(4)))),
    set(vm, vzero()),
    forRange(k, i32c(0), mul(get(K8), i32c(4)), i32c(16), set(vm, fmax(get(vm), fabs(vload(add(get(row), get(k))))))),
    set(m, hmax),
    storeF(add(get(sx), mul(get(r), i32c(4))), fdivS(get(m), f32c(127))),
    set(inv, splatF(get(m))),
    forRange(k, i32c(0), get(K8), i32c(8),
      set(t, narrow(
        truncSat(nearest(fmul(fdiv(vload(add(get(row), mul(get(k), i32c(4)))), get(inv)), get(c127)))),
        truncSat(nearest(fmul(fdiv(vload(add(get(row), mul(get(k), i32c(4))), 16), get(inv)), get(c127)))))),
      // its four k-pairs, each to its own 16-byte group
      ...[0, 1, 2, 3].map((q) => store32Lane(add(get(qrow), mul(get(k), i32c(8))), get(t), 16 * q, q))),
  );
  // the fused activation over output bytes [b0, b1) of a row block: x > 0 ? x : 0 (NaN and -0 give
  // +0), or x (erf(x / sqrt 2) + 1) / 2 in gelu_f32's order. NOTE: GELU four vectors a trip (its
  // polynomials are long dependent chains; see gelu_f32), then one at a time: in place, so no
  // vector may be done twice
  const avs = Array.from({ length: 4 }, () => L.add(v128));
  const b4 = L.add(i32);
  const gelu = (v: number): Code => fmul(get(v), fmul(fadd(verf(fmul(get(v), splat(Math.SQRT1_2)), L), splat(1)), splat(0.5)));
  const relu = (v: number): Code => [...get(v), ...fgt(get(v), vzero()), ...simd(0x4e)]; // v128.and(x, x > 0)
  const [av] = avs as [number];
  const activate = ifThen(get(act), [
    set(b0, add(get(out), mul(get(i0), get(ldo)))),
    set(b1, add(get(out), mul(get(i1), get(ldo)))),
    ifThen([...get(act), ...i32c(2), 0x46], [
      set(b4, sub(get(b1), i32c(63))),
      forRange(k, get(b0), get(b4), i32c(64),
        ...avs.map((v, u) => set(v, vload(get(k), 16 * u))),
        ...avs.map((v, u) => vstore(get(k), gelu(v), 16 * u))),
      forRange(k, get(k), get(b1), i32c(16), set(av, vload(get(k))), vstore(get(k), gelu(av)))],
    [forRange(k, get(b0), get(b1), i32c(16), set(av, vload(get(k))), vstore(get(k), relu(av)))])]);
  const call = (q: number): Code => [
    // i is a multiple of 4, so its block of rows starts at i * lda; K8 >> 1 k-pairs
    ...add(get(qx), mul(get(i), get(lda))), ...get(panel), ...[...get(K8), ...i32c(1), 0x75],
    ...add(get(sx), mul(get(i), i32c(4))), ...add(get(sw), mul(get(p), i32c(4))),
    ...[...add(get(bias), mul(get(p), i32c(4))), ...i32c(0), ...get(bias), 0x1b],
    ...add(get(out), add(mul(get(i), get(ldo)), mul(get(p), i32c(4)))), ...get(ldo),
    0x10, ...uleb(base + q),
  ];
  const kernel: FuncDef = {
    name: 'linear_i8', locals: L, results: [],
    body: seq(
      ...[x, qx, sx, w, sw, bias, out, K8, N8, act].map((l, q) => set(l, loadI(get(P), 4 * q))),
      set(lda, mul(get(K8), i32c(2))),
      set(c127, splatF(f32c(127))),
      set(ldo, mul(get(N8), i32c(4))),
      forRange(r, get(C0), get(C1), i32c(1), quantRow),
      // MC rows at a time (their int16 activations stay in L1/L2), panel by panel (8 columns,
      // K8 * 16 bytes, in L1 while those rows pass); the whole packed weight stays in L2
      forRange(i0, get(C0), get(C1), i32c(MC),
        set(i1, minS(add(get(i0), i32c(MC)), get(C1))),
        forRange(p, i32c(0), get(N8), i32c(8),
          set(panel, add(get(w), mul(get(p), mul(get(K8), i32c(2))))),
          forRange(i, get(i0), get(i1), i32c(4),
            set(mr, minS(sub(get(i1), get(i)), i32c(4))),
            ifThen([...get(mr), ...i32c(4), 0x46], [call(0)],
              [ifThen([...get(mr), ...i32c(3), 0x46], [call(1)], [ifThen([...get(mr), ...i32c(2), 0x46], [call(2)], [call(3)])])]))),
        activate),
    ),
  };
  return [...micros, kernel];
}
