// Safetensors dtypes: element sizes, the tsgrad dtype each one loads as, and the byte decoders
// (F16/BF16 widened to float32 bit-exactly, small and 64-bit integers narrowed to int32 with checks).

import type { DType, TypedArray } from '@tsgrad/core';
import { SafetensorsError } from './errors.js';
import { clip } from './json.js';

/**
 * The safetensors dtypes tsgrad reads. Writing uses F64, F32, F16, BF16, I32 and BOOL, and I8 on request
 * (`storeAs` in serializeSafetensors).
 *
 * @example
 * ```ts
 * import type { SafetensorsDType } from '@tsgrad/nn';
 * const halfPrecision: SafetensorsDType[] = ['F16', 'BF16']; // both load as float32
 * ```
 */
export type SafetensorsDType =
  | 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

/** Bytes per element, and the tsgrad dtype the tensor is loaded as. */
export const READ_DTYPES: Readonly<Record<SafetensorsDType, { size: number; loadsAs: DType }>> = {
  F64: { size: 8, loadsAs: 'float64' },
  F32: { size: 4, loadsAs: 'float32' },
  F16: { size: 2, loadsAs: 'float32' },
  BF16: { size: 2, loadsAs: 'float32' },
  I64: { size: 8, loadsAs: 'int32' },
  I32: { size: 4, loadsAs: 'int32' },
  I16: { size: 2, loadsAs: 'int32' },
  I8: { size: 1, loadsAs: 'int32' },
  U64: { size: 8, loadsAs: 'int32' },
  U32: { size: 4, loadsAs: 'int32' },
  U16: { size: 2, loadsAs: 'int32' },
  U8: { size: 1, loadsAs: 'int32' },
  BOOL: { size: 1, loadsAs: 'bool' },
};

/** Dtypes the format defines that tsgrad cannot hold; named so the error can say so. */
export const UNSUPPORTED_DTYPES: ReadonlySet<string> = new Set([
  'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64',
]);

/** The safetensors dtype each tsgrad dtype is written as. */
export const WRITE_DTYPES: Readonly<Record<DType, { name: SafetensorsDType; size: number; rank: number }>> = {
  // `rank` is the position in the reference library's Dtype enum: it writes larger ranks first,
  // which keeps every tensor aligned to its element size in the file.
  float64: { name: 'F64', size: 8, rank: 3 },
  float32: { name: 'F32', size: 4, rank: 2 },
  int32: { name: 'I32', size: 4, rank: 1 },
  bfloat16: { name: 'BF16', size: 2, rank: 0.8 },
  float16: { name: 'F16', size: 2, rank: 0.7 },
  bool: { name: 'BOOL', size: 1, rank: 0 },
};

/** Whether `s` is a dtype tsgrad can read. */
export function isReadDType(s: string): s is SafetensorsDType {
  return Object.prototype.hasOwnProperty.call(READ_DTYPES, s);
}

/** Whether this machine stores numbers little-endian (every mainstream JS engine host does). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each `size`-byte element in place when the host is big-endian (file data is little-endian). */
export function swapToHostOrder(bytes: Uint8Array, size: number): void {
  if (LITTLE_ENDIAN || size === 1) return;
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/** IEEE half-precision bits to single-precision bits, exact (subnormals, ±0, ±inf, NaN payloads). */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (man << 13)) >>> 0; // inf, or NaN keeping its payload
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (man << 13)) >>> 0; // rebias 15 -> 127
  if (man === 0) return sign >>> 0;
  // NOTE: a subnormal half is man * 2^-24; every one is a normal float32. With the leading one of
  // `man` at bit k, the value is 1.f * 2^(k - 24), so the float32 exponent field is k - 24 + 127.
  const k = 31 - Math.clz32(man);
  return (sign | ((k + 103) << 23) | (((man << (10 - k)) & 0x3ff) << 13)) >>> 0;
}

function narrowError(name: string, st: SafetensorsDType, index: number, value: bigint | number): SafetensorsError {
  return new SafetensorsError(
    'parseSafetensors',
    `tensor ${clip(JSON.stringify(name))} (${st}) holds ${value} at flat index ${index}, which does not fit in int32`,
    {},
    'tsgrad stores integers as int32 (range -2147483648..2147483647); convert the tensor before saving',
  );
}

/** Narrows 64-bit integers (read as 32-bit word pairs) to int32, failing on the first value that does not fit. */
function narrow64(raw: Uint8Array, n: number, signed: boolean, name: string): Int32Array {
  const words = new Int32Array(raw.buffer, raw.byteOffset, 2 * n);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = words[2 * i + lo]!;
    const h = words[2 * i + 1 - lo]!;
    // fits iff the high word is the sign extension of the low word (unsigned: both non-negative)
    if (h !== (signed ? l >> 31 : 0) || (!signed && l < 0)) {
      const v = (BigInt(signed ? h : h >>> 0) << 32n) | BigInt(l >>> 0);
      throw narrowError(name, signed ? 'I64' : 'U64', i, v);
    }
    out[i] = l;
  }
  return out;
}

/**
 * Decodes `n` elements of dtype `st` from `raw`, a private little-endian copy starting at offset 0
 * (so views need no alignment fix-up), into the backing array of the tsgrad dtype it loads as.
 */
export function decodeElements(st: SafetensorsDType, raw: Uint8Array, n: number, name: string): TypedArray {
  swapToHostOrder(raw, READ_DTYPES[st].size);
  const buf = raw.buffer;
  switch (st) {
    case 'F64': return new Float64Array(buf, raw.byteOffset, n);
    case 'F32': return new Float32Array(buf, raw.byteOffset, n);
    case 'I32': return new Int32Array(buf, raw.byteOffset, n);
    case 'BOOL': {
      for (let i = 0; i < n; i++) if (raw[i] !== 0) raw[i] = 1; // any non-zero byte is true
      return raw;
    }
    case 'U8': return Int32Array.from(raw);
    case 'I8': return Int32Array.from(new Int8Array(buf, raw.byteOffset, n));
    case 'I16': return Int32Array.from(new Int16Array(buf, raw.byteOffset, n));
    case 'U16': return Int32Array.from(new Uint16Array(buf, raw.byteOffset, n));
    case 'U32': {
      const src = new Int32Array(buf, raw.byteOffset, n);
      for (let i = 0; i < n; i++) if (src[i]! < 0) throw narrowError(name, st, i, src[i]! >>> 0);
      return src;
    }
    case 'I64': return narrow64(raw, n, true, name);
    case 'U64': return narrow64(raw, n, false, name);
    case 'F16':
    case 'BF16': {
      const src = new Uint16Array(buf, raw.byteOffset, n);
      const bits = new Uint32Array(n);
      if (st === 'BF16') for (let i = 0; i < n; i++) bits[i] = src[i]! << 16; // bf16 is the top half of a float32
      else for (let i = 0; i < n; i++) bits[i] = halfToFloatBits(src[i]!);
      return new Float32Array(bits.buffer);
    }
  }
}
