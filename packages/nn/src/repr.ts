// Module printouts as PyTorch's `Module.__repr__`: `Name(extra)` on one line, or the extra lines
// and `(name): child` lines indented by two; values spelled as Python prints them.

/**
 * A value as Python's repr spells it, for `extraRepr`: booleans as True/False, undefined and null
 * as None, strings quoted, arrays as tuples, numbers as given (`float` adds `.0` to integers and
 * writes 1e-05 where Python does).
 * @param v - The value.
 * @param float - Spell a number as a Python float.
 * @returns The spelling.
 * @example
 * pyRepr(true); // 'True'
 * pyRepr([4]); // '(4,)'
 * pyRepr(1e-5, true); // '1e-05'
 * pyRepr(0, true); // '0.0'
 */
export function pyRepr(v: unknown, float = false): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0], float)},)` : `(${v.map((x) => pyRepr(x, float)).join(', ')})`;
  if (typeof v !== 'number' || !float) return String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (v !== 0 && (e < -4 || e >= 16)) return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** @internal PyTorch's Module.__repr__ from the class name, the extra settings and the children's printouts. */
export function moduleRepr(name: string, extra: string, children: readonly (readonly [string, string])[]): string {
  const extraLines = extra ? extra.split('\n') : [];
  const childLines = children.map(([k, s]) => `(${k}): ${s.split('\n').join('\n  ')}`);
  const lines = [...extraLines, ...childLines];
  if (lines.length === 0) return `${name}()`;
  if (extraLines.length === 1 && childLines.length === 0) return `${name}(${extraLines[0]})`;
  return `${name}(\n  ${lines.join('\n  ')}\n)`;
}
