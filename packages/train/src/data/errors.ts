// The error the data helpers throw on bad input: a `ValueError` that names the file (or source), the line
// and what was expected, so a broken dataset is fixed in one look.

import { ValueError } from '@tsgrad/core';

/** Where a data problem is: a file path or source name, and a 1-based line number when there is one. */
export interface DataErrorLocation {
  /** The file path or source name. */
  readonly source?: string;
  /** The 1-based line. */
  readonly line?: number;
  /** What to do about it. */
  readonly hint?: string;
}

/**
 * Bad input data: a missing file, a malformed line, a missing field, an empty dataset. The message reads
 * `op: file:line: reason`, then the hint.
 *
 * @example
 * const e = new DataError('loadJsonl', 'missing field "label"', { source: 'train.jsonl', line: 3 });
 * e.message; // 'loadJsonl: train.jsonl:3: missing field "label"'
 * e instanceof ValueError; // true
 */
export class DataError extends ValueError {
  override name = 'DataError';
  /** The file or source name, if known. */
  readonly source: string | undefined;
  /** The 1-based line, if known. */
  readonly line: number | undefined;

  /**
   * @param op - The function that failed.
   * @param reason - What is wrong.
   * @param where - The file and line, and a hint.
   */
  constructor(op: string, reason: string, where: DataErrorLocation = {}) {
    const { source, line } = where;
    const prefix = source === undefined ? (line === undefined ? '' : `line ${line}: `) : line === undefined ? `${source}: ` : `${source}:${line}: `;
    super(op, prefix + reason, {}, where.hint);
    this.source = where.source;
    this.line = where.line;
  }
}
