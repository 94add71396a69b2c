// Loading any saved tokenizer: dispatches on the `type` tag that every `toJSON` writes.

import { ValueError } from '@tsgrad/core';
import { BPETokenizer } from './bpe.js';
import { CharTokenizer } from './char.js';
import type { Tokenizer, TokenizerJSON } from './types.js';

/**
 * Rebuilds a tokenizer from `toJSON` output (or the parsed text of a saved file), whatever its kind.
 *
 * @example
 * const tok = CharTokenizer.fromText('abc', { specialTokens: ['<unk>'] });
 * const copy = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
 * copy.encode('cx'); // [3, 0]
 * @param json - A saved tokenizer (parsed JSON).
 * @returns A BPETokenizer or CharTokenizer.
 */
export function tokenizerFromJSON(json: unknown): Tokenizer {
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type === 'bpe') return BPETokenizer.fromJSON(json as TokenizerJSON & { type: 'bpe' });
  if (type === 'char') return CharTokenizer.fromJSON(json as TokenizerJSON & { type: 'char' });
  throw new ValueError('tokenizerFromJSON', `unknown tokenizer type ${JSON.stringify(type)}`, {}, "expected the output of a tokenizer's toJSON(), with type 'bpe' or 'char'");
}
