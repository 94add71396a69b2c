// Gradient specs of the convolution-family functions: pad, conv1d/2d, max/avg pooling,
// interpolate, cosineSimilarity/normalize, the regression losses, klDiv and batchNorm. Random
// geometry (kernel, stride, padding, dilation, groups, batched or not) with size-1 dims.

import {
  avgPool1d, avgPool2d, batchNorm, conv1d, conv2d, cosineSimilarity, interpolate, klDiv, l1Loss, maxPool1d, maxPool2d, normalize, ones, pad, smoothL1Loss, unfold, unfoldBackward, zeros,
  type Tensor,
} from '@tsgrad/core';
import { broadcastShapesArb } from '@tsgrad/core/testing/arbitraries';
import { distinctLeaf, fc, leaf, shapeAndDim, type GradSpec } from './helpers.js';

const small = fc.integer({ min: 1, max: 2 });
const reduction = fc.constantFrom('mean' as const, 'sum' as const, 'none' as const);

/**
 * Per-dim window geometry whose (padded) input fits at least one window; with `unpadded` the input
 * alone does (so no max-pool window lies wholly in the padding, whose maximum would be -inf).
 */
const geometry = (nd: number, maxPad: (k: number) => number, unpadded = false) =>
  fc.tuple(...Array.from({ length: nd }, () => fc.tuple(fc.integer({ min: 1, max: 3 }), small, small, fc.integer({ min: 0, max: 2 }))))
    .chain((dims) => fc.tuple(...dims.map(([k, s, d, extra]) => fc.integer({ min: 0, max: maxPad(k) }).map((p) => ({ k, s, d, p, n: Math.max(1, d * (k - 1) + 1 + extra - (unpadded ? 0 : 2 * p)) })))));

const convCase = fc.tuple(fc.constantFrom(1, 2), small, small, small, small, fc.boolean(), fc.boolean(), fc.boolean()).chain(([nd, n, groups, cg, kg, batched, same, bias]) =>
  geometry(nd, () => 2).chain((g) => {
    const sameOk = same && g.every((x) => x.s === 1);
    const xs = [...(batched ? [n] : []), groups * cg, ...g.map((x) => x.n)];
    return fc.tuple(leaf(xs), leaf([groups * kg, cg, ...g.map((x) => x.k)]), leaf([groups * kg])).map(([x, w, b]) => ({
      f: (a: Tensor, ww?: Tensor, bb?: Tensor) => (nd === 1 ? conv1d : conv2d)(a, ww!, bias ? bb! : null, g.map((x) => x.s), sameOk ? 'same' : g.map((x) => x.p), g.map((x) => x.d), groups),
      inputs: bias ? [x, w, b] : [x, w],
    }));
  }));

const poolCase = (max: boolean) => fc.tuple(fc.constantFrom(1, 2), small, small, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()).chain(([nd, n, c, batched, ceil, includePad, override]) =>
  geometry(nd, (k) => Math.floor(k / 2), max).chain((g) => {
    const xs = [...(batched ? [n] : []), c, ...g.map((x) => x.n)];
    const [k, s, p, d] = [g.map((x) => x.k), g.map((x) => x.s), g.map((x) => x.p), g.map((x) => x.d)];
    return (max ? distinctLeaf(xs) : leaf(xs)).map((x) => ({
      f: max
        ? (a: Tensor) => (nd === 1 ? maxPool1d(a, k, s, p, d, ceil) : maxPool2d(a, k, s, p, d, ceil))
        : (a: Tensor) => (nd === 1 ? avgPool1d(a, k, s, p, ceil, includePad) : avgPool2d(a, k, s, p, ceil, includePad, override ? 3 : undefined)),
      inputs: [x],
    }));
  }));

