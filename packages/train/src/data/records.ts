// Turning parsed files into examples: JSONL lines and CSV rows to `{ text, label }`, with errors that
// name the line and the missing field, and labels (strings or numbers) to class ids.

import { parseCsvRows, type CsvOptions } from './csv.js';
import { DataError } from './errors.js';
import type { LabelledText } from './split.js';

/** A parsed JSONL record and its 1-based line. */
export interface JsonlRecord {
  /** The parsed JSON value. */
  readonly value: unknown;
  /** Its 1-based line. */
  readonly line: number;
}

/**
 * Parses JSON Lines: one JSON value per line, blank lines skipped. A malformed line throws `DataError` with
 * its line number; `op` is the function name the error shows.
 *
 * @example
 * parseJsonl('{"a": 1}\n\n{"a": 2}\n').map((r) => r.line); // [1, 3]
 * @param text - The JSONL text.
 * @param source - File name for errors.
 * @param op - Function name for errors.
 * @returns The records.
 */
export function parseJsonl(text: string, source?: string, op = 'parseJsonl'): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const s = i === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (s.trim() === '') return;
    try {
      out.push({ value: JSON.parse(s), line: i + 1 });
    } catch (err) {
      throw new DataError(op, `malformed JSON (${(err as Error).message})`, { source, line: i + 1, hint: 'each line must be one JSON value, e.g. {"text": "...", "label": 1}' });
    }
  });
  return out;
}

/** Field names for classification records. */
export interface ExampleFields {
  /** Default 'text'. */
  readonly textField?: string;
  /** Default 'label'. */
  readonly labelField?: string;
  /** File name for error messages. */
  readonly source?: string;
}

function checkLabel(op: string, label: unknown, field: string, where: { source?: string; line: number }): string | number {
  if (typeof label === 'string' || (typeof label === 'number' && Number.isFinite(label))) return label;
  const got = label === undefined ? 'it is missing' : `got ${JSON.stringify(label)}`;
  throw new DataError(op, `field "${field}" must be a string or a number; ${got}`, where);
}

/**
 * JSONL records to `{ text, label }` examples. Throws `DataError` naming the line for a record that is not an
 * object, lacks a string text field or lacks a label, and for an empty dataset.
 *
 * @example
 * jsonlToExamples('{"text": "good", "label": 1}\n{"text": "bad", "label": 0}'); // [{ text: 'good', label: 1 }, { text: 'bad', label: 0 }]
 * @param text - The JSONL text.
 * @param opts - Field names and `source`.
 * @param op - Function name for errors.
 * @returns The examples.
 */
export function jsonlToExamples(text: string, opts: ExampleFields = {}, op = 'jsonlToExamples'): LabelledText<string | number>[] {
  const { textField = 'text', labelField = 'label', source } = opts;
  const out = parseJsonl(text, source, op).map(({ value, line }) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataError(op, `expected a JSON object with "${textField}" and "${labelField}", got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`, { source, line });
    }
    const rec = value as Record<string, unknown>;
    const t = rec[textField];
    if (typeof t !== 'string') throw new DataError(op, `field "${textField}" must be a string; ${t === undefined ? 'it is missing' : `got ${JSON.stringify(t)}`}`, { source, line });
    return { text: t, label: checkLabel(op, rec[labelField], labelField, { source, line }) };
  });
  if (out.length === 0) throw new DataError(op, 'no examples (the file is empty)', { source });
  return out;
}

/**
 * CSV text to `{ text, label }` examples. The first row is the header; columns are found by name. Every row
 * must have as many fields as the header.
 *
 * @example
 * csvToExamples('text,label\n"great, really",pos\nmeh,neg\n'); // [{ text: 'great, really', label: 'pos' }, { text: 'meh', label: 'neg' }]
 * @param text - The CSV text.
 * @param opts - Field names, `delimiter`, `source`.
 * @param op - Function name for errors.
 * @returns The examples.
 */
