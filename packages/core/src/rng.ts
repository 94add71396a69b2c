// Seeded random numbers: xoshiro128** streams, reproducible across runs, platforms and backends.

import { ValueError } from './errors.js';

function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A random-number generator (PyTorch's `torch.Generator`): xoshiro128** seeded through splitmix32.
 * Its whole state is four 32-bit words, so checkpoints can save and restore it exactly.
 *
 * @example
 * const g = new Generator(42);
 * const a = g.random(); // in [0, 1), the same on every run
 * new Generator(42).random() === a; // true
 * randn([2], { generator: g }).shape; // [2]
 */
export class Generator {
  private readonly s = new Uint32Array(4);
  private seedValue = 0;

  /** @param seed - Seed of the stream (a safe integer). */
  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /**
   * Re-seeds the stream; the same seed gives the same numbers.
   * @param seed - A safe integer.
   * @returns This generator.
   */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) throw new ValueError('manualSeed', `seed must be a safe integer, got ${seed}`);
    this.seedValue = seed;
    const st = { x: (seed % 0x100000000) ^ Math.floor(seed / 0x100000000) };
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(st);
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
    return this;
  }

  /**
   * The seed last given to `manualSeed`.
   * @returns The seed.
   */
  initialSeed(): number {
    return this.seedValue;
  }

  /**
   * The next 32 random bits as an unsigned integer.
   * @returns An integer in [0, 2^32).
   */
  nextUint32(): number {
    const s = this.s;
    let s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
    return result;
  }

  /**
   * Fills `out` with the next `out.length` values of {@link nextUint32} (the same stream, with the
   * state held in locals: several times faster for bulk draws such as dropout masks).
   * @param out - The array to fill.
   */
  fillUint32(out: Uint32Array): void {
    const s = this.s;
    let s0 = s[0]!, s1 = s[1]!, s2 = s[2]!, s3 = s[3]!;
    for (let i = 0; i < out.length; i++) {
      out[i] = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
    }
    s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
  }

  /**
   * Fills `out` with keep flags of the next `out.length` draws of {@link nextUint32}: 1 where the
   * draw is at least `cut`, else 0 (dropout's mask as an integer test; the generator ends in the
   * state those draws leave). Runs on a backend's faster loop where one is installed.
   * @param out - The flags to fill.
   * @param cut - The least kept draw, an integer in [0, 2^32] (2^32 keeps nothing).
   * @internal
   */
  fillKeepMask(out: Uint8Array, cut: number): void {
    if (keepMaskFill?.(this.s, out, cut)) return;
    const bits = new Uint32Array(Math.min(out.length, 1 << 16));
    for (let at = 0; at < out.length; at += bits.length) {
      const chunk = bits.length <= out.length - at ? bits : bits.subarray(0, out.length - at);
      this.fillUint32(chunk);
      for (let i = 0; i < chunk.length; i++) out[at + i] = chunk[i]! >= cut ? 1 : 0;
    }
  }

  /**
   * A uniform number in [0, 1) with 32 random bits.
   * @returns The number.
   */
  random(): number {
    return this.nextUint32() / 4294967296;
  }

  /**
   * A uniform integer in [low, high), without modulo bias.
   * @param low - Smallest value (inclusive).
   * @param high - Bound (exclusive); `high - low` is at most 2^32.
   * @returns The integer.
   */
  randint(low: number, high: number): number {
    const range = high - low;
    if (!(range > 0) || range > 4294967296) throw new ValueError('randint', `empty or too large range [${low}, ${high})`);
    const limit = 4294967296 - (4294967296 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % range);
  }

  /**
   * Fills `out` with uniform numbers in [low, high).
   * @param out - The array to fill (any indexable numeric array).
   * @param low - Lower bound (inclusive).
   * @param high - Upper bound (exclusive).
   */
  fillUniform(out: { length: number; [i: number]: number }, low = 0, high = 1): void {
    const w = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + w * this.random();
  }

  /**
   * Fills `out` with normal numbers (Box-Muller, two per pair of uniforms).
   * @param out - The array to fill.
   * @param mean - Mean of the distribution.
   * @param std - Standard deviation.
   */
  fillNormal(out: { length: number; [i: number]: number }, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i += 2) {
      const u1 = 1 - this.random(); // (0, 1], so log is finite
      const u2 = this.random();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
  }

  /**
   * The full state, for checkpoints.
   * @returns A plain object that `setState` accepts (JSON-serialisable).
   */
  getState(): GeneratorState {
    return { seed: this.seedValue, s: Array.from(this.s) };
  }

  /**
   * Restores a state from `getState`.
   * @param state - The saved state.
   * @returns This generator.
   */
  setState(state: GeneratorState): this {
    if (!state || !Array.isArray(state.s) || state.s.length !== 4 || state.s.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new ValueError('Generator.setState', 'expected { seed, s: four unsigned 32-bit integers }');
    }
    this.seedValue = state.seed;
    this.s.set(state.s);
    return this;
  }
}

/**
 * A faster {@link Generator.fillKeepMask}: given the four state words (to advance in place), the
 * flags and the cut, it fills them as the JavaScript loop would, or returns false to leave it to that loop.
 * @internal
 */
export type KeepMaskFill = (state: Uint32Array, out: Uint8Array, cut: number) => boolean;

let keepMaskFill: KeepMaskFill | null = null;

/**
 * Installs a backend's keep-mask loop (the CPU backend's WebAssembly one), or removes it with null.
 * @param fill - The loop.
 * @internal
 */
export function setKeepMaskFill(fill: KeepMaskFill | null): void {
  keepMaskFill = fill;
}

/** A generator's saved state: the seed and the four xoshiro128** words. */
export interface GeneratorState {
  /** The seed last given to `manualSeed`. */
  readonly seed: number;
  /** The four 32-bit words of the xoshiro128** state. */
  readonly s: readonly number[];
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The generator used when an op is given none (PyTorch's default generator).
 * @example
 * manualSeed(7);
 * const a = defaultGenerator.random();
 * manualSeed(7);
 * defaultGenerator.random() === a; // true
 */
export const defaultGenerator = new Generator(0);

/**
 * Seeds the default generator (`torch.manual_seed`), so `randn`, `rand`, dropout and weight
 * initialisation repeat exactly, on every backend.
 * @param seed - A safe integer.
 * @returns The default generator.
 * @example
 * manualSeed(0);
 * const a = randn([3]).tolist();
 * manualSeed(0);
 * randn([3]).tolist(); // equals a
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

/**
 * The default generator's state (`torch.get_rng_state`).
 * @returns A JSON-serialisable state for {@link setRngState}.
 * @example
 * const state = getRngState();
 * const a = rand([2]).tolist();
 * setRngState(state);
 * rand([2]).tolist()[0] === (a as number[])[0]; // true
 */
export function getRngState(): GeneratorState {
  return defaultGenerator.getState();
}

/**
 * Restores the default generator's state (`torch.set_rng_state`).
 * @param state - A state from {@link getRngState} (or a checkpoint).
 * @example
 * const saved = getRngState();
 * randn([4]);
 * setRngState(saved); // the next numbers repeat those randn drew
 */
export function setRngState(state: GeneratorState): void {
  defaultGenerator.setState(state);
}
