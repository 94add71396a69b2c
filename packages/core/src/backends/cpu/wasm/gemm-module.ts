// Generates the WebAssembly SIMD GEMM: per element kind (f32x4, f64x2, i32x4) a packer for A and
// B panels, an MR x NR register-tiled micro-kernel and a blocked driver over a batch table.

import {
  add, block, brIf, call, f64, forRange, get, i32, i32c, ifThen, inc, lanes, load, Locals, loop, ltS, minS,
  moduleBytes, mul, ne, eq, geS, seq, set, store, sub, v128, vload, vloadSplat, vstore, vzero, type Code, type FuncDef,
} from './emit.js';
import { int8Funcs } from './int8-module.js';
import { vectorFuncs } from './vector-module.js';

const f64c0: Code = [0x44, 0, 0, 0, 0, 0, 0, 0, 0]; // f64.const 0

/** Bytes of one entry of the gemm's batch table: the byte addresses of A, B and C, then C's row stride in bytes. */
export const TABLE_ENTRY_BYTES = 16;

/** Element kinds the module computes in. */
export type WasmKind = 'f32' | 'f64' | 'i32';

/** Blocking of one kind: micro-tile MR x NR, panels KC (depth), MC (rows of A), NC (cols of B). */
export interface Blocking {
  readonly MR: number;
  readonly NR: number;
  readonly KC: number;
  readonly MC: number;
  readonly NC: number;
  /** k-steps per micro-kernel loop trip (default 1: unrolling 2-8 measured 20-29 GFLOP/s vs ~40 in V8 11.3). */
  readonly U?: number;
}

/** Byte size of one thread's workspace for a blocking of element size `es`: A panel, B panel, edge tile. */
export function workspaceBytes(b: Blocking, es: number): number {
  return (b.MC * b.KC + b.KC * b.NC + b.MR * b.NR) * es;
}

/**
 * Functions of one kind, placed at function index `base`:
 *   base+0 packA(src, sam, sak, mc, kc, dst)  rows of A in slivers of MR, zero-padded
 *   base+1 packB(src, sbk, sbn, kc, nc, dst)  cols of B in slivers of NR, zero-padded
 *   base+2 micro(kc, pa, pb, pc, ldc, accum)  C[MR, NR] (+)= Ap Bp, ldc in bytes
 *   base+3 gemm(table, b0, b1, M, N, K, sam, sak, sbk, sbn, i0, i1, j0, j1, ws)   exported
 * Pointers are byte addresses, strides are in elements. The table holds per batch the byte addresses
 * of A, B and C and the row stride of C in bytes (TABLE_ENTRY_BYTES an entry).
 */