export function csvToExamples(text: string, opts: ExampleFields & CsvOptions = {}, op = 'csvToExamples'): LabelledText<string>[] {
  const { textField = 'text', labelField = 'label', source } = opts;
  const [header, ...rows] = parseCsvRows(text, opts, op);
  if (!header) throw new DataError(op, 'no header row (the file is empty)', { source });
  const ti = header.fields.indexOf(textField), li = header.fields.indexOf(labelField);
  for (const [name, idx] of [[textField, ti], [labelField, li]] as const) {
    if (idx < 0) throw new DataError(op, `no column "${name}" in the header [${header.fields.join(', ')}]`, { source, line: header.line, hint: 'pass textField/labelField to name the columns' });
  }
  if (rows.length === 0) throw new DataError(op, 'no examples (only a header)', { source });
  return rows.map(({ fields, line }) => {
    if (fields.length !== header.fields.length) {
      throw new DataError(op, `expected ${header.fields.length} fields like the header, got ${fields.length}`, { source, line, hint: 'quote fields that contain the delimiter' });
    }
    return { text: fields[ti]!, label: fields[li]! };
  });
}

/** Examples with class ids, and the name of each id. */
export interface ClassLabels {
  /** The examples with class ids. */
  readonly examples: LabelledText<number>[];
  /** `classNames[id]` is the original label. */
  readonly classNames: string[];
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * Integer labels must be consecutive and not negative (0..k-1 or 1..k, as star ratings are): a
 * stray 7 in a 0/1 file, or a -1, is a mistake that would otherwise become a class of its own.
 */
function checkNumericLabels(examples: readonly LabelledText<string | number>[], sorted: readonly string[]): void {
  const values = sorted.map(Number);
  const bad = values.find((v) => v < 0) ?? values.find((v, i) => i > 0 && v !== values[i - 1]! + 1);
  if (bad === undefined || values[0]! > 1) {
    if (values[0]! > 1) throw new DataError('labelsToIds', `integer labels must start at 0 or 1, found [${sorted.join(', ')}]`, { hint: 'renumber the classes, or use string labels' });
    return;
  }
  const at = examples.findIndex((x) => Number(x.label) === bad);
  throw new DataError('labelsToIds', `example ${at} has label ${bad}: integer labels must be consecutive and not negative (0..k-1 or 1..k), found [${sorted.join(', ')}]`,
    { hint: 'fix that example, or use string labels if the numbers are names' });
}

/**
 * Maps labels to class ids `0..k-1`. Labels that are all integers (or strings of them, as CSV gives) are
 * ordered numerically, so labels 0/1 keep their values, and must be consecutive from 0 or 1 (a stray
 * 7 or -1 among 0/1 labels is an error, not a third class); other labels are ordered as strings. Pass
 * `classNames` to fix the mapping (e.g. to reuse the training set's on the test set).
 *
 * @example
 * labelsToIds([{ text: 'a', label: 'pos' }, { text: 'b', label: 'neg' }]).examples; // [{ text: 'a', label: 1 }, { text: 'b', label: 0 }]
 * @param examples - Examples with string or number labels.
 * @param classNames - A fixed mapping (`classNames[id]`), e.g. the training set's.
 * @returns The examples with ids, and the class names.
 */
export function labelsToIds(examples: readonly LabelledText<string | number>[], classNames?: readonly string[]): ClassLabels {
  let names = classNames ? [...classNames] : [...new Set(examples.map((x) => String(x.label)))];
  if (!classNames) {
    const numeric = names.every((s) => INTEGER.test(s));
    names = numeric ? names.sort((a, b) => Number(a) - Number(b)) : names.sort();
    if (numeric) checkNumericLabels(examples, names);
  }
  const ids = new Map(names.map((s, i) => [s, i]));
  const out = examples.map((x, i) => {
    const id = ids.get(String(x.label));
    if (id === undefined) throw new DataError('labelsToIds', `example ${i} has label ${JSON.stringify(x.label)}, which is not one of [${names.join(', ')}]`);
    return { text: x.text, label: id };
  });
  return { examples: out, classNames: names };
}
