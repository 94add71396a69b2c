// float16 and bfloat16: stored as their 16-bit patterns in a Uint16Array; converted from float32
// with round-to-nearest-even (NaN stays NaN, overflow becomes infinity) and back exactly.

import type { DType } from './dtype.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The float16 bit pattern nearest to `x` (ties to even), as IEEE 754 binary16: overflow to
 * infinity, subnormals kept, NaN as a quiet NaN with the sign kept.
 * @param x - A number (rounded to float32 first, as PyTorch converts float32 tensors).
 * @returns The 16 bits.
 * @example
 * toFloat16Bits(1); // 15360 (0x3c00)
 * toFloat16Bits(65520); // 31744 (0x7c00: rounds to infinity)
 */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0); // inf or NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflows to zero
    const m = mant | 0x800000; // implicit bit
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let r = m >>> shift;
    if (rest > half || (rest === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (r & 1))) r++; // may carry into the exponent, up to infinity: correct
  return sign | r;
}

/**
 * The value of float16 bits.
 * @param h - The 16 bits.
 * @returns The number (exact).
 * @example fromFloat16Bits(0x3555); // 0.333251953125
 */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * The bfloat16 bit pattern nearest to `x` (ties to even): the top 16 bits of the float32, rounded.
 * @param x - A number (rounded to float32 first).
 * @returns The 16 bits.
 * @example toBfloat16Bits(1); // 16256 (0x3f80)
 */
export function toBfloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  if ((b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff)) return ((b >>> 16) | 0x40) & 0xffff; // NaN stays a (quiet) NaN
  const rounded = b + 0x7fff + ((b >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

/**
 * The value of bfloat16 bits.
 * @param h - The 16 bits.
 * @returns The number (exact).
 * @example fromBfloat16Bits(0x3f80); // 1
 */
export function fromBfloat16Bits(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** Whether `d` is stored as 16-bit patterns. */
export function isHalf(d: DType): d is 'float16' | 'bfloat16' {
  return d === 'float16' || d === 'bfloat16';
}

/** @internal Bits to float32 values. */
export function decodeHalf(bits: ArrayLike<number>, dtype: 'float16' | 'bfloat16'): Float32Array {
  const out = new Float32Array(bits.length);
  if (dtype === 'bfloat16') new Uint32Array(out.buffer).set(Array.from(bits, (h) => (h & 0xffff) << 16));
  else for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i]!);
  return out;
}

/** @internal Values to bits, rounding to nearest even. */
export function encodeHalf(values: ArrayLike<number>, dtype: 'float16' | 'bfloat16'): Uint16Array {
  const out = new Uint16Array(values.length);
  const f = dtype === 'float16' ? toFloat16Bits : toBfloat16Bits;
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}

