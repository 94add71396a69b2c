// Byte-level BPE: hand-derived merges, agreement with the textbook trainer and GPT-2's encode loop,
// exact round-trips on any string, special tokens, save/load and errors.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { IndexError, ValueError } from '@tsgrad/core';
import { BPETokenizer, learnMerges, tokenizerFromJSON } from '@tsgrad/train';
import { bpeWord, buildMergeTable } from '../src/tokenizers/bpe-encode.js';
import { anyString, anyUnit } from './arbitraries.js';
import { naiveBpeWord, naiveLearnMerges } from './reference-bpe.js';

const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>', '<mask>'];
const CORPUS = [
  'The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs.',
  'Über café naïve résumé — 東京 と 大阪 😀🤗 emoji, numbers 1790 2021 and tabs\tand\nnewlines.',
  "It's the people's government, they're saying, we'll see.",
];

describe('training', () => {
  test('learns the merges derived by hand', () => {
    // Pre-tokens: 'the' x2, ' cat', ' hat'. Pair counts: (a,t) 2, (h,e) 2, (t,h) 2, the rest 1.
    // Ties go to the smallest ids (<unk> is 0, byte b is b + 1): 'a t' first, then 'h e', then 't he' (2), then
    // every pair occurs once, below minFrequency 2.
    const tok = BPETokenizer.train(['the cat', 'the hat'], { vocabSize: 300, specialTokens: ['<unk>'] });
    expect(tok.merges).toEqual(['a t', 'h e', 't he']);
    expect(tok.vocabSize).toBe(1 + 256 + 3);
    expect(tok.idToToken(257)).toBe('at');
    expect(tok.encode('the hat')).toEqual([259, 1 + 0x20, 1 + 0x68, 257]); // 'Ġ' + 'h' never merged: (Ġ,h) occurs once
  });

  test('one long word: merges double the run each time, and encoding cuts it the same way', () => {
    // 'x' * 50000 is one pre-token: (x,x) occurs 49999 times -> 'xx' (25000 of them) -> 'xxxx' (12500) ...
    const tok = BPETokenizer.train('x'.repeat(50000), { vocabSize: 256 + 6 });
    expect(tok.merges).toEqual(['x x', 'xx xx', 'xxxx xxxx', 'x'.repeat(8) + ' ' + 'x'.repeat(8), 'x'.repeat(16) + ' ' + 'x'.repeat(16), 'x'.repeat(32) + ' ' + 'x'.repeat(32)]);
    // 50000 = 781 * 64 + 16: left to right, 781 tokens of 64 x's and one of 16.
    const ids = tok.encode('x'.repeat(50000));
    expect(ids.length).toBe(782);
    expect(ids.slice(0, 781).every((id) => id === tok.tokenToId('x'.repeat(64)))).toBe(true);
    expect(ids[781]).toBe(tok.tokenToId('x'.repeat(16)));
  });

  test('vocabSize is an upper bound and minFrequency stops merging', () => {
    const text = CORPUS.join(' ');
    expect(BPETokenizer.train(text, { vocabSize: 270 }).vocabSize).toBe(270);
    const loose = BPETokenizer.train(text, { vocabSize: 5000, minFrequency: 1 });
    const strict = BPETokenizer.train(text, { vocabSize: 5000, minFrequency: 3 });
    expect(strict.vocabSize).toBeLessThan(loose.vocabSize);
    expect(loose.vocabSize).toBeLessThan(5000); // the corpus runs out of pairs
  });

  test('the incremental trainer learns exactly what the textbook trainer learns', () => {
    const words = fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(words, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 3 }), (ws, cs, extra, minFrequency) => {
      const tokens = ['a', 'b', 'c', 'd']; // two-letter alphabets often make the same text twice ('ab'+'a', 'a'+'ba')
      const counts = cs.slice(0, ws.length);
      const fast = learnMerges({ words: ws, counts, tokens, vocabSize: 4 + extra, minFrequency });
      const slow = naiveLearnMerges(ws, counts, tokens, 4 + extra, minFrequency);
      expect(fast.merges).toEqual(slow.merges);
      expect(fast.tokens).toEqual(slow.tokens);
    }), { seed: 5, numRuns: 300 });
  });
});

