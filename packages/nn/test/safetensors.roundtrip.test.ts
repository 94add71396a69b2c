// Safetensors writing: random tensors round-trip bit-exactly, and the serializer's bytes equal
// files assembled by hand from the format's spec (layout, ordering, padding, little-endian data).

import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { fromArray, sizeOf, tensor, TsgradError, type DType, type Tensor } from '@tsgrad/core';
import { parseSafetensors, SafetensorsError, serializeSafetensors } from '@tsgrad/nn';

const rawBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const hex = (s: string) => Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};

// ---- random tensors as raw bytes ------------------------------------------------------------------
const f32Specials = [0, -0, NaN, Infinity, -Infinity, 2 ** -149, -(2 ** -149), 2 ** -130, 1.1754943508222875e-38, 3.4028234663852886e38];
const f64Specials = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2 ** -1070, Number.MAX_VALUE, Number.MIN_VALUE * 3];

const u32 = fc.integer({ min: 0, max: 0xffffffff });
/** Elements of one dtype as little-endian bytes: random bit patterns (any NaN payload) mixed with edge values. */
function elementBytes(dtype: DType, n: number): fc.Arbitrary<Uint8Array> {
  const list = <T>(a: fc.Arbitrary<T>) => fc.array(a, { minLength: n, maxLength: n });
  switch (dtype) {
    case 'float32':
      return list(fc.oneof(u32.map((b) => ({ bits: b })), fc.constantFrom(...f32Specials).map((v) => ({ value: v }))))
        .map((xs) => {
          const out = new Float32Array(n);
          const bits = new Uint32Array(out.buffer);
          xs.forEach((x, i) => { if ('bits' in x) bits[i] = x.bits; else out[i] = x.value; });
          return rawBytes(out);
        });
    case 'float64':
      return list(fc.oneof(fc.tuple(u32, u32).map((w) => ({ w })), fc.constantFrom(...f64Specials).map((v) => ({ v })))).map((xs) => {
        const out = new Float64Array(n);
        const words = new Uint32Array(out.buffer);
        xs.forEach((x, i) => { if ('w' in x) { words[2 * i] = x.w[0]; words[2 * i + 1] = x.w[1]; } else out[i] = x.v; });
        return rawBytes(out);
      });
    case 'int32':
      return list(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(0, -1, 2 ** 31 - 1, -(2 ** 31))))
        .map((xs) => rawBytes(Int32Array.from(xs)));
    case 'bool':
      return list(fc.boolean()).map((xs) => Uint8Array.from(xs, (b) => (b ? 1 : 0)));
  }
}

interface Spec { dtype: DType; shape: number[]; bytes: Uint8Array }
const dimArb = fc.oneof(fc.constant(1), fc.constant(0), fc.integer({ min: 0, max: 4 }));
const specArb: fc.Arbitrary<Spec> = fc
  .record({ dtype: fc.constantFrom<DType>('float32', 'float64', 'int32', 'bool'), shape: fc.array(dimArb, { maxLength: 4 }) })
  .chain(({ dtype, shape }) => elementBytes(dtype, sizeOf(shape)).map((bytes) => ({ dtype, shape, bytes })));

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;
const toTensor = (s: Spec): Tensor =>
  fromArray(new ARRAYS[s.dtype](s.bytes.slice().buffer), s.shape, { dtype: s.dtype });

const nameArb = fc.string({ unit: 'binary', maxLength: 10 }).filter((s) => s !== '__metadata__');
const textArb = fc.string({ unit: 'binary', maxLength: 16 });

describe('round trip', () => {
  test('random tensors and metadata read back bit-identical', () => {
    fc.assert(
      fc.property(
        fc.dictionary(nameArb, specArb, { maxKeys: 6 }),
        fc.option(fc.dictionary(textArb, textArb, { maxKeys: 4 }), { nil: undefined }),
        (specs, metadata) => {
          const input: Record<string, Tensor> = {};
          for (const [k, s] of Object.entries(specs)) Object.defineProperty(input, k, { value: toTensor(s), enumerable: true });
          const bytes = serializeSafetensors(input, metadata);
          // the header is padded so the data buffer starts at a multiple of 8
          const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
          expect((8 + n) % 8).toBe(0);
          const out = parseSafetensors(bytes);
          expect(Object.keys(out.tensors).sort()).toEqual(Object.keys(specs).sort());
          for (const [k, s] of Object.entries(specs)) {
            const t = out.tensors[k]!;
            expect(t.dtype).toBe(s.dtype);
            expect(t.shape).toEqual(s.shape);
            expect(rawBytes(t.dataSync())).toEqual(s.bytes);
          }
          expect({ ...out.metadata }).toEqual({ ...(metadata ?? {}) });
        },
      ),
      { numRuns: 200, seed: 20240611 },
    );
  });

  test('a file at an unaligned offset inside a larger buffer parses, and tensors do not alias it', () => {
    const bytes = serializeSafetensors({ x: tensor([1.5, -2.25, 3]), y: tensor([7, -8], { dtype: 'float64' }) });
    const host = new Uint8Array(bytes.length + 3);
    host.set(bytes, 3);
    const { tensors } = parseSafetensors(host.subarray(3));
    host.fill(0);
    expect(tensors.x!.tolist()).toEqual([1.5, -2.25, 3]);
    expect(tensors.y!.tolist()).toEqual([7, -8]);
  });

  test('non-contiguous views are written in row-major order', () => {
    const base = tensor([[1, 2, 3], [4, 5, 6]]);
    const t = base.transpose(0, 1); // [3, 2] view: [[1, 4], [2, 5], [3, 6]]
    expect(t.isContiguous()).toBe(false);
    const expected = concat(
      hex('40 00 00 00 00 00 00 00'),
      ascii('{"t":{"dtype":"F32","shape":[3,2],"data_offsets":[0,24]}}       '),
      hex('00 00 80 3f  00 00 80 40  00 00 00 40  00 00 a0 40  00 00 40 40  00 00 c0 40'),
    );
    expect(serializeSafetensors({ t })).toEqual(expected);
  });
});

