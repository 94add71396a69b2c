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
 * @param path - The file.
 * @param op - Function name for errors.
 * @returns Its text.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('corpus.txt', 'hello\n');
 * readTextFile('corpus.txt'); // 'hello\n'
 * readTextFile('missing.txt'); // throws DataError: readTextFile: missing.txt: no such file...
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
 * @param path - The file.
 * @returns Its text.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('my-corpus.txt', 'to be or not to be');
 * const text = loadText('my-corpus.txt');
 * const tok = CharTokenizer.fromText(text, { specialTokens: ['<eos>'] });
 * const stream = packSequences([tok.encode(text)], { eosId: tok.eosTokenId! });
 * stream.length; // 19
 */
export function loadText(path: string): string {
  const text = readTextFile(path, 'loadText');
  if (text.length === 0) throw new DataError('loadText', 'the file is empty', { source: path });
  return text;
}

/**
 * A JSON Lines file as parsed values with their line numbers.
 *
 * @param path - The file.
 * @returns The records.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('data.jsonl', '{"text": "fine", "label": 1}\n');
 * readJsonl('data.jsonl')[0]; // { value: { text: 'fine', label: 1 }, line: 1 }
 */
export function readJsonl(path: string): JsonlRecord[] {
  return parseJsonl(readTextFile(path, 'readJsonl'), path, 'readJsonl');
}

/**
 * A JSONL classification file: one `{"text": ..., "label": ...}` object per line (field names configurable).
 * Malformed lines and missing fields throw `DataError` with file and line; so does an empty file.
 *
 * @param path - The file.
 * @param opts - `textField`, `labelField`.
 * @returns The examples.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('reviews.jsonl', '{"text": "great", "label": "pos"}\n{"text": "awful", "label": "neg"}\n');
 * const { examples, classNames } = labelsToIds(loadJsonl('reviews.jsonl'));
 * classNames; // ['neg', 'pos']
 * examples[0]!.label; // 1
 */
export function loadJsonl(path: string, opts: Omit<ExampleFields, 'source'> = {}): LabelledText<string | number>[] {
  return jsonlToExamples(readTextFile(path, 'loadJsonl'), { ...opts, source: path }, 'loadJsonl');
}

/**
 * A CSV classification file with a header row naming the text and label columns (quoted fields may hold
 * commas, quotes and newlines).
 *
 * @param path - The file.
 * @param opts - `textField`, `labelField`, `delimiter`.
 * @returns The examples.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('reviews.csv', 'review,stars\n"good, really",5\n');
 * loadCsv('reviews.csv', { textField: 'review', labelField: 'stars' }); // [{ text: 'good, really', label: '5' }]
 */
export function loadCsv(path: string, opts: Omit<ExampleFields & CsvOptions, 'source'> = {}): LabelledText<string>[] {
  return csvToExamples(readTextFile(path, 'loadCsv'), { ...opts, source: path }, 'loadCsv');
}
