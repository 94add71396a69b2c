// Kernel source generation for gpu.js: index arithmetic with shapes and strides baked in, op
// `scalar` functions turned into named gpu.js helpers, and the helper library with its WGSL forms.

/**
 * Helpers kernels may call. gpu.js does float arithmetic, so index math stays exact below 2^24.
 * NOTE: WGSL compilers may assume no NaN (Tint/SwiftShader fold `x != x` to false), and gpu.js
 * has no NaN literal; on webgpu these helpers are replaced by bit-level WGSL (see `WGSL`).
 */
const HELPERS: Readonly<Record<string, string>> = {
  tsgIsnan: 'function tsgIsnan(x) { return x !== x ? 1 : 0; }',
  tsgNan: 'function tsgNan() { return 0 / 0; }',
  tsgInf: 'function tsgInf() { return 1 / 0; }',
  // NOTE: WGSL pow(a, b) is exp2(b log2 a): NaN for a < 0, so odd and even integer powers are rebuilt here
  tsgPow: `function tsgPow(a, b) {
    if (b === 0) { return 1; }
    if (a > 0) { return Math.pow(a, b); }
    if (a === 0) { return b > 0 ? 0 : tsgInf(); }
    const bi = Math.floor(b);
    if (bi !== b) { return tsgNan(); }
    const m = Math.pow(-a, b);
    const half = bi * 0.5;
    return Math.floor(half) === half ? m : -m;
  }`,
  // floor(i / d) for integers below 2^24: the float quotient is off by at most one, so correct it
  tsgDiv: `function tsgDiv(i, d) {
    let q = Math.floor(i / d);
    const r = i - q * d;
    if (r < 0) { q = q - 1; }
    if (r >= d) { q = q + 1; }
    return q;
  }`,
  tsgBool: 'function tsgBool(v) { return tsgIsnan(v) > 0.5 ? 1 : (v !== 0 ? 1 : 0); }',
  tsgInt: 'function tsgInt(v) { return tsgIsnan(v) > 0.5 ? 0 : Math.trunc(v); }',
};

/** WGSL bodies that replace gpu.js's translation of some helpers on webgpu (non-const, so no const-eval of NaN). */
export const WGSL: Readonly<Record<string, string>> = {
  tsgIsnan: 'fn fn_tsgIsnan(user_x : f32) -> f32 {\n  return select(0.0, 1.0, (bitcast<u32>(user_x) & 0x7fffffffu) > 0x7f800000u);\n}',
  tsgNan: 'fn fn_tsgNan() -> f32 {\n  return bitcast<f32>(0x7fc00000u | (params.outputX & 0u));\n}',
  tsgInf: 'fn fn_tsgInf() -> f32 {\n  return bitcast<f32>(0x7f800000u | (params.outputX & 0u));\n}',
};

const callsTo = (src: string, name: string) => new RegExp(`\\b${name}\\s*\\(`).test(src);

/** The helper functions `sources` call (transitively), to pass as gpu.js `functions`. */
export function helpersFor(sources: readonly string[]): string[] {
  const out: string[] = [];
  const pending = [...sources];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const src = pending.pop()!;
    for (const [name, helper] of Object.entries(HELPERS)) {
      if (!seen.has(name) && callsTo(src, name)) {
        seen.add(name);
        out.push(helper);
        pending.push(helper);
      }
    }
  }
  return out;
}

/**
 * An op's `scalar` as a named function gpu.js can transpile: arrow functions get a name, and
 * JS-isms the GPU cannot express are rewritten (self-comparison NaN tests, NaN, Infinity, Math.pow).
 */
export function scalarFunction(name: string, fn: (...xs: number[]) => number): string {
  const src = fn.toString().replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '').trim();
  let params: string;
  let body: string;
  const arrow = /^(?:async\s*)?(?:\(([^)]*)\)|([\w$]+))\s*=>\s*([\s\S]*)$/.exec(src);
  const func = /^(?:function\b\s*[\w$]*|[\w$]+)\s*\(([^)]*)\)\s*(\{[\s\S]*\})$/.exec(src);
  if (arrow) {
    params = arrow[1] ?? arrow[2] ?? '';
    const b = arrow[3]!.trim();
    body = b.startsWith('{') ? b : `{ return (${b}); }`;
  } else if (func) {
    params = func[1]!;
    body = func[2]!;
  } else {
    throw new Error(`cannot read the scalar function of '${name}' as JavaScript source`);
  }
  body = body
    .replace(/\b([A-Za-z_$][\w$]*)\s*!==?\s*\1\b(?!\s*[.([])/g, '(tsgIsnan($1) > 0.5)')
    .replace(/\b([A-Za-z_$][\w$]*)\s*===?\s*\1\b(?!\s*[.([])/g, '(tsgIsnan($1) < 0.5)')
    .replace(/\bNumber\.NaN\b|\bNaN\b/g, 'tsgNan()')
    .replace(/\bNumber\.POSITIVE_INFINITY\b|\bInfinity\b/g, 'tsgInf()')
    .replace(/\bMath\.pow\s*\(/g, 'tsgPow(')
    // NOTE: gpu.js cannot translate a declaration without initializer (`let q;`)
    .replace(/\b(let|var)\s+([A-Za-z_$][\w$]*)\s*;/g, '$1 $2 = 0;');
  return `function ${name}(${params}) ${body}`;
}

/** A JS number literal gpu.js reads back exactly (integers stay integers). */
export function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`cannot bake ${v} into a kernel`);
  return Number.isInteger(v) ? String(v) : v.toPrecision(17);
}

/**
 * Statements that split the flat index `flat` over `shape` (row-major) into coordinate variables
 * `${p}0`, `${p}1`, ...; returns the code and the coordinate names ('0' for size-1 dims).
 */
export function coords(shape: readonly number[], flat: string, p: string): { code: string; names: string[] } {
  const lines: string[] = [];
  const names: string[] = [];
  let rest = flat;
  let inner = shape.reduce((a, b) => a * b, 1);
  shape.forEach((size, d) => {
    inner /= size;
    if (size === 1) {
      names.push('0');
      return;
    }
    const c = `${p}${d}`;
    names.push(c);
    if (inner === 1) lines.push(`const ${c} = ${rest};`);
    else {
      lines.push(`const ${c} = tsgDiv(${rest}, ${inner});`, `const ${p}r${d} = ${rest} - ${c} * ${inner};`);
      rest = `${p}r${d}`;
    }
  });
  return { code: lines.join('\n  '), names };
}

/** `base + c0 * s0 + ...` for coordinates and strides (zero strides and size-1 coordinates skipped). */
export function offset(names: readonly string[], strides: readonly number[], base: string): string {
  const terms = [base];
  names.forEach((c, d) => {
    const s = strides[d]!;
    if (c === '0' || s === 0) return;
    terms.push(s === 1 ? c : `${c} * ${s}`);
  });
  return terms.join(' + ');
}
