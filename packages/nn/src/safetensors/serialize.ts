// serializeSafetensors: tsgrad tensors (and string metadata) to the bytes of a safetensors file,
// laid out exactly as the reference Python/Rust library lays them out.

import { Tensor, TsgradError, halfBits, type TypedArray } from '@tsgrad/core';
import { WRITE_DTYPES, swapToHostOrder, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { MAX_HEADER_SIZE } from './header.js';
import { hasLoneSurrogate } from './json.js';

const OP = 'serializeSafetensors';

function fail(reason: string, hint?: string): never {
  throw new SafetensorsError(OP, reason, {}, hint);
}

function checkText(what: string, s: unknown): asserts s is string {
  if (typeof s !== 'string') fail(`${what} must be a string, got ${typeof s}`);
  if (hasLoneSurrogate(s)) fail(`${what} ${JSON.stringify(s)} contains an unpaired UTF-16 surrogate, which UTF-8 cannot encode`);
}

/** Compares by UTF-8 bytes (= code points), as Rust orders strings; JS `<` compares UTF-16 units. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function readData(name: string, t: Tensor): TypedArray {
  try {
    return t.dtype === 'float16' || t.dtype === 'bfloat16' ? halfBits(t) : t.dataSync(); // row-major, whatever the strides
  } catch (e) {
    if (!(e instanceof TsgradError)) throw e;
    return fail(`cannot read tensor ${JSON.stringify(name)} synchronously from device '${t.device}'`, "move it to the CPU first: x.to('cpu')");
  }
}

/** Options of {@link serializeSafetensors}. */
export interface SerializeOptions {
  /**
   * Int32 tensors to store narrower, by name: `'I8'` writes one signed byte per element (values
   * must lie in [-128, 127]), as int8-quantised weights are saved. They load back as int32.
   */
  storeAs?: Record<string, Extract<SafetensorsDType, 'I8'>>;
}

/** I8 sorts between I32 and BOOL, as in the reference library's Dtype enum (written largest first). */
const I8 = { name: 'I8', size: 1, rank: 0.5 } as const;

/** `data` (int32) as int8 bytes, failing on the first value out of range. */
function narrowToI8(name: string, data: TypedArray): Int8Array {
  const out = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -128 || v > 127) fail(`tensor ${JSON.stringify(name)} holds ${v} at flat index ${i}, which does not fit in I8 (-128..127)`, 'store it as int32, or quantise it first');
    out[i] = v;
  }
  return out;
}

function metadataJson(metadata: Record<string, string>): string {
  if (metadata === null || typeof metadata !== 'object') fail(`metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  const enc = new TextEncoder();
  const keys = Object.keys(metadata).map((k) => ({ k, key: enc.encode(k) })).sort((a, b) => compareBytes(a.key, b.key));
  const parts = keys.map(({ k }) => {
    checkText('a metadata key', k);
    const v = metadata[k];
    checkText(`metadata value for ${JSON.stringify(k)}`, v);
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  });
  return `"__metadata__":{${parts.join(',')}}`;
}

/**
 * Writes tensors (float32 as F32, float64 as F64, int32 as I32, or as I8 where `opts.storeAs`
 * says so, bool as BOOL) and optional string metadata as a safetensors file. The layout matches
 * the reference library byte for byte: tensors ordered by dtype (F64, F32, I32, I8, BOOL, so each
 * stays aligned to its element size) then by name,
 * the JSON header compact with `__metadata__` first and keys in offset order, padded with spaces
 * to a multiple of 8 bytes. Views with any strides are written in row-major order.
 *
 * @example
 * ```ts
 * import { tensor } from '@tsgrad/core';
 * import { serializeSafetensors } from '@tsgrad/nn';
 * const bytes = serializeSafetensors({ bias: tensor([0.5, -1]) }, { format: 'pt' });
 * bytes.length % 8; // 0 (8-byte length, padded header, then 8 bytes of F32 data)
 * ```
 * @param tensors - Tensors by name (CPU tensors; read a GPU tensor back first).
 * @param metadata - Optional `__metadata__` strings (`format: 'pt'` for PyTorch's loaders).
 * @param opts - `storeAs`: int32 tensors to write as I8, by name.
 * @returns The file's bytes.
 */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>, opts: SerializeOptions = {}): Uint8Array {
  if (tensors === null || typeof tensors !== 'object') fail(`expected an object of tensors, got ${tensors === null ? 'null' : typeof tensors}`);
  if (typeof (tensors as { stateDict?: unknown }).stateDict === 'function') {
    fail(`expected an object of tensors, got a ${(tensors as object).constructor?.name ?? 'Module'}`, 'pass model.stateDict() to save its weights');
  }
  const enc = new TextEncoder();
  const items = Object.entries(tensors).map(([name, t]) => {
    checkText('a tensor name', name);
    if (name === '__metadata__') fail(`a tensor cannot be named '__metadata__': the format reserves that key`, 'rename the tensor');
    if (!(t instanceof Tensor)) fail(`the value for ${JSON.stringify(name)} is not a Tensor (got ${t === null ? 'null' : typeof t})`);
    const w = WRITE_DTYPES[t.dtype] as (typeof WRITE_DTYPES)[keyof typeof WRITE_DTYPES] | undefined;
    if (!w) fail(`tensor ${JSON.stringify(name)} has dtype ${t.dtype}, which safetensors writing does not support`, 'cast it to float32, float64, float16, bfloat16, int32 or bool');
    const as = opts.storeAs?.[name];
    if (as === undefined) return { name, t, w, key: enc.encode(name) };
    if (as !== 'I8') fail(`storeAs for ${JSON.stringify(name)} must be 'I8', got ${JSON.stringify(as)}`);
    if (t.dtype !== 'int32') fail(`tensor ${JSON.stringify(name)} is stored as I8 but has dtype ${t.dtype}`, 'only int32 tensors can be stored as I8');
    return { name, t, w: I8 as { name: SafetensorsDType; size: number; rank: number }, key: enc.encode(name) };
  });
  items.sort((a, b) => b.w.rank - a.w.rank || compareBytes(a.key, b.key));

  const fields: string[] = metadata === undefined ? [] : [metadataJson(metadata)];
  let offset = 0;
  for (const { name, t, w } of items) {
    const end = offset + t.numel() * w.size;
    fields.push(`${JSON.stringify(name)}:{"dtype":"${w.name}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = enc.encode(`{${fields.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8; // padded with spaces so the data starts 8-aligned
  if (headerLen > MAX_HEADER_SIZE) fail(`the header would be ${headerLen} bytes, above the limit of ${MAX_HEADER_SIZE} that readers accept`, 'use fewer tensors or shorter names and metadata');

  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const { name, t, w } of items) {
    const read = readData(name, t); // one tensor's copy at a time, straight into `out`
    const data = w.name === 'I8' ? narrowToI8(name, read) : read;
    const dst = out.subarray(at, at + data.byteLength);
    dst.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (w.name === 'BOOL') for (let j = 0; j < dst.length; j++) if (dst[j] !== 0) dst[j] = 1;
    swapToHostOrder(dst, w.size); // host order to little-endian (a no-op on little-endian hosts)
    at += data.byteLength;
  }
  return out;
}
