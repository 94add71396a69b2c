// Safetensors reading: hand-assembled files (golden bytes), F16/BF16 and integer decoding against
// hand-derived values, and one clear SafetensorsError for each way a file can be broken.

import { describe, expect, test } from 'vitest';
import { TsgradError } from '@tsgrad/core';
import { parseSafetensors, SafetensorsError } from '@tsgrad/nn';

/** A safetensors file built by hand: u64 little-endian header length, header bytes, data bytes. */
function file(header: string | Uint8Array, data: ArrayLike<number> = [], claimed?: bigint): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  let n = claimed ?? BigInt(h.length);
  for (let i = 0; i < 8; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  out.set(h, 8);
  out.set(Array.from(data), 8 + h.length);
  return out;
}
const u16le = (xs: number[]) => xs.flatMap((x) => [x & 0xff, x >> 8]);
const i64le = (xs: bigint[]) => xs.flatMap((x) => Array.from({ length: 8 }, (_, i) => Number((BigInt.asUintN(64, x) >> BigInt(8 * i)) & 0xffn)));
const info = (dtype: string, shape: number[], begin: number, end: number) =>
  `{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${begin},${end}]}`;
const f32bits = (xs: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(xs).buffer));

function parseError(bytes: Uint8Array): SafetensorsError {
  try {
    parseSafetensors(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SafetensorsError);
    expect(e).toBeInstanceOf(TsgradError);
    return e as SafetensorsError;
  }
  throw new Error('expected parseSafetensors to throw');
}

describe('golden files', () => {
  test('a hand-assembled file with keys out of order, metadata last and a padded header', () => {
    const header =
      `{"b":${info('I32', [2], 16, 24)},"a":${info('F32', [1, 2], 0, 8)},"e":${info('F64', [0, 3], 8, 8)},` +
      `"s":${info('F64', [], 8, 16)},"f":${info('BOOL', [3], 24, 27)},"__metadata__":{"format":"pt","note":"hand"}}   \n  `;
    const data = [
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0, // a: 1, -2.5 (f32)
      0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f, // s: 0.1 (f64 0x3FB999999999999A)
      0x07, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, // b: 7, -1 (i32)
      0x01, 0x00, 0x02, // f: true, false, true (any non-zero byte is true)
    ];
    const { tensors, metadata } = parseSafetensors(file(header, data));
    expect(Object.keys(tensors)).toEqual(['b', 'a', 'e', 's', 'f']);
    expect(tensors.a!.dtype).toBe('float32');
    expect(tensors.a!.tolist()).toEqual([[1, -2.5]]);
    expect(tensors.b!.dtype).toBe('int32');
    expect(tensors.b!.tolist()).toEqual([7, -1]);
    expect(tensors.e!.shape).toEqual([0, 3]);
    expect(tensors.e!.dtype).toBe('float64');
    expect(tensors.s!.shape).toEqual([]);
    expect(tensors.s!.item()).toBe(0.1);
    expect(tensors.f!.dtype).toBe('bool');
    expect(tensors.f!.tolist()).toEqual([true, false, true]);
    expect(metadata).toEqual({ format: 'pt', note: 'hand' });
  });

  test('zero-size tensors may share an offset; extra fields are ignored; null metadata means none', () => {
    const header = `{"z1":${info('F32', [0], 4, 4)},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[1,{"k":null}]},` +
      `"z2":${info('I64', [2, 0], 4, 4)},"__metadata__":null}`;
    const { tensors, metadata } = parseSafetensors(file(header, [0, 0, 0x40, 0x40]));
    expect(tensors.x!.tolist()).toEqual([3]);
    expect(tensors.z1!.shape).toEqual([0]);
    expect(tensors.z2!.shape).toEqual([2, 0]);
    expect(metadata).toEqual({});
  });

  test('a tensor named __proto__ is an ordinary key, and escapes in names decode', () => {
    const header = `{"__proto__":${info('U8', [1], 0, 1)},"a\\"\\u00e9\\n":${info('U8', [1], 1, 2)}}`;
    const { tensors } = parseSafetensors(file(header, [5, 6]));
    expect(Object.keys(tensors)).toEqual(['__proto__', 'a"é\n']);
    expect(Object.getPrototypeOf(tensors)).toBe(Object.prototype);
    expect(tensors['a"é\n']!.tolist()).toEqual([6]);
  });
});

