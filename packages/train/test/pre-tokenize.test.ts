// GPT-2 pre-tokenisation: the documented splits, and no text lost on any input.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { preTokenize } from '@tsgrad/train';
import { anyString } from './arbitraries.js';

test('splits like GPT-2: leading space on words, contractions, numbers, punctuation runs, whitespace', () => {
  expect(preTokenize("Hello  world's")).toEqual(['Hello', ' ', ' world', "'s"]); // the space before a word stays with it
  expect(preTokenize('In 1790, we met!!')).toEqual(['In', ' 1790', ',', ' we', ' met', '!!']);
  // `\s+(?!\S)` leaves the last whitespace before a word to the next alternative, which here is `\s+`:
  expect(preTokenize("they're ok\n\nnext")).toEqual(['they', "'re", ' ok', '\n', '\n', 'next']);
  expect(preTokenize('a\n\n b')).toEqual(['a', '\n\n', ' b']);
  expect(preTokenize('end  ')).toEqual(['end', '  ']);
  expect(preTokenize('')).toEqual([]);
});

test('the pieces concatenate back to the input for any string', () => {
  fc.assert(fc.property(anyString, (s) => preTokenize(s).join('') === s), { seed: 4, numRuns: 500 });
});
