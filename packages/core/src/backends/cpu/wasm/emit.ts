// A tiny WebAssembly binary writer: code fragments are byte arrays built by small helpers, and
// `moduleBytes` wraps typed functions, one imported memory and exports into a module.

/** A fragment of a function body: raw wasm bytecode. */
export type Code = number[];

/** Value types. */
export const i32 = 0x7f;
export const f32 = 0x7d;
export const f64 = 0x7c;
export const v128 = 0x7b;
/** A value type byte. */
export type ValType = typeof i32 | typeof f32 | typeof f64 | typeof v128;

/** Unsigned LEB128. */
export function uleb(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
export function sleb(n: number): Code {
  const out: Code = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const str = (s: string): Code => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: Code[]): Code => [...uleb(items.length), ...items.flat()];

/** Concatenates fragments. */
export const seq = (...parts: Code[]): Code => parts.flat();

// ---- instructions (only those the kernels use) ----
export const get = (l: number): Code => [0x20, ...uleb(l)];
export const set = (l: number, v: Code): Code => [...v, 0x21, ...uleb(l)];
export const i32c = (n: number): Code => [0x41, ...sleb(n)];
const bin = (op: number) => (a: Code, b: Code): Code => [...a, ...b, op];
export const add = bin(0x6a);
export const sub = bin(0x6b);
export const mul = bin(0x6c);
export const ltS = bin(0x48);
export const geS = bin(0x4e);
export const ne = bin(0x47);
export const eq = bin(0x46);
export const minS = (a: Code, b: Code): Code => [...a, ...b, ...a, ...b, 0x48, 0x1b]; // select(a, b, a < b); a, b must be pure
/** Increments local `l` by the fragment `v`. */
export const inc = (l: number, v: Code): Code => set(l, add(get(l), v));

/** Memory access of scalar type `t` at byte address `addr` (+ constant `off`). */
export function load(t: ValType, addr: Code, off = 0): Code {
  const op = t === i32 ? 0x28 : t === f32 ? 0x2a : 0x2b;
  return [...addr, op, t === f64 ? 3 : 2, ...uleb(off)];
}
export function store(t: ValType, addr: Code, v: Code, off = 0): Code {
  const op = t === i32 ? 0x36 : t === f32 ? 0x38 : 0x39;
  return [...addr, ...v, op, t === f64 ? 3 : 2, ...uleb(off)];
}

const simd = (op: number): Code => [0xfd, ...uleb(op)];
export const vload = (addr: Code, off = 0): Code => [...addr, ...simd(0x00), 4, ...uleb(off)];
export const vstore = (addr: Code, v: Code, off = 0): Code => [...addr, ...v, ...simd(0x0b), 4, ...uleb(off)];
/** Loads one lane-sized scalar and splats it (v128.load32_splat / load64_splat). */
export const vloadSplat = (bytes: 4 | 8, addr: Code, off = 0): Code => [...addr, ...simd(bytes === 4 ? 0x09 : 0x0a), bytes === 4 ? 2 : 3, ...uleb(off)];
export const vzero = (): Code => [...simd(0x0c), ...new Array<number>(16).fill(0)];

/** Lane arithmetic of one vector shape. `madd(a, b, c)` = a * b + c (fused only where `relaxed`). */
export interface Lanes {
  readonly bytes: 4 | 8;
  add(a: Code, b: Code): Code;
  madd(a: Code, b: Code, c: Code): Code;
}

/** f32x4, f64x2 or i32x4 arithmetic; `relaxed` uses the relaxed-SIMD fused multiply-add. */
export function lanes(kind: 'f32' | 'f64' | 'i32', relaxed = false): Lanes {
  const [addOp, mulOp, fma] = kind === 'f32' ? [0xe4, 0xe6, 0x105] : kind === 'f64' ? [0xf0, 0xf2, 0x107] : [0xae, 0xb5, -1];
  const vadd = (a: Code, b: Code): Code => [...a, ...b, ...simd(addOp)];
  return {
    bytes: kind === 'f64' ? 8 : 4,
    add: vadd,
    madd: relaxed && fma > 0 ? (a, b, c) => [...a, ...b, ...c, ...simd(fma)] : (a, b, c) => vadd(c, [...a, ...b, ...simd(mulOp)]),
  };
}

// ---- structured control ----
const EMPTY = 0x40;
export const block = (...body: Code[]): Code => [0x02, EMPTY, ...body.flat(), 0x0b];
export const loop = (...body: Code[]): Code => [0x03, EMPTY, ...body.flat(), 0x0b];
export const brIf = (depth: number, cond: Code): Code => [...cond, 0x0d, ...uleb(depth)];
export const ifThen = (cond: Code, then: Code[], otherwise?: Code[]): Code =>
  otherwise ? [...cond, 0x04, EMPTY, ...then.flat(), 0x05, ...otherwise.flat(), 0x0b] : [...cond, 0x04, EMPTY, ...then.flat(), 0x0b];

/**
 * `for (l = from; l < to; l += step) body` as block/loop; `body` must not branch out itself.
 * `to` and `step` are re-evaluated each trip, so pass locals or constants.
 */
export function forRange(l: number, from: Code, to: Code, step: Code, ...body: Code[]): Code {
  return seq(set(l, from), block(loop(brIf(1, geS(get(l), to)), ...body, inc(l, step), [0x0c, 0])));
}

/** Allocates locals for one function body: params first, then added locals by type. */
export class Locals {
  private readonly extra: ValType[] = [];
  constructor(readonly params: readonly ValType[]) {}
  /** A new local of type `t`; returns its index. */
  add(t: ValType): number {
    this.extra.push(t);
    return this.params.length + this.extra.length - 1;
  }
  /** One new i32 local per name, as a record of indices. */
  named<const K extends string>(names: readonly K[]): Record<K, number> {
    return Object.fromEntries(names.map((n) => [n, this.add(i32)])) as Record<K, number>;
  }
  /** The encoded local declarations (runs of one type). */
  encode(): Code {
    const runs: Code[] = [];
    for (let i = 0; i < this.extra.length; ) {
      let j = i;
      while (j < this.extra.length && this.extra[j] === this.extra[i]) j++;
      runs.push([...uleb(j - i), this.extra[i]!]);
      i = j;
    }
    return vec(runs);
  }
}

/** One function of the module: its signature, locals and body. */
export interface FuncDef {
  readonly name?: string; // exported under this name when given
  readonly locals: Locals;
  readonly results: readonly ValType[];
  readonly body: Code;
}

const section = (id: number, content: Code): Code => [id, ...uleb(content.length), ...content];

/**
 * A module that imports `env.mem` (shared when `shared`, with `maxPages`) and defines `funcs`
 * (function i has index i, so bodies may `call` each other by position).
 */
export function moduleBytes(funcs: readonly FuncDef[], mem: { minPages: number; maxPages: number; shared: boolean }): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.locals.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]);
  const limits = [mem.shared ? 0x03 : 0x01, ...uleb(mem.minPages), ...uleb(mem.maxPages)];
  const imports = vec([[...str('env'), ...str('mem'), 0x02, ...limits]]);
  const exports = vec(funcs.flatMap((f, i) => (f.name ? [[...str(f.name), 0x00, ...uleb(i)]] : [])));
  const bodies = funcs.map((f) => {
    const b = [...f.locals.encode(), ...f.body, 0x0b];
    return [...uleb(b.length), ...b];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, exports),
    ...section(10, vec(bodies)),
  ]);
}

/** `call` of function index `i` (arguments already on the stack). */
export const call = (i: number, ...args: Code[]): Code => [...args.flat(), 0x10, ...uleb(i)];