describe('F16 and BF16 widen to float32 exactly', () => {
  test('F16 values derived by hand', () => {
    const halves = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x8001, 0x7c00, 0xfc00, 0x8000, 0x3555, 0x0000];
    const expected = [1, -2, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, -(2 ** -24), Infinity, -Infinity, -0, 1365 / 4096, 0];
    const t = parseSafetensors(file(`{"h":${info('F16', [12], 0, 24)}}`, u16le(halves))).tensors.h!;
    expect(t.dtype).toBe('float32');
    const got = Array.from(t.dataSync());
    got.forEach((v, i) => expect(Object.is(v, expected[i]), `element ${i}: ${v} vs ${expected[i]}`).toBe(true));
  });

  test('F16 NaNs keep sign and payload', () => {
    const t = parseSafetensors(file(`{"h":${info('F16', [3], 0, 6)}}`, u16le([0x7e00, 0x7c01, 0xfe00]))).tensors.h!;
    expect(Array.from(new Uint32Array(t.dataSync().buffer))).toEqual([0x7fc00000, 0x7f802000, 0xffc00000]);
  });

  test('BF16 values derived by hand', () => {
    const halves = [0x3f80, 0xc000, 0x4049, 0x7f7f, 0x0001, 0x8000, 0x7f80, 0xff80];
    const expected = [1, -2, 3.140625, (2 - 2 ** -7) * 2 ** 127, 2 ** -133, -0, Infinity, -Infinity];
    const t = parseSafetensors(file(`{"b":${info('BF16', [2, 4], 0, 16)}}`, u16le(halves))).tensors.b!;
    expect(t.shape).toEqual([2, 4]);
    const got = Array.from(t.dataSync());
    got.forEach((v, i) => expect(Object.is(v, expected[i]), `element ${i}: ${v} vs ${expected[i]}`).toBe(true));
    const nan = parseSafetensors(file(`{"n":${info('BF16', [1], 0, 2)}}`, u16le([0x7fc1]))).tensors.n!;
    expect(Array.from(new Uint32Array(nan.dataSync().buffer))).toEqual([0x7fc10000]);
  });
});

describe('integer dtypes load as int32', () => {
  const cases: [string, number[], number[]][] = [
    ['I64', i64le([0n, -1n, 2147483647n, -2147483648n, 5n]), [0, -1, 2147483647, -2147483648, 5]],
    ['U64', i64le([0n, 2147483647n]), [0, 2147483647]],
    ['U32', [0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0], [2147483647, 1]],
    ['I16', [0x00, 0x80, 0xff, 0x7f, 0xff, 0xff], [-32768, 32767, -1]],
    ['U16', [0xff, 0xff, 0x00, 0x00], [65535, 0]],
    ['I8', [0x80, 0x7f, 0xff], [-128, 127, -1]],
    ['U8', [0xff, 0x00, 0x07], [255, 0, 7]],
  ];
  for (const [dtype, bytes, values] of cases) {
    test(dtype, () => {
      const t = parseSafetensors(file(`{"x":${info(dtype, [values.length], 0, bytes.length)}}`, bytes)).tensors.x!;
      expect(t.dtype).toBe('int32');
      expect(t.tolist()).toEqual(values);
    });
  }

  const overflow: [string, number[], RegExp][] = [
    ['I64', i64le([1n, 2147483648n]), /tensor "ids" \(I64\) holds 2147483648 at flat index 1, which does not fit in int32/],
    ['I64', i64le([-2147483649n]), /holds -2147483649 at flat index 0/],
    ['U64', i64le([0n, 0n, 9223372036854775808n]), /\(U64\) holds 9223372036854775808 at flat index 2/],
    ['U32', [0xff, 0xff, 0xff, 0xff], /\(U32\) holds 4294967295 at flat index 0/],
  ];
  for (const [dtype, bytes, re] of overflow) {
    test(`${dtype} values outside int32 are refused: ${re.source.slice(0, 40)}`, () => {
      const size = dtype === 'U32' ? 4 : 8;
      const err = parseError(file(`{"ids":${info(dtype, [bytes.length / size], 0, bytes.length)}}`, bytes));
      expect(err.message).toMatch(re);
    });
  }
});

