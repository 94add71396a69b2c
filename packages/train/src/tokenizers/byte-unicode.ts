// GPT-2's byte-to-unicode table: each of the 256 byte values gets a printable character, so byte-level
// tokens can be written as readable strings in `vocab.bpe`/`encoder.json` and in our own saved vocabularies.

function buildTable(): string[] {
  const table = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    // Printable Latin-1 bytes stand for themselves; the other 68 get U+0100, U+0101, ... in byte order.
    table[b] = String.fromCharCode(printable ? b : 256 + n++);
  }
  return table;
}

/**
 * `BYTE_TO_UNICODE[b]` is the one-character string GPT-2 writes for byte `b` (space 0x20 is 'Ġ', newline 0x0A
 * is 'Ċ', 'a' is 'a').
 *
 * @example
 * BYTE_TO_UNICODE[0x20]; // 'Ġ'
 */
export const BYTE_TO_UNICODE: readonly string[] = buildTable();

const UNICODE_TO_BYTE: ReadonlyMap<string, number> = new Map(BYTE_TO_UNICODE.map((c, b) => [c, b]));

/**
 * Writes bytes in the byte-to-unicode alphabet (GPT-2's `bytes_to_unicode`).
 *
 * @example
 * bytesToUnicode([0x20, 0x68, 0x69]); // 'Ġhi'
 * @param bytes - Byte values 0..255.
 * @returns One character per byte.
 */
export function bytesToUnicode(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_UNICODE[bytes[i]!]!;
  return s;
}

/**
 * Reads a byte-to-unicode string back into bytes; undefined if a character is outside the alphabet.
 *
 * @example
 * unicodeToBytes('Ġhi'); // [32, 104, 105]
 * unicodeToBytes('€'); // undefined
 * @param s - Text in the byte-to-unicode alphabet.
 * @returns The bytes, or undefined.
 */
export function unicodeToBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const b = UNICODE_TO_BYTE.get(s[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}
