// parseSafetensors: bytes of a safetensors file to tsgrad tensors and the string metadata.

import { fromArray, type Tensor } from '@tsgrad/core';
import { READ_DTYPES, decodeElements, swapToHostOrder } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { readHeader, setOwn } from './header.js';

/**
 * What a safetensors file holds: tensors by name (in header order) and the `__metadata__` strings.
 *
 * @example
 * ```ts
 * import { parseSafetensors, serializeSafetensors, type SafetensorsContents } from '@tsgrad/nn';
 * const contents: SafetensorsContents = parseSafetensors(serializeSafetensors({}, { step: '10' }));
 * Object.keys(contents.tensors).length; // 0
 * contents.metadata.step; // '10'
 * ```
 */
export interface SafetensorsContents {
  /** The tensors by name, in header order. */
  tensors: Record<string, Tensor>;
  /** The `__metadata__` strings (empty when the file has none). */
  metadata: Record<string, string>;
}

/** Options of {@link parseSafetensors} and `loadSafetensorsFile`. */
export interface ParseOptions {
  /** Load F16 as float16 and BF16 as bfloat16, keeping the stored bits (default false: both widen to float32). */
  keepHalf?: boolean;
}

/**
 * Reads a safetensors file from memory. F64 loads as float64; F32, F16 and BF16 as float32 (exactly:
 * every half and bfloat16 value, subnormals, infinities and NaN payloads included, is a float32),
 * or with `{ keepHalf: true }` F16 as float16 and BF16 as bfloat16 (the stored bits, as PyTorch loads them);
 * I64, I32, I16, I8, U64, U32, U16 and U8 as int32 (a value outside int32 is an error); BOOL as bool.
 * Every tensor is a fresh copy, so `bytes` may be reused afterwards.
 *
 * Throws SafetensorsError, naming the tensor, offsets and sizes involved, for any file that breaks
 * the format: too short, a header length beyond the file or above 100,000,000 bytes, a header that
 * is not UTF-8 or not a JSON object, duplicate keys, unknown dtypes, bad shapes or offsets, offsets
 * that leave holes in the data buffer or overlap, metadata that is not string to string.
 *
 * @example
 * ```ts
 * import { tensor } from '@tsgrad/core';
 * import { parseSafetensors, serializeSafetensors } from '@tsgrad/nn';
 * const bytes = serializeSafetensors({ w: tensor([[1, 2], [3, 4]]) }, { format: 'pt' });
 * const { tensors, metadata } = parseSafetensors(bytes);
 * tensors.w!.tolist(); // [[1, 2], [3, 4]]
 * metadata.format; // 'pt'
 * ```
 * @param bytes - The whole file.
 * @param opts - `keepHalf`: load F16/BF16 as float16/bfloat16 instead of float32 (default false).
 * @returns The tensors (fresh CPU copies) and the metadata.
 */
export function parseSafetensors(bytes: Uint8Array, opts: ParseOptions = {}): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError('parseSafetensors', `expected the file as a Uint8Array, got ${Object.prototype.toString.call(bytes)}`, {}, 'pass `new Uint8Array(arrayBuffer)` or a Node Buffer');
  }
  const { entries, metadata, dataStart } = readHeader(bytes);
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    // a private copy at offset 0: typed-array views of it are aligned, and the caller's bytes stay theirs
    const raw = new Uint8Array(e.end - e.begin);
    raw.set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
    if (opts.keepHalf && (e.dtype === 'F16' || e.dtype === 'BF16')) {
      swapToHostOrder(raw, 2);
      setOwn(tensors, e.name, fromArray(new Uint16Array(raw.buffer, 0, e.numel), e.shape, { dtype: e.dtype === 'F16' ? 'float16' : 'bfloat16' }));
      continue;
    }
    const data = decodeElements(e.dtype, raw, e.numel, e.name);
    setOwn(tensors, e.name, fromArray(data, e.shape, { dtype: READ_DTYPES[e.dtype].loadsAs }));
  }
  return { tensors, metadata };
}