describe('broken files throw one SafetensorsError that says what and where', () => {
  const f32 = (shape: number[], b: number, e: number) => info('F32', shape, b, e);
  const zeros = (n: number) => new Array<number>(n).fill(0);
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array(5), /5 bytes, fewer than the 8-byte header length/],
    ['header length beyond the file', file('{}', [], 100n), /header length is 100 bytes but the file has only 2 bytes/],
    ['header length above the limit', file('{}', [], 100_000_001n), /100000001 bytes, above the limit of 100000000/],
    ['header length of 2^64 - 1', file('{}', [], 2n ** 64n - 1n), /18446744073709551615 bytes, above the limit/],
    ['header length 0', file('', []), /must start with '\{'/],
    ['header not UTF-8', file(new Uint8Array([0x7b, 0xff, 0x7d])), /3-byte header is not valid UTF-8/],
    ['a UTF-8 byte order mark', file('\uFEFF{}'), /must start with '\{'/],
    ['invalid JSON', file('{"a":'), /not valid JSON: unexpected end at character 5/],
    ['trailing text after the object', file('{}  x'), /unexpected text after the header object/],
    ['NUL padding', file('{}\0\0'), /unexpected text after the header object/],
    ['a header that is an array', file('[1, 2]'), /must start with '\{', but starts with "\[1, 2\]"/],
    ['nesting too deep', file(`{"a":${'['.repeat(100_000)}`), /nesting deeper than 64 levels/],
    ['a lone surrogate escape', file(`{"\\ud800":${f32([0], 0, 0)}}`), /unpaired surrogate/],
    ['a control character in a string', file('{"a\tb":1}'), /control character inside a string/],
    ['duplicate tensor names', file(`{"w":${f32([1], 0, 4)},"w":${f32([1], 4, 8)}}`, zeros(8)), /duplicate key "w" at character 54/],
    ['duplicate fields in a tensor', file(`{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}`, zeros(4)), /duplicate key "dtype"/],
    ['duplicate metadata keys', file('{"__metadata__":{"k":"a","k":"b"}}'), /duplicate key "k"/],
    ['a tensor that is not an object', file('{"w":3}'), /tensor "w" must be an object .* got 3/],
    ['a missing dtype', file('{"w":{"shape":[],"data_offsets":[0,0]}}'), /tensor "w" has dtype nothing/],
    ['an unknown dtype', file(`{"w":${info('F17', [1], 0, 4)}}`, zeros(4)), /tensor "w" has unknown dtype "F17"[^]*hint: expected one of F64, F32/],
    ['a format dtype tsgrad cannot hold', file(`{"w":${info('F8_E4M3', [1], 0, 1)}}`, zeros(1)), /dtype F8_E4M3, which tsgrad cannot load/],
    ['a negative shape entry', file(`{"w":${f32([2, -1], 0, 4)}}`, zeros(4)), /tensor "w" has shape \[2,-1\]; expected an array of non-negative integers/],
    ['a fractional shape entry', file(`{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, zeros(4)), /shape \[1.5\]/],
    ['a shape that is not an array', file(`{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}`, zeros(8)), /shape "2"/],
    ['shape x dtype size != byte length', file(`{"w":${f32([2, 3], 0, 20)}}`, zeros(20)), /tensor "w" \(F32, shape \[2, 3\]\) needs 24 bytes but its data_offsets \[0, 20\] span 20/],
    ['a shape whose size overflows', file(`{"w":${f32([2 ** 53 - 1, 2 ** 53 - 1, 2 ** 53 - 1], 0, 4)}}`, zeros(4)), /needs more bytes than the file holds/],
    ['fractional offsets', file(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1.5]}}`, zeros(2)), /data_offsets \[0,1.5\]; expected two non-negative integers/],
    ['three offsets', file(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}`, zeros(2)), /data_offsets \[0,1,2\]/],
    ['negative offsets', file(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}`, zeros(1)), /data_offsets \[-1,0\]/],
    ['begin after end', file(`{"w":${f32([1], 8, 4)}}`, zeros(8)), /tensor "w" has data_offsets \[8, 4\]: begin is after end/],
    ['offsets out of range', file(`{"w":${f32([10], 0, 40)}}`, zeros(24)), /data_offsets \[0, 40\] but the data buffer holds only 24 bytes/],
    ['overlapping tensors', file(`{"a":${f32([2], 0, 8)},"b":${f32([2], 4, 12)}}`, zeros(12)), /tensors "a" \(data_offsets \[0, 8\]\) and "b" \(data_offsets \[4, 12\]\) overlap/],
    ['a hole between tensors', file(`{"b":${f32([1], 8, 12)},"a":${f32([1], 0, 4)}}`, zeros(12)), /bytes \[4, 8\) of the data buffer belong to no tensor \(between "a" .* and "b"/],
    ['a hole at the start', file(`{"a":${f32([1], 4, 8)}}`, zeros(8)), /bytes \[0, 4\) .* \(before "a"/],
    ['trailing bytes after the last tensor', file(`{"a":${f32([1], 0, 4)}}`, zeros(7)), /bytes \[4, 7\) .* \(after "a" \(data_offsets \[0, 4\]\)\)/],
    ['data but no tensors', file('{}', zeros(3)), /bytes \[0, 3\) .* \(the header lists no tensors\)/],
    ['metadata with a non-string value', file('{"__metadata__":{"k":1}}'), /'__metadata__' must map strings to strings, but key "k" holds 1/],
    ['metadata that is a string', file('{"__metadata__":"v"}'), /'__metadata__' must be an object of strings, got "v"/],
    ['a tensor named __metadata__', file(`{"__metadata__":${f32([1], 0, 4)}}`, zeros(4)), /'__metadata__' is reserved for metadata/],
  ];
  for (const [what, bytes, re] of cases) {
    test(what, () => {
      const err = parseError(bytes);
      expect(err.message).toMatch(/^parseSafetensors: /);
      expect(err.message).toMatch(re);
    });
  }

  test('messages stay short when the header holds huge values', () => {
    const name = 'n'.repeat(1_000_000);
    const shape = new Array<number>(200_000).fill(1).concat([-1]);
    const err = parseError(file(`{"${name}":{"dtype":"F32","shape":[${shape.join(',')}],"data_offsets":[0,4]}}`, [0, 0, 0, 0]));
    expect(err.message).toMatch(/tensor "n{79}\.\.\. has shape \[1,1,1,.*\.\.\.; expected an array of non-negative integers/);
    expect(err.message.length).toBeLessThan(400);
  });

  test('input that is not a Uint8Array', () => {
    expect(() => parseSafetensors([1, 2, 3] as unknown as Uint8Array)).toThrow(/expected the file as a Uint8Array, got \[object Array\]/);
  });
});
