// CSV parsing (RFC 4180): quoted fields with embedded commas, quotes ("") and newlines; CRLF, LF or CR rows.
// Pure string work, so it runs in browsers; `loadCsv` in node/files.ts reads the file.

import { DataError } from './errors.js';

/** A parsed CSV row and the 1-based line it starts on. */
export interface CsvRow {
  /** The fields, unquoted. */
  readonly fields: string[];
  /** The 1-based line the row starts on. */
  readonly line: number;
}

/** Options for `parseCsv`. */
export interface CsvOptions {
  /** Field separator, one character. Default ','. */
  readonly delimiter?: string;
  /** File name for error messages. */
  readonly source?: string;
}

/**
 * Parses CSV text into rows with their starting line numbers. Blank lines are skipped; a leading BOM is
 * dropped. Throws `DataError` (with the line) for an unterminated quoted field or text after a closing quote;
 * `op` is the function name the error shows.
 *
 * @example
 * parseCsvRows('a,"b,c"\n"say ""hi""",2').map((r) => r.fields); // [['a', 'b,c'], ['say "hi"', '2']]
 * @param text - The CSV text.
 * @param opts - `delimiter`, `source`.
 * @param op - Function name for errors.
 * @returns The rows.
 */
export function parseCsvRows(text: string, opts: CsvOptions = {}, op = 'parseCsv'): CsvRow[] {
  const delim = opts.delimiter ?? ',';
  if (delim.length !== 1 || delim === '"' || delim === '\n' || delim === '\r') {
    throw new DataError(op, `delimiter must be one character other than a quote or newline, got ${JSON.stringify(delim)}`, { source: opts.source });
  }
  const rows: CsvRow[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const rowLine = line;
    const fields: string[] = [];
    let atRowEnd = false;
    let quotedEmpty = false; // a row holding just "" is one empty field, not a blank line
    while (!atRowEnd) {
      let field = '';
      if (text[i] === '"') {
        quotedEmpty = true;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new DataError(op, 'unterminated quoted field (a " opened here is never closed)', { source: opts.source, line: quoteLine });
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
          field += c;
          i++;
        }
        const after = text[i];
        if (after !== undefined && after !== delim && after !== '\n' && after !== '\r') {
          throw new DataError(op, `unexpected ${JSON.stringify(after)} after a closing quote`, { source: opts.source, line, hint: 'inside a quoted field write a quote as ""' });
        }
      } else {
        const start = i;
        while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(start, i);
      }
      fields.push(field);
      if (i < n && text[i] === delim) { i++; continue; }
      atRowEnd = true;
      if (text[i] === '\r') { i++; if (text[i] === '\n') i++; }
      else if (text[i] === '\n') i++;
      line++;
    }
    if (!(fields.length === 1 && fields[0] === '' && !quotedEmpty)) rows.push({ fields, line: rowLine }); // skip blank lines
  }
  return rows;
}

/**
 * Parses CSV text into rows of fields.
 *
 * @example
 * parseCsv('text,label\n"good, really",1\n'); // [['text', 'label'], ['good, really', '1']]
 * @param text - The CSV text.
 * @param opts - `delimiter`, `source`.
 * @returns The rows as arrays of fields.
 */
export function parseCsv(text: string, opts: CsvOptions = {}): string[][] {
  return parseCsvRows(text, opts).map((r) => r.fields);
}
