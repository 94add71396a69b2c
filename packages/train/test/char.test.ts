// Character tokenizer: code-point vocabulary, unknown characters, special tokens, save/load.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ValueError } from '@tsgrad/core';
import { CharTokenizer, tokenizerFromJSON } from '@tsgrad/train';
import { anyString } from './arbitraries.js';

test('ids: special tokens first, then characters by code point; unseen characters are unknown', () => {
  const tok = CharTokenizer.fromText('hello', { specialTokens: ['<pad>', '<unk>'] });
  expect(tok.vocabSize).toBe(6);
  expect(tok.encode('hole')).toEqual([3, 5, 4, 2]); // e 2, h 3, l 4, o 5
  expect(tok.encode('hi!')).toEqual([3, 1, 1]);
  expect(tok.decode([3, 2, 4, 4, 5])).toBe('hello');
  expect(tok.idToToken(1)).toBe('<unk>');
  expect(tok.tokenToId('o')).toBe(5);
});

test('a surrogate pair is one character, a lone surrogate is one too', () => {
  const tok = CharTokenizer.fromText('a🤗\uD800');
  expect(tok.vocabSize).toBe(3);
  expect(tok.encode('🤗a\uD800')).toEqual([2, 0, 1]); // 'a' U+61, lone U+D800, then U+1F917
});

test('round-trips every string made of its own characters, and survives JSON', () => {
  fc.assert(fc.property(anyString, (s) => {
    const tok = CharTokenizer.fromText(s, { specialTokens: ['<eos>'] });
    const copy = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
    expect(copy.decode(copy.encode(s))).toBe(s);
    expect(copy.encode(s)).toEqual(tok.encode(s));
  }), { seed: 10, numRuns: 200 });
});

test('special tokens only when allowed; minFrequency; no unknown token means an error', () => {
  const tok = CharTokenizer.fromText('aab<', { specialTokens: ['<eos>', '<unk>'], minFrequency: 2 });
  expect(tok.encode('ab')).toEqual([2, 1]); // only 'a' is frequent enough
  expect(tok.encode('a<eos>')).toEqual([2, 1, 1, 1, 1, 1]);
  expect(tok.encode('a<eos>', { allowedSpecial: 'all' })).toEqual([2, 0]);
  const strict = CharTokenizer.fromText('ab');
  expect(() => strict.encode('abc')).toThrow(ValueError);
  expect(() => strict.encode('abc')).toThrow(/character "c" \(U\+0063\) is not in the vocabulary/);
});
