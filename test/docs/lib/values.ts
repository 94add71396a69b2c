// The value notation of doc examples: `expr; // value`, where value is a JS-like literal (numbers,
// strings, booleans, null, arrays, objects). `...` at the end of an array, string or number means
// "starts with" (a number's `...` makes it approximate), and a trailing `(about)` or a leading `≈`
// makes every number approximate to its last printed digit. `// throws Name: message...` expects
// the statement to throw. Any other trailing `(note)` is prose.

/** A parsed expected value. */
export type Spec =
  | { kind: 'number'; value: number; tol: number; unit: number }
  | { kind: 'string'; value: string; prefix: boolean }
  | { kind: 'literal'; value: boolean | null | undefined }
  | { kind: 'array'; items: Spec[]; prefix: boolean }
  | { kind: 'object'; entries: [string, Spec][]; partial: boolean };

/** What a value comment asks for: a value, or a thrown error. */
export type Expectation = { kind: 'value'; spec: Spec; text: string } | { kind: 'throws'; name?: string; message?: string; text: string };

/** Relative tolerance of numbers printed without `...`/`(about)`: float32 rounding, not more. */
export const EXACT_RTOL = 2e-6;

/** Comment text that starts like a value but does not parse (so it is reported, never ignored). */
const LOOKS_LIKE_VALUE = /^(≈|~)|^(\[|\{|'|"|-?\d|-?\.\d|true\b|false\b|null\b|undefined\b|NaN\b|nan\b|-?Infinity\b|-?inf\b|throws\b)/;

/**
 * Parses the text of a trailing `//` comment. Returns undefined for prose, an expectation for a
 * value, and throws for text that starts like a value but does not parse.
 */
export function parseExpectation(comment: string): Expectation | undefined {
  let text = comment.trim();
  if (!LOOKS_LIKE_VALUE.test(text)) return undefined;
  const throwsMatch = /^throws(?:\s+([A-Za-z_$][\w$]*))?(?::\s*(.*))?$/.exec(text);
  if (throwsMatch) {
    const message = throwsMatch[2]?.trim();
    return { kind: 'throws', text, ...(throwsMatch[1] ? { name: throwsMatch[1] } : {}), ...(message ? { message } : {}) };
  }
  let about = false;
  if (/^(≈|~)/.test(text)) {
    about = true;
    text = text.replace(/^(≈|~)\s*/, '');
  }
  const p = new Parser(text);
  const spec = p.value();
  p.ws();
  const rest = p.rest();
  if (rest !== '') {
    const note = /^\((.*)\)$/.exec(rest);
    if (!note) throw new Error(`the comment '// ${comment.trim()}' starts like a value but '${rest}' follows it (write notes in parentheses)`);
    if (/^about\b/i.test(note[1]!.trim())) about = true; // '(about)' or '(about; a note)'
  }
  return { kind: 'value', spec: about ? approximate(spec) : spec, text: comment.trim() };
}

function approximate(s: Spec): Spec {
  switch (s.kind) {
    case 'number': return { ...s, tol: Math.max(s.tol, s.unit) };
    case 'array': return { ...s, items: s.items.map(approximate) };
    case 'object': return { ...s, entries: s.entries.map(([k, v]) => [k, approximate(v)]) };
    default: return s;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  rest(): string {
    return this.s.slice(this.i).trim();
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private fail(what: string): never {
    throw new Error(`cannot parse the value '${this.s}': ${what} at column ${this.i + 1}`);
  }

  private eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.i)) {
      this.i += tok.length;
      return true;
    }
    return false;
  }

  value(): Spec {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.array();
    if (c === '{') return this.object();
    if (c === "'" || c === '"') return this.string(c);
    for (const [word, value] of [['true', true], ['false', false], ['null', null], ['undefined', undefined]] as const) {
      if (this.s.startsWith(word, this.i) && !/[\w$]/.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return { kind: 'literal', value };
      }
    }
    return this.number();
  }

  private number(): Spec {
    const m = /^(-?)(Infinity|inf|NaN|nan|(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?|\.(\d+)(?:[eE]([+-]?\d+))?)(\.\.\.)?/.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a value');
    this.i += m[0].length;
    const body = m[2]!;
    if (body === 'Infinity' || body === 'inf') return { kind: 'number', value: m[1] ? -Infinity : Infinity, tol: 0, unit: 0 };
    if (body === 'NaN' || body === 'nan') return { kind: 'number', value: NaN, tol: 0, unit: 0 };
    const decimals = (m[4] ?? m[6] ?? '').length;
    const exp = Number(m[5] ?? m[7] ?? 0);
    const value = Number(m[1]! + body);
    const unit = 10 ** (exp - decimals); // one unit of the last printed digit
    const truncated = m[8] !== undefined;
    return { kind: 'number', value, tol: truncated ? unit : 0, unit };
  }

  private string(q: string): Spec {
    let out = '';
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== q) {
      if (this.s[this.i] === '\\') {
        const n = this.s[++this.i];
        const hex = n === 'u' ? /^u\{([0-9a-fA-F]+)\}|^u([0-9a-fA-F]{4})/.exec(this.s.slice(this.i)) : n === 'x' ? /^x([0-9a-fA-F]{2})/.exec(this.s.slice(this.i)) : null;
        if (hex) {
          out += String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? '', 16));
          this.i += hex[0].length;
          continue;
        }
        out += ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[n ?? ''] ?? n ?? '';
        this.i++;
      } else out += this.s[this.i++];
    }
    if (this.s[this.i] !== q) this.fail('unterminated string');
    this.i++;
    const prefix = out.endsWith('...');
    return { kind: 'string', value: prefix ? out.slice(0, -3) : out, prefix };
  }

  private array(): Spec {
    this.i++;
    const items: Spec[] = [];
    let prefix = false;
    if (this.eat(']')) return { kind: 'array', items, prefix };
    for (;;) {
      if (this.eat('...')) {
        prefix = true;
        if (!this.eat(']')) this.fail("'...' must end the array");
        return { kind: 'array', items, prefix };
      }
      items.push(this.value());
      if (this.eat(']')) return { kind: 'array', items, prefix };
      if (!this.eat(',')) this.fail("expected ',' or ']'");
    }
  }

  private object(): Spec {
    this.i++;
    const entries: [string, Spec][] = [];
    let partial = false;
    if (this.eat('}')) return { kind: 'object', entries, partial };
    for (;;) {
      if (this.eat('...')) {
        partial = true;
        if (!this.eat('}')) this.fail("'...' must end the object");
        return { kind: 'object', entries, partial };
      }
      this.ws();
      const key = /^(?:([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")/.exec(this.s.slice(this.i));
      if (!key) this.fail('expected a key');
      this.i += key[0].length;
      if (!this.eat(':')) this.fail("expected ':'");
      entries.push([key[1] ?? key[2] ?? key[3]!, this.value()]);
      if (this.eat('}')) return { kind: 'object', entries, partial };
      if (!this.eat(',')) this.fail("expected ',' or '}'");
    }
  }
}

/** A plain JS value for comparison: tensors become nested arrays, typed arrays become arrays. */
export async function toPlain(v: unknown): Promise<unknown> {
  v = await v;
  if (v === null || typeof v !== 'object') return v;
  const t = v as { tolist?: () => unknown; data?: () => Promise<ArrayLike<number>>; shape?: readonly number[]; device?: string; dtype?: string };
  if (typeof t.tolist === 'function' && Array.isArray(t.shape)) {
    if (t.device === 'cpu' || t.device === undefined) return t.tolist();
    const flat = Array.from(await t.data!());
    return nest(t.dtype === 'bool' ? flat.map((x) => x !== 0) : flat, t.shape);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return Promise.all(v.map(toPlain));
  if (v instanceof Map) return Promise.all([...v.entries()].map(toPlain));
  if (v instanceof Set) return Promise.all([...v].map(toPlain));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = await toPlain(x);
  return out;
}

function nest(flat: unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  let pos = 0;
  const build = (d: number): unknown[] => Array.from({ length: shape[d]! }, () => (d === shape.length - 1 ? flat[pos++] : build(d + 1)));
  return build(0);
}

/** Why `actual` does not match `spec`, or undefined when it does. `path` names the element. */
export function mismatch(spec: Spec, actual: unknown, path = ''): string | undefined {
  const at = path === '' ? '' : ` at ${path}`;
  const show = (x: unknown) => (typeof x === 'string' ? JSON.stringify(x) : JSON.stringify(x) ?? String(x));
  switch (spec.kind) {
    case 'number': {
      if (typeof actual !== 'number') return `expected a number${at}, got ${show(actual)}`;
      if (Number.isNaN(spec.value)) return Number.isNaN(actual) ? undefined : `expected NaN${at}, got ${actual}`;
      if (!Number.isFinite(spec.value)) return actual === spec.value ? undefined : `expected ${spec.value}${at}, got ${actual}`;
      const tol = Math.max(spec.tol, EXACT_RTOL * Math.max(1, Math.abs(spec.value)));
      return Math.abs(actual - spec.value) <= tol * (1 + 1e-9) ? undefined : `expected ${spec.value}${spec.tol ? ` ± ${spec.tol}` : ''}${at}, got ${actual}`;
    }
    case 'string':
      if (typeof actual !== 'string') return `expected a string${at}, got ${show(actual)}`;
      if (spec.prefix ? actual.startsWith(spec.value) : actual === spec.value) return undefined;
      return `expected ${show(spec.value)}${spec.prefix ? '...' : ''}${at}, got ${show(actual)}`;
    case 'literal':
      return actual === spec.value ? undefined : `expected ${String(spec.value)}${at}, got ${show(actual)}`;
    case 'array': {
      if (!Array.isArray(actual)) return `expected an array${at}, got ${show(actual)}`;
      if (spec.prefix ? actual.length < spec.items.length : actual.length !== spec.items.length) {
        return `expected ${spec.prefix ? 'at least ' : ''}${spec.items.length} elements${at}, got ${actual.length}: ${show(actual)}`;
      }
      for (let k = 0; k < spec.items.length; k++) {
        const m = mismatch(spec.items[k]!, actual[k], `${path}[${k}]`);
        if (m) return m;
      }
      return undefined;
    }
    case 'object': {
      if (actual === null || typeof actual !== 'object') return `expected an object${at}, got ${show(actual)}`;
      const rec = actual as Record<string, unknown>;
      for (const [k, v] of spec.entries) {
        if (!(k in rec)) return `expected key '${k}'${at}, got ${show(actual)}`;
        const m = mismatch(v, rec[k], `${path}.${k}`);
        if (m) return m;
      }
      if (!spec.partial) {
        const extra = Object.keys(rec).filter((k) => rec[k] !== undefined && !spec.entries.some(([e]) => e === k));
        if (extra.length) return `unexpected keys ${extra.join(', ')}${at} (end the object with '...' to allow more)`;
      }
      return undefined;
    }
  }
}
