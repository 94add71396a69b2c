// A character-level tokenizer: one id per Unicode code point seen in the training text (nanoGPT's
// shakespeare_char). Characters it never saw map to the unknown token.

import { ValueError } from '@tsgrad/core';
import { TokenizerBase } from './base.js';
import type { CharTokenizerJSON, SpecialRoles, SpecialTokenJSON } from './types.js';

/** Options for `CharTokenizer.fromText`. */
export interface CharTokenizerOptions {
  /** Special tokens, given ids 0, 1, ... in this order. Include an unknown token (`<unk>`) to accept unseen characters. */
  readonly specialTokens?: readonly string[];
  /** Roles of the special tokens when their names are not the conventional ones. */
  readonly roles?: SpecialRoles;
  /** Keep only characters seen at least this often (the rest become unknown). Default 1. */
  readonly minFrequency?: number;
}

/** What a `CharTokenizer` is built from: the format of its JSON, minus the type tag. */
export interface CharTokenizerConfig {
  /** Character (one code point) -> id, special tokens excluded. */
  readonly vocab: Readonly<Record<string, number>>;
  /** Special tokens and their ids. */
  readonly specialTokens?: readonly SpecialTokenJSON[];
  /** Roles of the special tokens (inferred from their names when absent). */
  readonly roles?: SpecialRoles;
}

/**
 * Character tokenizer over code points (a surrogate pair is one character; a lone surrogate is one too).
 * Encoding a character outside the vocabulary gives `unkTokenId`, or throws if there is no unknown token.
 *
 * @example
 * const tok = CharTokenizer.fromText('hello', { specialTokens: ['<pad>', '<unk>'] });
 * tok.encode('hoi'); // [3, 5, 1]  ('e', 'h', 'l', 'o' get ids 2..5 in code-point order; 'i' is unknown)
 */
export class CharTokenizer extends TokenizerBase {
  readonly vocabSize: number;
  private readonly chars: (string | undefined)[];
  private readonly ids: Map<string, number>;

  /**
   * @param config - Vocabulary and special tokens (a saved tokenizer's JSON).
   */
  constructor(config: CharTokenizerConfig) {
    const specials = config.specialTokens ?? [];
    super(specials, config.roles ?? {});
    const entries = Object.entries(config.vocab);
    this.vocabSize = entries.length + specials.length;
    this.chars = new Array(this.vocabSize).fill(undefined);
    this.ids = new Map();
    for (const [ch, id] of entries) {
      if ([...ch].length !== 1) throw new ValueError('CharTokenizer', `vocabulary entry ${JSON.stringify(ch)} is not one character`);
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new ValueError('CharTokenizer', `character ${JSON.stringify(ch)} has id ${id}; ids must be 0..${this.vocabSize - 1} with no gaps`);
      if (this.chars[id] !== undefined || this.special.contentOf(id) !== undefined) throw new ValueError('CharTokenizer', `id ${id} is given to two tokens`);
      this.chars[id] = ch;
      this.ids.set(ch, id);
    }
    for (const s of specials) {
      if (s.id >= this.vocabSize) throw new ValueError('CharTokenizer', `special token '${s.content}' has id ${s.id}; ids must be 0..${this.vocabSize - 1}`);
    }
  }

  /**
   * Builds the vocabulary from text: special tokens first, then every character seen (at least `minFrequency`
   * times), sorted by code point.
   *
   * @example
   * CharTokenizer.fromText(['ba', 'c']).encode('abc'); // [0, 1, 2]
   * @param texts - A text or texts.
   * @param opts - `specialTokens`, `roles`, `minFrequency`.
   * @returns The tokenizer.
   */
  static fromText(texts: string | Iterable<string>, opts: CharTokenizerOptions = {}): CharTokenizer {
    const specials = opts.specialTokens ?? [];
    const minFrequency = opts.minFrequency ?? 1;
    const counts = new Map<string, number>();
    for (const text of typeof texts === 'string' ? [texts] : texts) {
      for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    const chars = [...counts].filter(([, c]) => c >= minFrequency).map(([ch]) => ch);
    chars.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
    const vocab = Object.fromEntries(chars.map((ch, i) => [ch, specials.length + i] as const));
    return new CharTokenizer({ vocab, specialTokens: specials.map((content, id) => ({ content, id })), roles: opts.roles ?? {} });
  }

  /**
   * A tokenizer from `toJSON` output.
   *
   * @example
   * const a = CharTokenizer.fromText('abc');
   * CharTokenizer.fromJSON(JSON.parse(JSON.stringify(a))).encode('cab'); // [2, 0, 1]
   * @param json - The saved form.
   * @returns An equal tokenizer.
   */
  static fromJSON(json: CharTokenizerJSON): CharTokenizer {
    if (!json || json.type !== 'char' || typeof json.vocab !== 'object') {
      throw new ValueError('CharTokenizer.fromJSON', 'expected { type: "char", vocab, specialTokens, roles }');
    }
    return new CharTokenizer({ vocab: json.vocab, specialTokens: json.specialTokens ?? [], roles: json.roles ?? {} });
  }

  protected encodeOrdinary(text: string, out: number[]): void {
    const unk = this.unkTokenId;
    for (const ch of text) {
      const id = this.ids.get(ch) ?? unk;
      if (id === undefined) {
        throw new ValueError('CharTokenizer.encode', `character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary and there is no unknown token`, {}, "build the tokenizer with specialTokens: ['<unk>', ...]");
      }
      out.push(id);
    }
  }

  protected decodeOrdinary(ids: readonly number[]): string {
    let s = '';
    for (const id of ids) s += this.chars[id]!;
    return s;
  }

  /**
   * The id of a special token or a character.
   * @param token - A special token or one character.
   * @returns Its id, or undefined.
   */
  tokenToId(token: string): number | undefined {
    return this.special.idOf(token) ?? this.ids.get(token);
  }

  /**
   * The special token or character of an id.
   * @param id - An id.
   * @returns Its token, or undefined when out of range.
   */
  idToToken(id: number): string | undefined {
    return this.special.contentOf(id) ?? this.chars[id];
  }

  /**
   * The saved form: vocabulary and special tokens.
   * @returns A JSON-safe object ({@link tokenizerFromJSON} reads it back).
   */
  toJSON(): CharTokenizerJSON {
    return { type: 'char', version: 1, vocab: Object.fromEntries(this.ids), specialTokens: this.special.toJSON(), roles: { ...this.special.roles } };
  }
}
