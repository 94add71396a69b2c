// Parallel text for the translation recipe: the Bible in two languages (SWORD modules), split by
// book, or a user's TSV of sentence pairs.

import { readFileSync } from 'node:fs';
import { Generator } from '@tsgrad/core';
import { DataError } from '../data/errors.js';
import { alignVerses, readZText, swordModuleDir, type VersePair } from './sword.js';

/** A sentence pair. */
export interface SentencePair {
  /** Source sentence. */
  src: string;
  /** Target sentence. */
  tgt: string;
  /** Where it comes from (a book id for the Bible, 'tsv' for a file). */
  group?: string;
}

/** Training, validation and test pairs. */
export interface ParallelSplits {
  /** Training pairs. */
  train: SentencePair[];
  /** Validation pairs (choices are made on these). */
  validation: SentencePair[];
  /** Test pairs (read once per chosen configuration). */
  test: SentencePair[];
}

/**
 * The held-out books: no verse of these is trained on. Validation and test books are short,
 * mostly narrative or letters, from both testaments, and none is a synoptic gospel (whose parallel
 * passages would be seen in training).
 * @example BIBLE_SPLIT.test.includes('Ruth'); // true
 */
export const BIBLE_SPLIT = {
  /** Validation: Joel, Habakkuk, Colossians, 1 Peter (329 verses). */
  validation: ['Joel', 'Hab', 'Col', '1Pet'],
  /** Test: Ruth, Esther, Jonah, Philippians, James (512 verses). */
  test: ['Ruth', 'Esth', 'Jonah', 'Phil', 'Jas'],
} as const;

/**
 * English-Spanish verse pairs: the King James Version and the Reina-Valera 1909 (both public
 * domain), read from the installed SWORD modules (Debian: `apt install sword-text-kjv sword-text-sparv`).
 * @param opts - SWORD `root` (default /usr/share/sword) and module names.
 * @returns About 31,000 aligned verses, each grouped by its book.
 * @example
 * loadBibleParallel({ root: 'no-sword-here' }); // throws DataError
 */
export function loadBibleParallel(opts: { root?: string; source?: string; target?: string } = {}): SentencePair[] {
  const dir = (name: string) => swordModuleDir(name, opts.root);
  const pairs: VersePair[] = alignVerses(readZText(dir(opts.source ?? 'engKJV2006eb')), readZText(dir(opts.target ?? 'spaRV1909eb')));
  return pairs.map((p) => ({ src: p.src, tgt: p.tgt, group: p.book }));
}

/**
 * Sentence pairs from a TSV file: one `source<TAB>target` per line (blank lines skipped).
 * @param path - The file.
 * @returns The pairs.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('pairs.tsv', 'the house\tla casa\nthe book\tel libro\n');
 * loadPairsTsv('pairs.tsv')[1]!.tgt; // 'el libro'
 */
export function loadPairsTsv(path: string): SentencePair[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const out: SentencePair[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const cols = line.split('\t');
    if (cols.length !== 2 || !cols[0]!.trim() || !cols[1]!.trim()) {
      throw new DataError('loadPairsTsv', `expected 'source<TAB>target', got ${cols.length} column(s)`, { source: path, line: i + 1 });
    }
    out.push({ src: cols[0]!.trim(), tgt: cols[1]!.trim(), group: 'tsv' });
  });
  if (out.length === 0) throw new DataError('loadPairsTsv', 'no sentence pairs', { source: path });
  return out;
}

/**
 * Splits pairs by group: the Bible's by book ({@link BIBLE_SPLIT}); pairs without a listed group
 * (a TSV) go 90/5/5 in file order, every 20th pair to validation and the next to test.
 * @param pairs - The pairs.
 * @param split - Validation and test groups.
 * @returns The three splits.
 * @example
 * const s = splitPairs([{ src: 'a', tgt: 'b', group: 'Ruth' }, { src: 'c', tgt: 'd', group: 'Gen' }]);
 * [s.train.length, s.test.length]; // [1, 1]
 */
export function splitPairs(pairs: readonly SentencePair[], split: { validation: readonly string[]; test: readonly string[] } = BIBLE_SPLIT): ParallelSplits {
  const out: ParallelSplits = { train: [], validation: [], test: [] };
  const byGroup = pairs.some((p) => p.group && (split.validation.includes(p.group) || split.test.includes(p.group)));
  pairs.forEach((p, i) => {
    if (byGroup) (split.test.includes(p.group ?? '') ? out.test : split.validation.includes(p.group ?? '') ? out.validation : out.train).push(p);
    else (i % 20 === 18 ? out.validation : i % 20 === 19 ? out.test : out.train).push(p);
  });
  return out;
}

/**
 * A seeded random subset of pairs (Fisher-Yates on a seeded generator), for the learning curve
 * at 1k, 5k, ... pairs; all of them when `n` is 0 or at least their number.
 * @param pairs - The pairs.
 * @param n - How many (0: all).
 * @param seed - The shuffle's seed.
 * @returns The subset, in shuffled order.
 * @example
 * samplePairs([{ src: 'a', tgt: 'b' }, { src: 'c', tgt: 'd' }], 1, 0).length; // 1
 */
export function samplePairs<T>(pairs: readonly T[], n: number, seed = 0): T[] {
  if (n <= 0 || n >= pairs.length) return [...pairs];
  const g = new Generator(seed);
  const idx = pairs.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, n).map((i) => pairs[i]!);
}
