// A strict JSON parser for safetensors headers: RFC 8259 grammar, objects as Maps (so `__proto__`
// is an ordinary key), duplicate keys and lone surrogates rejected, nesting depth bounded.

import { SafetensorsError } from './errors.js';

/** A parsed JSON value; objects keep their keys in file order. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
/** A parsed JSON object. */
export type JsonObject = Map<string, Json>;

/** Deeper nesting than this is refused (a valid header nests three levels). */
const MAX_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `s` cut to `max` characters with an ellipsis, so a hostile header cannot blow up an error message. */
export function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}...`;
}

/** Whether `s` contains an unpaired UTF-16 surrogate (which has no UTF-8 encoding). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    const near = JSON.stringify(this.text.slice(this.pos, this.pos + 20));
    throw new SafetensorsError('parseSafetensors', `the header is not valid JSON: ${what} at character ${this.pos} (near ${near})`, {}, 'the file is corrupt or not a safetensors file');
  }

  skipSpace(): void {
    const t = this.text;
    let c = t.charCodeAt(this.pos);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = t.charCodeAt(++this.pos);
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  value(depth: number): Json {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(c === undefined ? 'unexpected end' : 'unexpected character');
  }

  object(depth: number): JsonObject {
    const out: JsonObject = new Map();
    this.pos++; // '{'
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const at = this.pos;
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.string();
      if (out.has(key)) {
        this.pos = at;
        this.fail(`duplicate key ${clip(JSON.stringify(key))}`);
      }
      this.skipSpace();
      this.expect(':');
      out.set(key, this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return out;
      }
      this.expect(',');
    }
  }

  array(depth: number): Json[] {
    const out: Json[] = [];
    this.pos++; // '['
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return out;
      }
      this.expect(',');
    }
  }

  string(): string {
    const t = this.text;
    const start = this.pos;
    let out = '';
    let run = ++this.pos; // after the opening quote
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c < 0x20) this.fail('control character inside a string');
      if (c === 0x22) break;
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(run, this.pos);
      const e = t[this.pos + 1] ?? '';
      if (e === 'u') {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else {
        const s = ESCAPES[e];
        if (s === undefined) this.fail('bad escape');
        out += s;
        this.pos += 2;
      }
      run = this.pos;
    }
    out += t.slice(run, this.pos);
    this.pos++; // closing quote
    if (hasLoneSurrogate(out)) {
      this.pos = start;
      this.fail('a \\u escape encodes an unpaired surrogate');
    }
    return out;
  }

  number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail('bad number');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}

/**
 * Parses `text` as one JSON value followed only by whitespace. Throws SafetensorsError (with the
 * character position) on any syntax error, duplicate object key, or nesting deeper than 64.
 */
export function parseJson(text: string): Json {
  const p = new Parser(text);
  const v = p.value(0);
  p.skipSpace();
  if (p.pos !== text.length) p.fail('unexpected text after the header object');
  return v;
}
