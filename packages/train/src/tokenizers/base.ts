// The shared half of every tokenizer: special-token handling in encode/decode, id checks and the
// role getters. Subclasses supply how ordinary text becomes ids and back.

import { IndexError } from '@tsgrad/core';
import { SpecialTokenSet } from './special-tokens.js';
import type { DecodeOptions, EncodeOptions, SpecialRoles, SpecialTokenJSON, Tokenizer, TokenizerJSON } from './types.js';

/**
 * Base class of the tsgrad tokenizers. Subclasses implement `encodeOrdinary`, `decodeOrdinary`,
 * `vocabSize`, `tokenToId`, `idToToken` and `toJSON`.
 *
 * @example
 * import { CharTokenizer } from '@tsgrad/train';
 * const tok = CharTokenizer.fromText('ab', { specialTokens: ['<eos>'] });
 * tok instanceof TokenizerBase; // true
 * tok.encode('ab<eos>', { allowedSpecial: 'all' }); // [1, 2, 0]
 */
export abstract class TokenizerBase implements Tokenizer {
  protected readonly special: SpecialTokenSet;

  protected constructor(specialTokens: readonly SpecialTokenJSON[], roles: SpecialRoles) {
    this.special = new SpecialTokenSet(specialTokens, roles);
  }

  abstract readonly vocabSize: number;
  /** Appends the ids of `text`, which holds no special token to recognise. */
  protected abstract encodeOrdinary(text: string, out: number[]): void;
  /** The text of a run of ordinary (non-special) ids. */
  protected abstract decodeOrdinary(ids: readonly number[]): string;
  abstract tokenToId(token: string): number | undefined;
  abstract idToToken(id: number): string | undefined;
  abstract toJSON(): TokenizerJSON;

  /** Text to ids; special tokens in the text are recognised only if `allowedSpecial` names them. */
  encode(text: string, opts: EncodeOptions = {}): number[] {
    const out: number[] = [];
    for (const piece of this.special.split(text, opts.allowedSpecial)) {
      if ('id' in piece) out.push(piece.id);
      else this.encodeOrdinary(piece.text, out);
    }
    return out;
  }

  /** Ids to text; special tokens give their text unless `skipSpecialTokens`. */
  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    let text = '';
    let run: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new IndexError('decode', `id ${id} at position ${i} is outside the vocabulary [0, ${this.vocabSize})`);
      }
      const content = this.special.contentOf(id);
      if (content === undefined) {
        run.push(id);
        continue;
      }
      if (run.length > 0) text += this.decodeOrdinary(run);
      run = [];
      if (!opts.skipSpecialTokens) text += content;
    }
    if (run.length > 0) text += this.decodeOrdinary(run);
    return text;
  }

  get padTokenId(): number | undefined { return this.special.roleId('pad'); }
  get bosTokenId(): number | undefined { return this.special.roleId('bos'); }
  get eosTokenId(): number | undefined { return this.special.roleId('eos'); }
  get unkTokenId(): number | undefined { return this.special.roleId('unk'); }
  get maskTokenId(): number | undefined { return this.special.roleId('mask'); }
  get clsTokenId(): number | undefined { return this.special.roleId('cls'); }
  get sepTokenId(): number | undefined { return this.special.roleId('sep'); }
  get allSpecialIds(): readonly number[] { return this.special.ids(); }
}
