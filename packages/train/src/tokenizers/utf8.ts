// Strings to bytes and back with WTF-8 (generalised UTF-8), so that EVERY JavaScript string, lone
// surrogates included, round-trips exactly through the byte-level tokenizers.
//
// NOTE: UTF-8 cannot encode a lone surrogate (U+D800..U+DFFF without its partner); TextEncoder turns it
// into U+FFFD, which would break `decode(encode(s)) === s`. WTF-8 encodes a lone surrogate as the 3-byte
// sequence its code point would have (ED A0..BF xx); valid text is encoded exactly as UTF-8, so
// tokenizers still agree with GPT-2 on well-formed strings.

/**
 * Appends the WTF-8 bytes of `s` to `out` (UTF-8 for well-formed text; lone surrogates as 3 bytes).
 *
 * @example
 * const out: number[] = [];
 * encodeWtf8('é\uD800', out);
 * out; // [195, 169, 237, 160, 128]
 * @param s - The text.
 * @param out - The array appended to.
 * @returns `out`.
 */
export function encodeWtf8(s: string, out: number[] = []): number[] {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); // a surrogate pair is one code point
        i++;
        out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
        continue;
      }
    }
    out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)); // BMP, or a lone surrogate
  }
  return out;
}

/**
 * Decodes WTF-8 bytes. Well-formed UTF-8 decodes as `TextDecoder` does; the 3-byte forms of surrogates
 * give those UTF-16 units back; any other invalid sequence gives U+FFFD per maximal subpart (the WHATWG
 * Encoding Standard's rule), so the bytes of arbitrary token sequences always decode.
 *
 * @example
 * decodeWtf8(new Uint8Array([0x61, 0xed, 0xa0, 0x80])); // 'a\uD800'
 * decodeWtf8(new Uint8Array([0xff])); // '\uFFFD'
 * @param bytes - WTF-8 bytes.
 * @returns The text.
 */
export function decodeWtf8(bytes: ArrayLike<number>): string {
  const units: number[] = [];
  let needed = 0, seen = 0, cp = 0, lower = 0x80, upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b <= 0x7f) units.push(b);
      else if (b >= 0xc2 && b <= 0xdf) { needed = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) { if (b === 0xe0) lower = 0xa0; needed = 2; cp = b & 0xf; } // ED: no upper limit (WTF-8)
      else if (b >= 0xf0 && b <= 0xf4) { if (b === 0xf0) lower = 0x90; if (b === 0xf4) upper = 0x8f; needed = 3; cp = b & 0x7; }
      else units.push(0xfffd);
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = cp = 0; lower = 0x80; upper = 0xbf;
      units.push(0xfffd);
      i--; // this byte may start the next sequence
      continue;
    }
    lower = 0x80; upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else units.push(cp);
      needed = seen = cp = 0;
    }
  }
  if (needed !== 0) units.push(0xfffd);
  return unitsToString(units);
}

function unitsToString(units: readonly number[]): string {
  let s = '';
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.slice(i, i + 8192));
  return s;
}

const utf8Decoder = typeof TextDecoder === 'undefined' ? undefined : new TextDecoder('utf-8', { ignoreBOM: true }); // keep a leading U+FEFF

/** Whether the bytes hold a WTF-8 surrogate (ED A0..BF), which TextDecoder would not give back. */
function hasSurrogateBytes(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xed); i !== -1 && i + 1 < bytes.length; i = bytes.indexOf(0xed, i + 1)) {
    if (bytes[i + 1]! >= 0xa0) return true;
  }
  return false;
}

/**
 * `decodeWtf8`, using the platform's native UTF-8 decoder when no surrogate bytes are present (same result,
 * faster).
 *
 * @example
 * bytesToString(new Uint8Array([0x68, 0x69])); // 'hi'
 */
export function bytesToString(bytes: Uint8Array): string {
  if (utf8Decoder && !hasSurrogateBytes(bytes)) return utf8Decoder.decode(bytes);
  return decodeWtf8(bytes);
}