function kindFuncs(kind: WasmKind, bl: Blocking, base: number, relaxed: boolean): FuncDef[] {
  const U = bl.U ?? 1;
  const L = lanes(kind, relaxed);
  const es = L.bytes;
  const scalar = es === 8 ? f64 : i32; // packing copies bits, so i32 moves f32 too
  const { MR, NR } = bl;
  const NV = (NR * es) / 16; // vectors per tile row
  const esC = (x: Code): Code => mul(x, i32c(es));
  const zero = scalar === i32 ? i32c(0) : f64c0;
  // NOTE: edge slivers load from a clamped (valid) index and select zero past the edge
  const masked = (addr: Code, inside: Code): Code => seq(load(scalar, addr), zero, inside, [0x1b]);
  const clamp = (idx: number, n: number): Code => minS(get(idx), sub(get(n), i32c(1)));

  // ---- packA ----
  const pa = new Locals([i32, i32, i32, i32, i32, i32]);
  const [aSrc, sam, sak, mc, kcA, aDst] = [0, 1, 2, 3, 4, 5];
  const [s, k, p, r, rows] = [pa.add(i32), pa.add(i32), pa.add(i32), pa.add(i32), pa.add(i32)];
  const packA: FuncDef = {
    locals: pa, results: [],
    body: seq(
      set(sam, esC(get(sam))), set(sak, esC(get(sak))),
      forRange(s, i32c(0), get(mc), i32c(MR),
        set(rows, minS(i32c(MR), sub(get(mc), get(s)))),
        set(p, add(get(aSrc), mul(get(s), get(sam)))),
        ifThen(ltS(get(rows), i32c(MR)),
          [forRange(k, i32c(0), get(kcA), i32c(1),
            forRange(r, i32c(0), i32c(MR), i32c(1),
              store(scalar, add(get(aDst), esC(get(r))), masked(add(get(p), mul(clamp(r, rows), get(sam))), ltS(get(r), get(rows))))),
            inc(aDst, i32c(MR * es)), inc(p, get(sak)))],
          [forRange(k, i32c(0), get(kcA), i32c(1),
            ...Array.from({ length: MR }, (_, q) => store(scalar, get(aDst), load(scalar, add(get(p), mul(i32c(q), get(sam)))), q * es)),
            inc(aDst, i32c(MR * es)), inc(p, get(sak)))]),
      ),
    ),
  };

  // ---- packB ----
  const pb = new Locals([i32, i32, i32, i32, i32, i32]);
  const [bSrc, sbk, sbn, kcB, nc, bDst] = [0, 1, 2, 3, 4, 5];
  const [sB, kB, pB, cB, cols] = [pb.add(i32), pb.add(i32), pb.add(i32), pb.add(i32), pb.add(i32)];
  const packB: FuncDef = {
    locals: pb, results: [],
    body: seq(
      set(sbk, esC(get(sbk))), set(sbn, esC(get(sbn))),
      forRange(sB, i32c(0), get(nc), i32c(NR),
        set(cols, minS(i32c(NR), sub(get(nc), get(sB)))),
        set(pB, add(get(bSrc), mul(get(sB), get(sbn)))),
        ifThen(ltS(get(cols), i32c(NR)),
          [forRange(kB, i32c(0), get(kcB), i32c(1),
            forRange(cB, i32c(0), i32c(NR), i32c(1),
              store(scalar, add(get(bDst), esC(get(cB))), masked(add(get(pB), mul(clamp(cB, cols), get(sbn))), ltS(get(cB), get(cols))))),
            inc(bDst, i32c(NR * es)), inc(pB, get(sbk)))],
          [ifThen(eq(get(sbn), i32c(es)), // the NR values of a row are adjacent: vector copies
            [forRange(kB, i32c(0), get(kcB), i32c(1),
              ...Array.from({ length: NV }, (_, v) => vstore(get(bDst), vload(get(pB), v * 16), v * 16)),
              inc(bDst, i32c(NR * es)), inc(pB, get(sbk)))],
            [forRange(kB, i32c(0), get(kcB), i32c(1),
              ...Array.from({ length: NR }, (_, q) => store(scalar, get(bDst), load(scalar, add(get(pB), mul(i32c(q), get(sbn)))), q * es)),
              inc(bDst, i32c(NR * es)), inc(pB, get(sbk)))])]),
      ),
    ),
  };

  // ---- micro-kernel ----
  const mk = new Locals([i32, i32, i32, i32, i32, i32]);
  const [kc, ap, bp, cp, ldc, accum] = [0, 1, 2, 3, 4, 5];
  const acc = Array.from({ length: MR }, () => Array.from({ length: NV }, () => mk.add(v128)));
  const bv = Array.from({ length: NV }, () => mk.add(v128));
  const av = mk.add(v128);
  const row = mk.add(i32);
  const eachRow = (f: (r: number) => Code): Code =>
    seq(set(row, get(cp)), ...Array.from({ length: MR }, (_, q) => seq(f(q), q < MR - 1 ? inc(row, get(ldc)) : [])));
  // one k-step: NV vectors of B, then per row a splat of A and NV multiply-adds
  const step = (u: number): Code => seq(
    ...bv.map((l, v) => set(l, vload(get(bp), u * NR * es + v * 16))),
    ...Array.from({ length: MR }, (_, q) => seq(
      set(av, vloadSplat(es, get(ap), (u * MR + q) * es)),
      ...acc[q]!.map((l, v) => set(l, L.madd(get(av), get(bv[v]!), get(l)))))));
  const micro: FuncDef = {
    locals: mk, results: [],
    body: seq(
      ifThen(get(accum),
        [eachRow((q) => seq(...acc[q]!.map((l, v) => set(l, vload(get(row), v * 16)))))],
        [...acc.flat().map((l) => set(l, vzero()))]),
      // U k-steps per trip (constant memarg offsets), then the kc % U remainder one at a time
      ifThen(geS(get(kc), i32c(U)), [loop(
        ...Array.from({ length: U }, (_, u) => step(u)),
        inc(ap, i32c(U * MR * es)), inc(bp, i32c(U * NR * es)),
        set(kc, sub(get(kc), i32c(U))),
        brIf(0, geS(get(kc), i32c(U))),
      )]),
      ifThen(get(kc), [loop(
        step(0),
        inc(ap, i32c(MR * es)), inc(bp, i32c(NR * es)),
        set(kc, sub(get(kc), i32c(1))),
        brIf(0, get(kc)),
      )]),
      eachRow((q) => seq(...acc[q]!.map((l, v) => vstore(get(row), get(l), v * 16)))),
    ),
  };

  // ---- driver ----
  const g = new Locals(Array.from({ length: 15 }, () => i32));
  const [table, b0, b1, M, N, K, gsam, gsak, gsbk, gsbn, i0, i1, j0, j1, ws] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14] as const;
  const { t, A, B, C, jc, ncl, pc, kcl, ic, mcl, jr, ir, mr, nr, cptr, apack, bpack, scratch, ldcB } =
    g.named(['t', 'A', 'B', 'C', 'jc', 'ncl', 'pc', 'kcl', 'ic', 'mcl', 'jr', 'ir', 'mr', 'nr', 'cptr', 'apack', 'bpack', 'scratch', 'ldcB']);
  const apAt = add(get(apack), mul(mul(get(ir), get(kcl)), i32c(es)));
  const bpAt = add(get(bpack), mul(mul(get(jr), get(kcl)), i32c(es)));
  const accFlag = ne(get(pc), i32c(0));
  const edgeCopy = (toScratch: boolean): Code => {
    // copy the valid mr x nr part between C and the scratch tile (row stride NR*es)
    const { rr, cc } = g.named(['rr', 'cc']);
    const src = (x: Code, y: Code) => (toScratch ? x : y);
    const cAddr = add(add(get(cptr), mul(get(rr), get(ldcB))), esC(get(cc)));
    const sAddr = add(add(get(scratch), mul(get(rr), i32c(NR * es))), esC(get(cc)));
    return forRange(rr, i32c(0), get(mr), i32c(1),
      forRange(cc, i32c(0), get(nr), i32c(1), store(scalar, src(sAddr, cAddr), load(scalar, src(cAddr, sAddr)))));
  };
  const zeroScratch = (): Code => seq(...Array.from({ length: (MR * NR * es) / 16 }, (_, q) => vstore(get(scratch), vzero(), q * 16)));
  const driver: FuncDef = {
    name: `gemm_${kind}`, locals: g, results: [],
    body: seq(
      set(apack, get(ws)),
      set(bpack, add(get(ws), i32c(bl.MC * bl.KC * es))),
      set(scratch, add(get(bpack), i32c(bl.KC * bl.NC * es))),
      forRange(t, get(b0), get(b1), i32c(1),
        set(A, load(i32, add(get(table), mul(get(t), i32c(TABLE_ENTRY_BYTES))))),
        set(B, load(i32, add(get(table), mul(get(t), i32c(TABLE_ENTRY_BYTES))), 4)),
        set(C, load(i32, add(get(table), mul(get(t), i32c(TABLE_ENTRY_BYTES))), 8)),
        set(ldcB, load(i32, add(get(table), mul(get(t), i32c(TABLE_ENTRY_BYTES))), 12)),
        forRange(jc, get(j0), get(j1), i32c(bl.NC),
          set(ncl, minS(i32c(bl.NC), sub(get(j1), get(jc)))),
          forRange(pc, i32c(0), get(K), i32c(bl.KC),
            set(kcl, minS(i32c(bl.KC), sub(get(K), get(pc)))),
            call(base + 1, add(get(B), esC(add(mul(get(pc), get(gsbk)), mul(get(jc), get(gsbn))))), get(gsbk), get(gsbn), get(kcl), get(ncl), get(bpack)),
            forRange(ic, get(i0), get(i1), i32c(bl.MC),
              set(mcl, minS(i32c(bl.MC), sub(get(i1), get(ic)))),
              call(base + 0, add(get(A), esC(add(mul(get(ic), get(gsam)), mul(get(pc), get(gsak))))), get(gsam), get(gsak), get(mcl), get(kcl), get(apack)),
              forRange(jr, i32c(0), get(ncl), i32c(NR),
                set(nr, minS(i32c(NR), sub(get(ncl), get(jr)))),
                forRange(ir, i32c(0), get(mcl), i32c(MR),
                  set(mr, minS(i32c(MR), sub(get(mcl), get(ir)))),
                  set(cptr, add(add(get(C), mul(add(get(ic), get(ir)), get(ldcB))), esC(add(get(jc), get(jr))))),
                  ifThen(ltS(add(sub(get(mr), i32c(MR)), sub(get(nr), i32c(NR))), i32c(0)),
                    [ // edge tile: run the full kernel on a scratch tile seeded from C
                      ifThen(accFlag, [zeroScratch(), edgeCopy(true)]),
                      call(base + 2, get(kcl), apAt, bpAt, get(scratch), i32c(NR * es), accFlag),
                      edgeCopy(false)],
                    [call(base + 2, get(kcl), apAt, bpAt, get(cptr), get(ldcB), accFlag)]),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  };
  return [packA, packB, micro, driver];
}

/**
 * Default blockings, measured on Zen 5 with V8 11.3: 8 vector accumulators (4 x 8 f32, 4 x 4 f64)
 * run at ~40 GFLOP/s f32 without FMA; 6 x 8, 4 x 12, 3 x 16 or 8 x 8 spill and drop to 25-28.
 * KC/MC/NC changed little (within the noise of a shared 2-core VM).
 */
export const BLOCKING: Record<WasmKind, Blocking> = {
  f32: { MR: 4, NR: 8, KC: 256, MC: 128, NC: 2048 },
  f64: { MR: 4, NR: 4, KC: 256, MC: 128, NC: 1024 },
  i32: { MR: 4, NR: 8, KC: 256, MC: 128, NC: 2048 },
};

/** The module bytes for all three kinds (exports gemm_f32, gemm_f64, gemm_i32), the vector kernels (vector-module.ts) and the int8 linear (int8-module.ts). */
export function gemmModuleBytes(opts: { shared: boolean; maxPages: number; relaxed?: boolean; blocking?: Record<WasmKind, Blocking> }): Uint8Array<ArrayBuffer> {
  const bl = opts.blocking ?? BLOCKING;
  const kinds: WasmKind[] = ['f32', 'f64', 'i32'];
  const funcs = [...kinds.flatMap((kd, q) => kindFuncs(kd, bl[kd], q * 4, opts.relaxed ?? false)), ...vectorFuncs()];
  funcs.push(...int8Funcs(funcs.length));
  return moduleBytes(funcs, { minPages: 1, maxPages: opts.maxPages, shared: opts.shared });
}
