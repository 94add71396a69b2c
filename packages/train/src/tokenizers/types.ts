// The one small interface every tokenizer implements, so the trainer and the data helpers can take
// any of them (byte-level BPE, GPT-2's BPE, characters), and the JSON shapes they save to.

/** The roles a special token can play (Hugging Face's `pad_token`, `bos_token`, ...). */
export type SpecialRole = 'pad' | 'bos' | 'eos' | 'unk' | 'mask' | 'cls' | 'sep';

/** Which special token string plays which role, e.g. `{ pad: '<pad>', eos: '<eos>' }`. */
export type SpecialRoles = Partial<Record<SpecialRole, string>>;

/** Options for `encode`. */
export interface EncodeOptions {
  /**
   * Special tokens recognised in the text: `'all'`, or a list of their strings. By default none is:
   * `"<eos>"` in user text is then encoded as ordinary characters, so text cannot inject control tokens
   * (tiktoken's `allowed_special`).
   */
  allowedSpecial?: 'all' | readonly string[];
}

/** Options for `decode`. */
export interface DecodeOptions {
  /** Leave special tokens out of the text (Hugging Face's `skip_special_tokens`). Default false. */
  skipSpecialTokens?: boolean;
}

/**
 * What every tsgrad tokenizer offers. Ids are the integers `0 .. vocabSize - 1`.
 *
 * @example
 * import { CharTokenizer, type Tokenizer } from '@tsgrad/train';
 * const tok: Tokenizer = CharTokenizer.fromText('abc', { specialTokens: ['<pad>', '<unk>'] });
 * tok.decode(tok.encode('cab')); // 'cab'
 * tok.padTokenId; // 0
 */
export interface Tokenizer {
  /** Number of ids, special tokens included. */
  readonly vocabSize: number;
  /**
   * Text to ids.
   * @param text - The text.
   * @param opts - `allowedSpecial`: special tokens to recognise in the text.
   * @returns The ids.
   */
  encode(text: string, opts?: EncodeOptions): number[];
  /**
   * Ids to text. Throws `IndexError` for an id outside the vocabulary.
   * @param ids - Token ids (an array, TypedArray or `tensor.dataSync()`).
   * @param opts - `skipSpecialTokens`.
   * @returns The text.
   */
  decode(ids: ArrayLike<number>, opts?: DecodeOptions): string;
  /**
   * The id of a token string (a special token or a vocabulary entry), or undefined.
   * @param token - A token string.
   * @returns Its id, or undefined.
   */
  tokenToId(token: string): number | undefined;
  /**
   * The token string of an id, or undefined when out of range.
   * @param id - An id.
   * @returns Its token string, or undefined.
   */
  idToToken(id: number): string | undefined;
  /** Id of the padding token, if the tokenizer has one. */
  readonly padTokenId: number | undefined;
  /** Id of the beginning-of-sequence token, if any. */
  readonly bosTokenId: number | undefined;
  /** Id of the end-of-sequence token, if any. */
  readonly eosTokenId: number | undefined;
  /** Id of the unknown token, if any. */
  readonly unkTokenId: number | undefined;
  /** Id of the mask token (masked-LM pretraining), if any. */
  readonly maskTokenId: number | undefined;
  /** Id of the classification token, if any. */
  readonly clsTokenId: number | undefined;
  /** Id of the separator token, if any. */
  readonly sepTokenId: number | undefined;
  /** Ids of every special token, ascending (Hugging Face's `all_special_ids`). */
  readonly allSpecialIds: readonly number[];
  /**
   * A JSON-safe object that `tokenizerFromJSON` turns back into an equal tokenizer.
   * @returns The saved form (JSON.stringify it).
   */
  toJSON(): TokenizerJSON;
}

/** A special token as saved: its text and id. */
export interface SpecialTokenJSON {
  /** The token's text. */
  readonly content: string;
  /** Its id. */
  readonly id: number;
}

/** The saved form of a byte-level BPE tokenizer (also GPT-2's). */
export interface BPETokenizerJSON {
  /** Always `'bpe'`. */
  readonly type: 'bpe';
  /** Format version. */
  readonly version: 1;
  /** Token string (in GPT-2's byte-to-unicode alphabet) to id, special tokens excluded. */
  readonly vocab: Readonly<Record<string, number>>;
  /** Merges in rank order, each `"left right"` in the byte-to-unicode alphabet (GPT-2's `vocab.bpe`). */
  readonly merges: readonly string[];
  /** The special tokens and their ids. */
  readonly specialTokens: readonly SpecialTokenJSON[];
  /** Which special token plays which role. */
  readonly roles: SpecialRoles;
}

/** The saved form of a character tokenizer. */
export interface CharTokenizerJSON {
  /** Always `'char'`. */
  readonly type: 'char';
  /** Format version. */
  readonly version: 1;
  /** Character (one code point) to id, special tokens excluded. */
  readonly vocab: Readonly<Record<string, number>>;
  /** The special tokens and their ids. */
  readonly specialTokens: readonly SpecialTokenJSON[];
  /** Which special token plays which role. */
  readonly roles: SpecialRoles;
}

/** Any saved tokenizer. */
export type TokenizerJSON = BPETokenizerJSON | CharTokenizerJSON;
