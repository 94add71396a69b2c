// Reads and validates a safetensors header: the length prefix, the JSON, each tensor's dtype, shape
// and offsets, and that the tensors tile the data buffer exactly. Nothing is allocated from a
// claimed size before that size is checked against the bytes actually present.

import { formatShape } from '@tsgrad/core';
import { READ_DTYPES, UNSUPPORTED_DTYPES, isReadDType, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';
import { clip, parseJson, type Json, type JsonObject } from './json.js';

/** The largest header the reference implementation accepts (bytes). */
export const MAX_HEADER_SIZE = 100_000_000;

/** One tensor as the header describes it; offsets are relative to the start of the data buffer. */
export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

/** A validated header: the tensors in file order, the metadata, and where the data buffer starts. */
export interface Header {
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  dataStart: number;
}

const OP = 'parseSafetensors';
const CORRUPT = 'the file is corrupt, truncated, or not a safetensors file';

function fail(reason: string, hint = CORRUPT): never {
  throw new SafetensorsError(OP, reason, {}, hint);
}

/** Sets an own enumerable property, so a key such as `__proto__` is stored as data. */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const show = (v: Json | undefined): string => (v instanceof Map ? 'an object' : clip(JSON.stringify(v) ?? 'nothing'));
const quote = (name: string): string => clip(JSON.stringify(name));
const isCount = (v: Json | undefined): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function readMetadata(value: Json): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null) return out; // as the reference reader, a null `__metadata__` means none
  if (!(value instanceof Map)) fail(`'__metadata__' must be an object of strings, got ${show(value)}`);
  for (const [k, v] of value) {
    if (typeof v === 'string') {
      setOwn(out, k, v);
      continue;
    }
    if (value.has('shape') || value.has('data_offsets')) {
      fail(`'__metadata__' is reserved for metadata but the header describes a tensor under that name`, 'rename the tensor');
    }
    fail(`'__metadata__' must map strings to strings, but key ${quote(k)} holds ${show(v)}`);
  }
  return out;
}

/** The element count of `shape`, or -1 once it exceeds `limit` (so huge shapes never overflow). */
function countElements(shape: readonly number[], limit: number): number {
  if (shape.includes(0)) return 0;
  let n = 1;
  for (const d of shape) {
    n *= d;
    if (n > limit) return -1;
  }
  return n;
}

function readEntry(name: string, value: Json, bufferLen: number): HeaderEntry {
  const where = `tensor ${quote(name)}`;
  if (!(value instanceof Map)) fail(`${where} must be an object with dtype, shape and data_offsets, got ${show(value)}`);
  const info: JsonObject = value;
  const dtype = info.get('dtype');
  if (typeof dtype !== 'string') fail(`${where} has dtype ${show(dtype)}; expected a string such as "F32"`);
  if (!isReadDType(dtype)) {
    if (UNSUPPORTED_DTYPES.has(dtype)) fail(`${where} has dtype ${dtype}, which tsgrad cannot load`, `convert it to F32, F16 or BF16 before saving`);
    fail(`${where} has unknown dtype ${quote(dtype)}`, `expected one of ${Object.keys(READ_DTYPES).join(', ')}`);
  }
  const shape = info.get('shape');
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${where} has shape ${show(shape)}; expected an array of non-negative integers`);
  }
  const offsets = info.get('data_offsets');
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`${where} has data_offsets ${show(offsets)}; expected two non-negative integers [begin, end]`);
  }
  const [begin, end] = offsets as [number, number];
  const span = `data_offsets [${begin}, ${end}]`;
  if (begin > end) fail(`${where} has ${span}: begin is after end`);
  if (end > bufferLen) fail(`${where} has ${span} but the data buffer holds only ${bufferLen} bytes`);
  const { size } = READ_DTYPES[dtype];
  const numel = countElements(shape as number[], bufferLen);
  const need = numel < 0 ? 'more bytes than the file holds' : `${numel * size} bytes`;
  if (numel < 0 || numel * size !== end - begin) {
    fail(`${where} (${dtype}, shape ${clip(formatShape(shape as number[]))}) needs ${need} but its ${span} span ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], numel, begin, end };
}

/** Checks that the entries cover `[0, bufferLen)` with no hole and no overlap. */
function checkTiling(entries: readonly HeaderEntry[], bufferLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let prev: HeaderEntry | undefined;
  const label = (e: HeaderEntry) => `${quote(e.name)} (data_offsets [${e.begin}, ${e.end}])`;
  for (const e of sorted) {
    if (e.begin < covered && prev) fail(`tensors ${label(prev)} and ${label(e)} overlap`);
    if (e.begin > covered) {
      const after = prev ? `between ${label(prev)} and ${label(e)}` : `before ${label(e)}`;
      fail(`bytes [${covered}, ${e.begin}) of the data buffer belong to no tensor (${after})`);
    }
    covered = e.end;
    prev = e;
  }
  if (covered !== bufferLen) {
    const after = prev ? `after ${label(prev)}` : 'the header lists no tensors';
    fail(`bytes [${covered}, ${bufferLen}) of the data buffer belong to no tensor (${after})`);
  }
}

/** Reads and validates the header of the safetensors file `bytes`; throws SafetensorsError on any fault. */
export function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 8) fail(`the file has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const claimed = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (claimed > BigInt(MAX_HEADER_SIZE)) fail(`the header length is ${claimed} bytes, above the limit of ${MAX_HEADER_SIZE}`);
  const n = Number(claimed);
  if (8 + n > bytes.length) {
    fail(`the header length is ${n} bytes but the file has only ${bytes.length - 8} bytes after the length field`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail(`the ${n}-byte header is not valid UTF-8`);
  }
  if (!text.startsWith('{')) fail(`the header must start with '{', but starts with ${JSON.stringify(text.slice(0, 10))}`);
  const root = parseJson(text) as JsonObject; // starts with '{' and parsed whole, so an object
  const bufferLen = bytes.length - 8 - n;
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of root) {
    if (name === '__metadata__') metadata = readMetadata(value);
    else entries.push(readEntry(name, value, bufferLen));
  }
  checkTiling(entries, bufferLen);
  return { entries, metadata, dataStart: 8 + n };
}