export const convSpecs: GradSpec[] = [
  { covers: ['conv1d', 'conv2d'], secondOrder: true, arb: convCase },
  {
    covers: ['unfold', 'unfoldBackward'],
    secondOrder: true,
    arb: shapeAndDim(1, 3).chain(([s, dim]) => fc.tuple(fc.integer({ min: 1, max: s.at(dim)! }), fc.integer({ min: 1, max: 3 }), fc.boolean()).chain(([size, step, adjoint]) => {
      // overlapping windows (step < size) read an element more than once
      const d = dim < 0 ? dim + s.length : dim;
      const outShape = [...s.map((n, i) => (i === d ? Math.floor((n - size) / step) + 1 : n)), size];
      return adjoint
        ? leaf(outShape).map((g) => ({ f: (a: Tensor) => unfoldBackward(a, s, d, size, step), inputs: [g] }))
        : leaf(s).map((x) => ({ f: (a: Tensor) => unfold(a, dim, size, step).mul(2), inputs: [x] }));
    })),
  },
  { covers: ['maxPool1d', 'maxPool2d'], arb: poolCase(true) },
  { covers: ['avgPool1d', 'avgPool2d'], secondOrder: true, arb: poolCase(false) },
  {
    covers: ['pad'],
    secondOrder: true,
    arb: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.boolean(), fc.constantFrom('constant' as const, 'reflect' as const, 'replicate' as const, 'circular' as const)).chain(([k, batched, mode]) =>
      fc.tuple(...Array.from({ length: (batched ? 2 : 1) + k }, (_, j) => fc.integer({ min: j < (batched ? 2 : 1) ? 1 : 2, max: 3 }))).chain((s) =>
        fc.tuple(leaf(s), fc.array(fc.integer({ min: mode === 'constant' ? -1 : 0, max: mode === 'reflect' ? 1 : 2 }), { minLength: 2 * k, maxLength: 2 * k })).map(([x, padding]) => ({
          f: (a: Tensor) => pad(a, padding, mode, 0.5),
          inputs: [x],
        })))),
  },
  {
    covers: ['interpolate'],
    secondOrder: true,
    arb: fc.tuple(fc.constantFrom(1, 2), fc.constantFrom('nearest' as const, 'nearest-exact' as const, 'linear' as const), fc.boolean(), small, small).chain(([nd, m, align, n, c]) =>
      fc.tuple(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: nd, maxLength: nd }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: nd, maxLength: nd })).chain(([inS, outS]) =>
        leaf([n, c, ...inS]).map((x) => {
          const mode = m === 'linear' && nd === 2 ? 'bilinear' : m;
          const linear = mode === 'linear' || mode === 'bilinear';
          return { f: (a: Tensor) => interpolate(a, outS, null, mode, linear ? align : undefined), inputs: [x] };
        }))),
  },
  {
    covers: ['cosineSimilarity', 'normalize'],
    secondOrder: true,
    arb: broadcastShapesArb(2, { maxRank: 3 }).filter(([a, b]) => a!.length > 0 && b!.length > 0).chain(([a, b]) =>
      fc.tuple(leaf(a!, { min: -2, max: 2, avoid: [0], gap: 0.2 }), leaf(b!, { min: -2, max: 2, avoid: [0], gap: 0.2 }), fc.constantFrom(1, 2, 3), fc.boolean()).map(([x, y, p, cos]) => {
        const dim = -1;
        return cos ? { f: (u: Tensor, v?: Tensor) => cosineSimilarity(u, v!, dim), inputs: [x, y], rtol: 1e-4 } : { f: (u: Tensor) => normalize(u, p, dim), inputs: [x], rtol: 1e-4 };
      })),
  },
  {
    covers: ['l1Loss', 'smoothL1Loss'],
    arb: broadcastShapesArb(2).chain(([a, b]) => fc.tuple(leaf(a!), leaf(b!), reduction, fc.constantFrom(0, 0.5, 1))).map(([x, y, red, beta]) => ({
      f: (u: Tensor, v?: Tensor) => (beta === 1 ? l1Loss(u, v!, { reduction: red }) : smoothL1Loss(u, v!, { reduction: red, beta })),
      inputs: [x, y],
    })).filter((c) => { // away from the kinks |d| = 0 and |d| = beta
      const d = c.inputs[0]!.sub(c.inputs[1]!).abs();
      return d.numel() === 0 || (d.amin().item() > 0.02 && d.sub(0.5).abs().amin().item() > 0.02);
    }),
  },
  {
    covers: ['klDiv'],
    secondOrder: true,
    arb: shapeAndDim(1, 3).chain(([s]) => fc.tuple(leaf(s), leaf(s, { min: 0.1, max: 1 }), fc.constantFrom('mean' as const, 'sum' as const, 'none' as const, 'batchmean' as const), fc.boolean()))
      .map(([x, t, red, logTarget]) => ({ f: (u: Tensor, v?: Tensor) => klDiv(u, logTarget ? v!.log() : v!, { reduction: red, logTarget }), inputs: [x, t] })),
  },
  {
    covers: ['batchNorm'],
    secondOrder: true,
    arb: fc.tuple(fc.integer({ min: 2, max: 3 }), small, fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.boolean()).chain(([n, c, spatial, training, affine]) => {
      const s = [n, c, ...Array<number>(spatial).fill(2)];
      return fc.tuple(distinctLeaf(s), leaf([c], { min: 0.5, max: 2 }), leaf([c])).map(([x, w, b]) => ({
        f: (u: Tensor, ww?: Tensor, bb?: Tensor) => batchNorm(u, zeros([c], { dtype: 'float64' }), ones([c], { dtype: 'float64' }).mul(2), affine ? ww! : null, affine ? bb! : null, training, 0.1, 1e-3),
        inputs: affine ? [x, w, b] : [x],
        rtol: 1e-4,
      }));
    }),
  },
];
