// einsum: PyTorch's equation strings (ellipsis, implicit output, repeated subscripts) lowered to
// diagonals (strided slices), sums, permutes, reshapes and one batched matmul per operand pair.

import { ShapeError, ValueError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { matmul } from '../matmul.js';

type Labels = string[]; // one label per dim; ellipsis dims are '0', '1', ... (right-aligned)

function fail(reason: string, operands: readonly Tensor[], hint?: string): never {
  throw new ShapeError('einsum', reason, Object.fromEntries(operands.map((t, i) => [`operands[${i}]`, t.shape])), hint);
}

function parseTerm(term: string, ndim: number | undefined, ellRank: number, operands: readonly Tensor[]): Labels {
  const parts = term.split('...');
  if (parts.length > 2) fail(`more than one ellipsis in '${term}'`, operands);
  for (const c of parts.join('')) if (!/[a-zA-Z]/.test(c)) fail(`invalid subscript '${c}' in the equation (letters and '...' only)`, operands);
  const letters = parts.join('').length;
  const ell = parts.length === 2 ? (ndim === undefined ? ellRank : ndim - letters) : 0;
  if (ndim !== undefined && (ell < 0 || (parts.length === 1 && letters !== ndim))) {
    fail(`the subscripts '${term}' do not match an operand of ${ndim} dims`, operands);
  }
  const ellLabels = Array.from({ length: ell }, (_, i) => String(ellRank - ell + i));
  return parts.length === 2 ? [...parts[0]!, ...ellLabels, ...parts[1]!] : [...parts[0]!];
}

// removes repeated labels by taking diagonals: dims a < b with one label become one dim
function diagonals(x: Tensor, labels: Labels, operands: readonly Tensor[]): [Tensor, Labels] {
  for (;;) {
    const b = labels.findIndex((l, i) => labels.indexOf(l) !== i);
    if (b < 0) return [x, labels];
    const a = labels.indexOf(labels[b]!);
    const n = x.shape[a]!;
    if (x.shape[b] !== n) fail(`subscript '${labels[a]}' is repeated with sizes ${n} and ${x.shape[b]}`, operands);
    const rest = [...labels.keys()].filter((i) => i !== a && i !== b);
    const moved = x.permute([...rest, a, b]).reshape([...rest.map((i) => x.shape[i]!), n * n]);
    x = moved.slice(-1, 0, undefined, n + 1);
    labels = [...rest.map((i) => labels[i]!), labels[a]!];
  }
}

function sumOut(x: Tensor, labels: Labels, keep: (l: string) => boolean): [Tensor, Labels] {
  const dims = labels.map((l, i) => (keep(l) ? -1 : i)).filter((i) => i >= 0);
  return dims.length ? [x.sum(dims), labels.filter((l) => keep(l))] : [x, labels];
}

// contracts two operands over their shared labels that are not kept, as one batched matmul
function contract(a: Tensor, la: Labels, b: Tensor, lb: Labels, kept: Set<string>): [Tensor, Labels] {
  const batch = la.filter((l) => lb.includes(l) && kept.has(l));
  const summed = la.filter((l) => lb.includes(l) && !kept.has(l));
  const left = la.filter((l) => !lb.includes(l));
  const right = lb.filter((l) => !la.includes(l));
  const size = (t: Tensor, ls: Labels, l: string) => t.shape[ls.indexOf(l)]!;
  const sumSizes = summed.map((l) => Math.max(size(a, la, l), size(b, lb, l)));
  const prep = (t: Tensor, ls: Labels, order: Labels) => {
    const p = t.permute(order.map((l) => ls.indexOf(l)));
    return p.expand(order.map((l, i) => (summed.includes(l) ? sumSizes[summed.indexOf(l)]! : p.shape[i]!)));
  };
  const flat = (sizes: number[]) => sizes.reduce((x, y) => x * y, 1);
  const sl = left.map((l) => size(a, la, l));
  const sr = right.map((l) => size(b, lb, l));
  const sk = flat(sumSizes);
  const A = prep(a, la, [...batch, ...left, ...summed]).reshape([...batch.map((l) => size(a, la, l)), flat(sl), sk]);
  const B = prep(b, lb, [...batch, ...summed, ...right]).reshape([...batch.map((l) => size(b, lb, l)), sk, flat(sr)]);
  const out = matmul(A, B);
  return [out.reshape([...out.shape.slice(0, batch.length), ...sl, ...sr]), [...batch, ...left, ...right]];
}

/**
 * Einstein summation (PyTorch's `torch.einsum`): `'ij,jk->ik'` multiplies the operands and sums
 * over the subscripts missing from the output. Supports `...` (broadcast dims), the implicit
 * output (the subscripts that appear once, in alphabetical order, after the ellipsis dims),
 * repeated subscripts in an operand (diagonals; `'ii->'` is the trace) and size-1 broadcasting.
 * Operands are contracted left to right, each pair as one batched matmul (permute and reshape,
 * no loops over elements), so it runs at the GEMM's speed. Gradient: through those ops.
 * @param equation - The subscripts, e.g. `'bhqd,bhkd->bhqk'`.
 * @param operands - The tensors, one per comma-separated term (an array, or as arguments).
 * @returns The result, with the output subscripts' dims.
 * @example
 * einsum('ij,jk->ik', tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).tolist(); // [[17], [39]]
 * einsum('ii', tensor([[1, 2], [3, 4]])).item(); // 5
 * einsum('i,j', tensor([1, 2]), tensor([3, 4])).tolist(); // [[3, 4], [6, 8]]
 * einsum('...ij->...ji', [zeros([5, 2, 3])]).shape; // [5, 3, 2]
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const ops = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as readonly Tensor[];
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.includes('->') ? eq.split('->') as [string, string] : [eq, undefined];
  const terms = lhs.split(',');
  if (terms.length !== ops.length) {
    throw new ValueError('einsum', `the equation has ${terms.length} operand term(s) but ${ops.length} operand(s) were given`, { equation: [] });
  }
  const ellRank = Math.max(0, ...terms.map((t, i) => (t.includes('...') ? ops[i]!.ndim - t.replace('...', '').length : 0)));
  const labels = terms.map((t, i) => parseTerm(t, ops[i]!.ndim, ellRank, ops));
  const ellOut = Array.from({ length: ellRank }, (_, i) => String(i));
  let out: Labels;
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const ls of labels) for (const l of ls) if (!/\d/.test(l)) counts.set(l, (counts.get(l) ?? 0) + 1);
    out = [...ellOut, ...[...counts].filter(([, c]) => c === 1).map(([l]) => l).sort()];
  } else {
    out = rhs.includes('...') || ellRank === 0 ? parseTerm(rhs, undefined, ellRank, ops) : fail(`the output '${rhs}' must have '...' as the operands do`, ops);
    if (new Set(out).size !== out.length) fail(`output subscript repeated in '${rhs}'`, ops);
    const seen = new Set(labels.flat());
    const lost = out.find((l) => !seen.has(l) && !/\d/.test(l));
    if (lost) fail(`output subscript '${lost}' does not appear in the operands`, ops);
  }
  const outSet = new Set(out);
  let [x, lx] = diagonals(ops[0]!, labels[0]!, ops);
  const neededAfter = (k: number) => new Set([...out, ...labels.slice(k).flat()]);
  [x, lx] = sumOut(x, lx, (l) => neededAfter(1).has(l));
  for (let k = 1; k < ops.length; k++) {
    let [y, ly] = diagonals(ops[k]!, labels[k]!, ops);
    const later = neededAfter(k + 1);
    [y, ly] = sumOut(y, ly, (l) => later.has(l) || lx.includes(l));
    [x, lx] = contract(x, lx, y, ly, later);
  }
  [x, lx] = sumOut(x, lx, (l) => outSet.has(l));
  return x.permute(out.map((l) => lx.indexOf(l)));
}