describe('serializer output equals hand-assembled bytes', () => {
  test('dtype order F64, F32, I32, BOOL; metadata first; padded header; little-endian data', () => {
    const bytes = serializeSafetensors(
      {
        m: tensor([true, false, true]),
        i: tensor([258], { dtype: 'int32' }),
        w: tensor([1, -2]),
        d: tensor(0.5, { dtype: 'float64' }),
      },
      { format: 'pt' },
    );
    const header =
      '{"__metadata__":{"format":"pt"},' +
      '"d":{"dtype":"F64","shape":[],"data_offsets":[0,8]},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},' +
      '"i":{"dtype":"I32","shape":[1],"data_offsets":[16,20]},' +
      '"m":{"dtype":"BOOL","shape":[3],"data_offsets":[20,23]}}' +
      '       '; // 249 bytes of JSON + 7 spaces = 256
    const expected = concat(
      hex('00 01 00 00 00 00 00 00'), // 256, little-endian u64
      ascii(header),
      hex('00 00 00 00 00 00 e0 3f'), // 0.5 as f64
      hex('00 00 80 3f  00 00 00 c0'), // 1, -2 as f32
      hex('02 01 00 00'), // 258 as i32
      hex('01 00 01'), // true, false, true
    );
    expect(bytes).toEqual(expected);
  });

  test('names of one dtype are ordered by UTF-8 bytes, not UTF-16 units; no metadata means no key', () => {
    // U+FFFD is EF BF BD in UTF-8 and sorts before U+1F600 (F0 ...), though its UTF-16 unit is larger
    const bytes = serializeSafetensors({ '\u{1F600}': tensor([], { dtype: 'bool' }), '\uFFFD': tensor([], { dtype: 'bool' }) });
    const json = '{"\uFFFD":{"dtype":"BOOL","shape":[0],"data_offsets":[0,0]},"\u{1F600}":{"dtype":"BOOL","shape":[0],"data_offsets":[0,0]}}';
    const jsonBytes = new TextEncoder().encode(json); // 114 bytes; padded to 120
    expect(jsonBytes.length).toBe(114);
    expect(bytes).toEqual(concat(hex('78 00 00 00 00 00 00 00'), jsonBytes, ascii('      ')));
  });

  test('an empty dict is a valid file of 16 bytes', () => {
    expect(serializeSafetensors({})).toEqual(concat(hex('08 00 00 00 00 00 00 00'), ascii('{}      ')));
    expect(parseSafetensors(serializeSafetensors({}))).toEqual({ tensors: {}, metadata: {} });
  });
});

describe('serializer input errors', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['a value that is not a tensor', () => serializeSafetensors({ w: [1, 2] as unknown as Tensor }), /value for "w" is not a Tensor/],
    ['a tensor named __metadata__', () => serializeSafetensors({ __metadata__: tensor([1]) }), /cannot be named '__metadata__'/],
    ['a metadata value that is not a string', () => serializeSafetensors({}, { step: 3 as unknown as string }), /metadata value for "step" must be a string/],
    ['a name with a lone surrogate', () => serializeSafetensors({ 'a\uD800': tensor([1]) }), /unpaired UTF-16 surrogate/],
    ['tensors that are not an object', () => serializeSafetensors(null as unknown as Record<string, Tensor>), /expected an object of tensors/],
  ];
  for (const [what, run, re] of cases) {
    test(what, () => {
      expect(run).toThrow(SafetensorsError);
      expect(run).toThrow(TsgradError);
      expect(run).toThrow(re);
    });
  }
});
