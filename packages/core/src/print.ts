// Printing tensors as PyTorch does (torch/_tensor_str.py): one width for every element, rows
// aligned under each other, `...` past a threshold, fixed or scientific notation chosen from the
// values, and the dtype, device and autograd suffixes.

import { isFloat, type DType, type TypedArray } from './dtype.js';
import { ValueError } from './errors.js';
import { sizeOf, type Shape } from './shape.js';

/** How tensors print (PyTorch's `torch.set_printoptions`). */
export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** Past this many elements a tensor prints summarised, with `...` (default 1000). */
  threshold: number;
  /** Elements kept at each end of every summarised dim (default 3). */
  edgeitems: number;
  /** Characters per line before elements wrap (default 80). */
  linewidth: number;
  /** Force scientific notation (true) or fixed notation (false); undefined chooses from the values (default). */
  sciMode: boolean | undefined;
}

const PROFILES = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 },
} as const;

let OPTS: PrintOptions = { ...PROFILES.default, sciMode: undefined };

/**
 * Sets how tensors print, as `torch.set_printoptions`: a `profile` ('default', 'short' or 'full')
 * first, then the options given. As in PyTorch, `sciMode` is reset to automatic whenever it is
 * not given.
 * @param opts - `precision`, `threshold`, `edgeitems`, `linewidth`, `sciMode`, `profile`.
 * @example
 * setPrintOptions({ precision: 2 });
 * String(tensor([1.2345, 2])); // 'tensor([1.23, 2.00])'
 * setPrintOptions({ profile: 'default' });
 * String(tensor([1.2345, 2])); // 'tensor([1.2345, 2.0000])'
 */
export function setPrintOptions(opts: Partial<PrintOptions> & { profile?: keyof typeof PROFILES }): void {
  if (opts.profile !== undefined && !(opts.profile in PROFILES)) {
    throw new ValueError('setPrintOptions', `unknown profile '${opts.profile}'`, {}, "expected 'default', 'short' or 'full'");
  }
  const next: PrintOptions = { ...OPTS, ...(opts.profile ? PROFILES[opts.profile] : {}), sciMode: opts.sciMode };
  for (const k of ['precision', 'threshold', 'edgeitems', 'linewidth'] as const) {
    const v = opts[k];
    if (v === undefined) continue;
    if (!(v >= 0) || (k !== 'threshold' && !Number.isInteger(v))) throw new ValueError('setPrintOptions', `${k} must be a non-negative integer, got ${v}`);
    next[k] = v;
  }
  OPTS = next;
}

/**
 * The current print options (PyTorch's `torch.get_printoptions`).
 * @returns A copy of the options.
 * @example getPrintOptions().precision; // 4
 */
export function getPrintOptions(): PrintOptions {
  return { ...OPTS };
}

// Python's number formats: `{:.pf}`, `{:.pe}` (two-digit exponent), and inf/nan spelled as Python does
function fixed(v: number, p: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const s = v.toFixed(p);
  return Object.is(v, -0) ? `-${s}` : s;
}
function sci(v: number, p: number): string {
  if (!Number.isFinite(v)) return fixed(v, p);
  const s = (Object.is(v, -0) ? '-' : '') + v.toExponential(p);
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** PyTorch's _Formatter: one width and one notation for every printed element. */
class Formatter {
  private intMode = true;
  private sciMode = false;
  width = 1;

  constructor(private readonly dtype: DType, values: readonly number[]) {
    const p = OPTS.precision;
    if (!isFloat(dtype)) {
      for (const v of values) this.width = Math.max(this.width, this.plain(v).length);
      return;
    }
    const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (nz.length > 0) {
      const abs = nz.map(Math.abs);
      const min = Math.min(...abs);
      const max = Math.max(...abs);
      this.intMode = nz.every((v) => v === Math.ceil(v));
      this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
      for (const v of nz) {
        const len = this.sciMode ? sci(v, p).length : this.intMode ? fixed(v, 0).length + 1 : fixed(v, p).length;
        this.width = Math.max(this.width, len);
      }
    }
    if (OPTS.sciMode !== undefined) this.sciMode = OPTS.sciMode;
  }

  private plain(v: number): string {
    return this.dtype === 'bool' ? (v ? 'True' : 'False') : String(v);
  }

  format(v: number): string {
    let s: string;
    if (!isFloat(this.dtype)) s = this.plain(v);
    else if (this.sciMode) s = sci(v, OPTS.precision);
    else if (this.intMode) s = fixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = fixed(v, OPTS.precision);
    return s.padStart(this.width);
  }
}

/** The positions printed along a dim of size n: all, or the edge items on each side of a `...`. */
function kept(n: number, summarize: boolean): (number | '...')[] {
  const e = OPTS.edgeitems;
  if (!summarize || n <= 2 * e) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: e }, (_, i) => i), '...', ...Array.from({ length: e }, (_, i) => n - e + i)];
}

