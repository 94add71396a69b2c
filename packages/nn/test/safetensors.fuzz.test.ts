// Fuzzing the safetensors reader: mutated valid files and random headers either parse to a
// well-formed result or throw SafetensorsError, never another error, a crash or a hang.

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { sizeOf, tensor } from '@tsgrad/core';
import { parseSafetensors, SafetensorsError, serializeSafetensors } from '@tsgrad/nn';

/** A file built by hand from a header string and data bytes (u64 little-endian length prefix). */
function file(header: string, data: Uint8Array, claimed?: bigint): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  let n = claimed ?? BigInt(h.length);
  for (let i = 0; i < 8; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Parses `bytes`; a result must be well formed, and any error must be a SafetensorsError. */
function parsesOrRefuses(bytes: Uint8Array): 'ok' | 'refused' {
  let out: ReturnType<typeof parseSafetensors>;
  try {
    out = parseSafetensors(bytes);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    expect(e.message.startsWith('parseSafetensors: ')).toBe(true);
    return 'refused';
  }
  for (const t of Object.values(out.tensors)) {
    expect(['float32', 'float64', 'int32', 'bool']).toContain(t.dtype);
    expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)).toBe(true);
    expect(t.dataSync().length).toBe(sizeOf(t.shape));
  }
  for (const v of Object.values(out.metadata)) expect(typeof v).toBe('string');
  return 'ok';
}

const validFiles = [
  serializeSafetensors(
    { w: tensor([[1, -2], [3.5, 4]]), b: tensor([0.25], { dtype: 'float64' }), ids: tensor([3, 1, 4], { dtype: 'int32' }), m: tensor([true, false]) },
    { format: 'pt', note: 'fuzz' },
  ),
  file(
    '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"l":{"dtype":"I64","shape":[1],"data_offsets":[4,12]},' +
      '"b":{"dtype":"BF16","shape":[1,1],"data_offsets":[12,14]},"__metadata__":{"a":"b"}}  ',
    Uint8Array.from([0x00, 0x3c, 0x00, 0xc0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3f]),
  ),
  serializeSafetensors({}),
];
const baseArb = fc.constantFrom(...validFiles.keys()).map((i) => validFiles[i]!);
const OPTS = { numRuns: 300, seed: 424242 };

describe('mutated valid files parse or throw SafetensorsError', () => {
  test('the unmutated files parse', () => {
    for (const f of validFiles) expect(parsesOrRefuses(f)).toBe('ok');
  });

  test('flipped bytes', () => {
    const flips = fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(baseArb, flips, (base, fs) => {
        const bytes = base.slice();
        for (const { at, xor } of fs) bytes[at % bytes.length]! ^= xor;
        parsesOrRefuses(bytes);
      }),
      OPTS,
    );
  });

  test('truncated files', () => {
    fc.assert(fc.property(baseArb, fc.nat(), (base, k) => { parsesOrRefuses(base.subarray(0, k % base.length)); }), OPTS);
  });

  test('a rewritten header length field', () => {
    const len = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 400n }), fc.constantFrom(100_000_000n, 100_000_001n));
    fc.assert(
      fc.property(baseArb, len, (base, n) => {
        const bytes = base.slice();
        new DataView(bytes.buffer).setBigUint64(0, n, true);
        parsesOrRefuses(bytes);
      }),
      OPTS,
    );
  });

  test('random JSON spliced into the header', () => {
    fc.assert(
      fc.property(baseArb, fc.json({ maxDepth: 3 }), fc.nat(), fc.nat(), fc.boolean(), (base, json, a, b, fixLength) => {
        const n = Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
        const header = new TextDecoder().decode(base.subarray(8, 8 + n));
        const [lo, hi] = [a % (n + 1), b % (n + 1)].sort((x, y) => x - y) as [number, number];
        const spliced = header.slice(0, lo) + json + header.slice(hi);
        const claimed = fixLength ? undefined : BigInt(n);
        parsesOrRefuses(file(spliced, base.subarray(8 + n), claimed));
      }),
      OPTS,
    );
  });
});

describe('random headers parse or throw SafetensorsError', () => {
  const dtype = fc.constantFrom('F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'X', '');
  const small = fc.integer({ min: -2, max: 40 });
  const entry = fc.record(
    { dtype: fc.oneof(dtype, fc.jsonValue({ maxDepth: 1 })), shape: fc.oneof(fc.array(fc.integer({ min: -1, max: 6 }), { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })), data_offsets: fc.oneof(fc.tuple(small, small), fc.jsonValue({ maxDepth: 1 })) },
    { requiredKeys: [] },
  );
  const metadata = fc.oneof(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), fc.jsonValue({ maxDepth: 2 }));
  const header = fc.tuple(fc.dictionary(fc.string({ maxLength: 4 }), entry, { maxKeys: 4 }), fc.option(metadata, { nil: undefined }));

  test('structured random headers over random data', () => {
    let ok = 0;
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 48 }), ([entries, meta], data) => {
        const obj: Record<string, unknown> = { ...entries };
        if (meta !== undefined) obj.__metadata__ = meta;
        if (parsesOrRefuses(file(JSON.stringify(obj), data)) === 'ok') ok++;
      }),
      { numRuns: 500, seed: 7 },
    );
    expect(ok).toBeGreaterThan(0); // some random headers are valid, so the success path is exercised too
  });

  test('headers with consistent offsets parse, whatever the data bytes', () => {
    const tensors = fc.array(fc.record({ dtype, shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) }), { maxLength: 4 });
    const SIZES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };
    fc.assert(
      fc.property(tensors, fc.integer(), (ts, seed) => {
        let at = 0;
        const parts = ts.map((t, i) => {
          const end = at + sizeOf(t.shape) * (SIZES[t.dtype] ?? 1);
          const s = `"t${i}":{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${at},${end}]}`;
          at = end;
          return s;
        });
        const data = Uint8Array.from({ length: at }, (_, i) => (seed * 31 + i * 97) & 0xff);
        const verdict = parsesOrRefuses(file(`{${parts.join(',')}}`, data));
        // only a bad dtype or a 64/32-bit unsigned or 64-bit value outside int32 may refuse these files
        if (verdict === 'refused') expect(ts.some((t) => !(t.dtype in SIZES) || /^(I64|U64|U32)$/.test(t.dtype))).toBe(true);
      }),
      OPTS,
    );
  });
});
