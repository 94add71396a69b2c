// WTF-8: agrees with the platform's UTF-8 on well-formed text and valid bytes, and round-trips lone surrogates.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeWtf8, encodeWtf8 } from '@tsgrad/train';
import { anyString } from './arbitraries.js';


describe('WTF-8', () => {
  test('hand-derived bytes: ASCII, 2-, 3- and 4-byte characters, lone surrogates', () => {
    expect(encodeWtf8('a')).toEqual([0x61]);
    expect(encodeWtf8('é')).toEqual([0xc3, 0xa9]); // U+00E9 = 00011 101001
    expect(encodeWtf8('€')).toEqual([0xe2, 0x82, 0xac]); // U+20AC
    expect(encodeWtf8('🤗')).toEqual([0xf0, 0x9f, 0xa4, 0x97]); // U+1F917
    expect(encodeWtf8('\uD800')).toEqual([0xed, 0xa0, 0x80]); // lone high surrogate, as its code point would be
    expect(encodeWtf8('\uDFFF')).toEqual([0xed, 0xbf, 0xbf]);
    expect(encodeWtf8('\uDC00\uD800')).toEqual([0xed, 0xb0, 0x80, 0xed, 0xa0, 0x80]); // low then high: no pair
  });

  test('well-formed strings encode exactly as TextEncoder does', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
      expect(encodeWtf8(s)).toEqual(Array.from(new TextEncoder().encode(s)));
    }), { seed: 1, numRuns: 300 });
  });

  test('every string round-trips, lone surrogates included', () => {
    for (const s of ['\uD800', 'a\uDBFFb', '\uDFFF\uD800', '\uD83E\uDD17\uD83E', '\uFEFFbom']) expect(decodeWtf8(encodeWtf8(s))).toBe(s);
    fc.assert(fc.property(anyString, (s) => decodeWtf8(encodeWtf8(s)) === s), { seed: 2, numRuns: 500 });
  });

  test('bytes without surrogate sequences decode as TextDecoder does, invalid ones included', () => {
    const td = new TextDecoder('utf-8', { ignoreBOM: true });
    const noSurrogates = fc.uint8Array({ maxLength: 24 }).filter((b) => !b.some((x, i) => x === 0xed && (b[i + 1] ?? 0) >= 0xa0));
    fc.assert(fc.property(noSurrogates, (b) => decodeWtf8(b) === td.decode(b)), { seed: 3, numRuns: 1000 });
    expect(decodeWtf8([0xff, 0x61])).toBe('\uFFFDa');
    expect(decodeWtf8([0xe2, 0x82])).toBe('\uFFFD'); // truncated sequence: one replacement (maximal subpart)
  });
});