function printedValues(flat: TypedArray, shape: Shape, summarize: boolean): number[] {
  const out: number[] = [];
  const visit = (d: number, base: number) => {
    if (d === shape.length) return void out.push(flat[base]!);
    const stride = sizeOf(shape.slice(d + 1));
    for (const i of kept(shape[d]!, summarize)) if (i !== '...') visit(d + 1, base + i * stride);
  };
  visit(0, 0);
  return out;
}

function body(flat: TypedArray, shape: Shape, f: Formatter, summarize: boolean, d: number, base: number, indent: number): string {
  if (d === shape.length) return f.format(flat[base]!);
  const stride = sizeOf(shape.slice(d + 1));
  const idx = kept(shape[d]!, summarize);
  if (d === shape.length - 1) {
    const items = idx.map((i) => (i !== '...' ? f.format(flat[base + i]!) : OPTS.edgeitems === 0 ? '...' : ' ...'));
    const perLine = Math.max(1, Math.floor((OPTS.linewidth - indent) / (f.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const rows = idx.map((i) => (i === '...' ? '...' : body(flat, shape, f, summarize, d + 1, base + i * stride, indent + 1)));
  return `[${rows.join(`,${'\n'.repeat(shape.length - d - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/**
 * The values part of a printout, as PyTorch's `_tensor_str` (shape and values only, no `tensor(`).
 * @internal
 */
export function formatValues(flat: TypedArray, shape: Shape, dtype: DType, indent: number): string {
  const summarize = sizeOf(shape) > OPTS.threshold;
  const f = new Formatter(dtype, printedValues(flat, shape, summarize));
  return body(flat, shape, f, summarize, 0, 0, indent);
}

function pyShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** PyTorch's grad_fn name for a primitive: `mul` -> `MulBackward0`. */
function gradFnName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backward0`;
}

/** What a printout reads of a tensor (tensor.ts passes itself; no import back into it). */
interface Printable {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly device: string;
  readonly ndim: number;
  readonly requiresGrad: boolean;
  readonly gradFn: { readonly name: string } | null;
  numel(): number;
}

/**
 * The whole printout of `t`: `tensor(...)` with PyTorch's suffixes, wrapped at the line width.
 * @internal
 */
export function formatTensor(t: Printable, readSync: (() => TypedArray) | undefined): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  if (t.device !== 'cpu') suffixes.push(`device='${t.device}'`);
  let text: string;
  if (t.numel() === 0) {
    text = '[]';
    if (t.ndim !== 1) suffixes.push(`size=${pyShape(t.shape)}`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=${t.dtype}`);
  } else {
    // int32 is tsgrad's integer dtype, so it plays int64's part in PyTorch's rule: float32, int32 and bool go unsaid
    if (!['float32', 'int32', 'bool'].includes(t.dtype)) suffixes.push(`dtype=${t.dtype}`);
    text = readSync ? formatValues(readSync(), t.shape, t.dtype, indent) : `<${t.shape.join('x') || 'scalar'} on '${t.device}': await x.data() to read>`;
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${gradFnName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  let out = prefix + text;
  let last = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (last + s.length + 2 > OPTS.linewidth) {
      out += `,\n${' '.repeat(indent)}${s}`;
      last = indent + s.length;
    } else {
      out += `, ${s}`;
      last += s.length + 2;
    }
  }
  return `${out})`;
}