describe('encoding', () => {
  test("the heap-based word merge equals GPT-2's bpe() loop, even for tables that reuse ids", () => {
    const table = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.nat()), { maxLength: 16 }).map((raw) => {
      const merges: [number, number, number][] = [];
      let size = 3;
      for (const [a, b, reuse, r] of raw) merges.push([a % size, b % size, reuse ? r % size : size++]);
      return { merges, size };
    });
    fc.assert(fc.property(table, fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 30 }), ({ merges, size }, word) => {
      expect(bpeWord(word, buildMergeTable(merges, size))).toEqual(naiveBpeWord(word, merges));
    }), { seed: 6, numRuns: 500 });
  });

  const tok = BPETokenizer.train(CORPUS, { vocabSize: 400, specialTokens: SPECIALS, minFrequency: 1 });

  test('decode(encode(s)) === s for any string, lone surrogates included', () => {
    fc.assert(fc.property(anyString, (s) => {
      const ids = tok.encode(s);
      expect(ids.every((id) => id >= SPECIALS.length && id < tok.vocabSize)).toBe(true); // no special id unless asked
      expect(tok.decode(ids)).toBe(s);
    }), { seed: 7, numRuns: 400 });
    for (const s of ['\uD800', 'a\uDC00b', '\uDBFF\uDFFF', 'x\uD83D', '\uFEFF']) expect(tok.decode(tok.encode(s))).toBe(s);
  });

  test('special tokens are recognised only when allowed', () => {
    const withSpecials = fc.string({ unit: fc.oneof(anyUnit, fc.constantFrom(...SPECIALS, '<', '>')), maxLength: 30 });
    fc.assert(fc.property(withSpecials, (s) => {
      expect(tok.decode(tok.encode(s))).toBe(s);
      expect(tok.decode(tok.encode(s, { allowedSpecial: 'all' }))).toBe(s);
    }), { seed: 8, numRuns: 300 });
    const eos = tok.eosTokenId!;
    expect(eos).toBe(2);
    expect(tok.encode('a<eos>')).not.toContain(eos);
    expect(tok.encode('a<eos>', { allowedSpecial: ['<eos>'] })).toEqual([...tok.encode('a'), eos]);
    expect(tok.encode('<pad><eos>', { allowedSpecial: ['<eos>'] })).toEqual([...tok.encode('<pad>'), eos]);
    expect(tok.decode([...tok.encode('hi'), eos], { skipSpecialTokens: true })).toBe('hi');
    expect(() => tok.encode('x', { allowedSpecial: ['<nope>'] })).toThrow(ValueError);
  });

  test('roles follow the conventional names; ids are the order given', () => {
    expect([tok.padTokenId, tok.bosTokenId, tok.eosTokenId, tok.unkTokenId, tok.maskTokenId]).toEqual([0, 1, 2, 3, 4]);
    expect(tok.clsTokenId).toBeUndefined();
    expect(tok.allSpecialIds).toEqual([0, 1, 2, 3, 4]);
    const custom = BPETokenizer.train('ab', { vocabSize: 258, specialTokens: ['[END]', '[BLANK]'], roles: { eos: '[END]', pad: '[BLANK]' } });
    expect([custom.eosTokenId, custom.padTokenId]).toEqual([0, 1]);
  });

  test('byte tokenizer: ids are bytes shifted past the special tokens', () => {
    const bytes = BPETokenizer.bytes({ specialTokens: ['<pad>'] });
    expect(bytes.vocabSize).toBe(257);
    expect(bytes.encode('hé')).toEqual([1 + 0x68, 1 + 0xc3, 1 + 0xa9]);
  });
});

describe('save and load', () => {
  test('a JSON round-trip gives the same tokenizer, Object.prototype names included', () => {
    const text = ('constructor __proto__ toString ' + CORPUS.join(' ')).repeat(4);
    const tok = BPETokenizer.train(text, { vocabSize: 600, specialTokens: SPECIALS });
    expect(tok.tokenToId('constructor')).toBeDefined(); // a token whose name is a property of every plain object
    const copy = tokenizerFromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(copy).toBeInstanceOf(BPETokenizer);
    expect(copy.vocabSize).toBe(tok.vocabSize);
    expect(copy.tokenToId('constructor')).toBe(tok.tokenToId('constructor'));
    expect(copy.tokenToId('hasOwnProperty')).toBeUndefined();
    expect(copy.tokenToId('Ġ__')).toBe(tok.tokenToId('Ġ__')); // '__proto__' pre-tokenises as ' __', 'proto', '__'
    expect(copy.eosTokenId).toBe(tok.eosTokenId);
    for (const s of [...CORPUS, '__proto__ constructor', 'x<eos>']) expect(copy.encode(s, { allowedSpecial: 'all' })).toEqual(tok.encode(s, { allowedSpecial: 'all' }));
    for (let id = 0; id < tok.vocabSize; id++) expect(copy.idToToken(id)).toBe(tok.idToToken(id));
  });

  test('bad input throws clear errors', () => {
    expect(() => BPETokenizer.train('abc', { vocabSize: 100 })).toThrow(/vocabSize must be an integer >= 256/);
    expect(() => BPETokenizer.train('abc', { vocabSize: 300, specialTokens: ['<a>', '<a>'] })).toThrow(/duplicate special token/);
    const tok = BPETokenizer.train('abc', { vocabSize: 300 });
    expect(() => tok.decode([tok.vocabSize])).toThrow(IndexError);
    expect(() => tokenizerFromJSON({ type: 'wordpiece' })).toThrow(/unknown tokenizer type "wordpiece"/);
    const json = tok.toJSON();
    expect(() => BPETokenizer.fromJSON({ ...json, merges: ['q z'] })).toThrow(/merge 0 'q z'/);
    const { a: _dropped, ...noA } = json.vocab;
    expect(() => BPETokenizer.fromJSON({ ...json, vocab: { ...noA, 'Ġa': 0x61 }, merges: [] })).toThrow(/lacks the token of byte 0x61/);
  });
});
