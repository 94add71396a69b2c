// Node-only: reading the user's own data files (JSONL, CSV, plain text) with errors that name the file and
// line. The parsing itself lives in the browser-safe csv.ts and records.ts.

import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import type { CsvOptions } from '../csv.js';
import { jsonlToExamples, parseJsonl, csvToExamples, type ExampleFields, type JsonlRecord } from '../records.js';
import type { LabelledText } from '../split.js';

/**
 * Reads a UTF-8 file; a missing or unreadable file throws `DataError` naming it.
 *
 * @example
 * const text = readTextFile('corpus.txt');
 */
export function readTextFile(path: string, op = 'readTextFile'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot read the file (${(err as Error).message})`;
    throw new DataError(op, reason, { source: path });
  }
}

/**
 * A plain-text file as one string (for language-model pretraining). An empty file throws.
 *
 * @example
 * const text = loadText('my-corpus.txt');
 * const stream = packSequences([tok.encode(text)], { eosId: tok.eosTokenId! });
 */
export function loadText(path: string): string {
  const text = readTextFile(path, 'loadText');
  if (text.length === 0) throw new DataError('loadText', 'the file is empty', { source: path });
  return text;
}

/**
 * A JSON Lines file as parsed values with their line numbers.
 *
 * @example
 * readJsonl('data.jsonl')[0]; // { value: { text: '...', label: 1 }, line: 1 }
 */
export function readJsonl(path: string): JsonlRecord[] {
  return parseJsonl(readTextFile(path, 'readJsonl'), path, 'readJsonl');
}

/**
 * A JSONL classification file: one `{"text": ..., "label": ...}` object per line (field names configurable).
 * Malformed lines and missing fields throw `DataError` with file and line; so does an empty file.
 *
 * @example
 * const { examples, classNames } = labelsToIds(loadJsonl('reviews.jsonl'));
 */
export function loadJsonl(path: string, opts: Omit<ExampleFields, 'source'> = {}): LabelledText<string | number>[] {
  return jsonlToExamples(readTextFile(path, 'loadJsonl'), { ...opts, source: path }, 'loadJsonl');
}

/**
 * A CSV classification file with a header row naming the text and label columns (quoted fields may hold
 * commas, quotes and newlines).
 *
 * @example
 * const examples = loadCsv('reviews.csv', { textField: 'review', labelField: 'stars' });
 */
export function loadCsv(path: string, opts: Omit<ExampleFields & CsvOptions, 'source'> = {}): LabelledText<string>[] {
  return csvToExamples(readTextFile(path, 'loadCsv'), { ...opts, source: path }, 'loadCsv');
}
