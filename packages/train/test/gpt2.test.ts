// GPT-2's BPE loaded from gpt-3-encoder's files: the byte alphabet derived by hand, ids known from GPT-2,
// and agreement with gpt-3-encoder's own (independent) encoder on real text.
import { encode as gpt3Encode } from 'gpt-3-encoder';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { BYTE_TO_UNICODE, loadGpt2Tokenizer, loadSentiment, loadSotu, type BPETokenizer } from '@tsgrad/train';
import { anyString } from './arbitraries.js';

let gpt2: BPETokenizer;
beforeAll(() => { gpt2 = loadGpt2Tokenizer(); });

describe("GPT-2's byte-to-unicode alphabet", () => {
  test('printable Latin-1 bytes stand for themselves; the 68 others get U+0100.. in byte order', () => {
    // Unprintable: 0x00-0x20 (33 bytes), 0x7F-0xA0 (34), 0xAD (1).
    expect(BYTE_TO_UNICODE[0x00]).toBe('\u0100');
    expect(BYTE_TO_UNICODE[0x0a]).toBe('\u010a'); // 'Ċ', newline
    expect(BYTE_TO_UNICODE[0x20]).toBe('\u0120'); // 'Ġ', space
    expect(BYTE_TO_UNICODE[0x7f]).toBe('\u0121'); // 34th unprintable
    expect(BYTE_TO_UNICODE[0xad]).toBe('\u0143'); // 68th and last
    expect(BYTE_TO_UNICODE[0x41]).toBe('A');
    expect(BYTE_TO_UNICODE[0xe9]).toBe('é');
    expect(new Set(BYTE_TO_UNICODE).size).toBe(256);
  });

  test("encoder.json numbers the single bytes: printables in byte order (0..187), then the unprintables (188..255)", () => {
    const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const order = [...Array.from({ length: 256 }, (_, b) => b).filter(printable), ...Array.from({ length: 256 }, (_, b) => b).filter((b) => !printable(b))];
    order.forEach((b, id) => expect(gpt2.tokenToId(BYTE_TO_UNICODE[b]!)).toBe(id));
  });
});

describe('GPT-2 encoding', () => {
  test('known GPT-2 ids', () => {
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.encode('Hello world')).toEqual([15496, 995]);
    expect(gpt2.encode('hello world')).toEqual([31373, 995]);
    expect(gpt2.encode('Hello, world!')).toEqual([15496, 11, 995, 0]); // '!' is the first printable byte: id 0
    expect(gpt2.encode('\n')).toEqual([198]);
    expect(gpt2.encode(' the')).toEqual([262]);
    expect(gpt2.eosTokenId).toBe(50256);
    expect(gpt2.bosTokenId).toBe(50256);
    expect(gpt2.encode('<|endoftext|>', { allowedSpecial: 'all' })).toEqual([50256]);
  });

  test('bytes with no merge fall back to single-byte ids derived from the alphabet', () => {
    // U+1F917 is F0 9F A4 97 -> 'ð' 'Ł' '¤' 'Ĺ'. 'ðŁ' (8582) is GPT-2's common emoji prefix; '¤' is printable
    // byte 0xA4 -> id 94 + (0xA4 - 0xA1) = 97; 0x97 is unprintable number 33 + 24 -> id 188 + 57 = 245.
    expect(gpt2.encode('🤗')).toEqual([8582, 97, 245]);
    expect(gpt2.idToToken(8582)).toBe('ðŁ');
  });

  test("agrees with gpt-3-encoder's implementation on SOTU and review text", () => {
    const texts = [loadSotu()[0]!.text.slice(0, 20000), ...loadSentiment(['yelp']).slice(0, 200).map((x) => x.text)];
    for (const t of texts) expect(gpt2.encode(t)).toEqual(gpt3Encode(t));
    expect(gpt2.decode(gpt2.encode(texts[0]!))).toBe(texts[0]);
  });

  test('round-trips any string, lone surrogates included', () => {
    fc.assert(fc.property(anyString, (s) => gpt2.decode(gpt2.encode(s)) === s), { seed: 9, numRuns: 200 });
  });
});
