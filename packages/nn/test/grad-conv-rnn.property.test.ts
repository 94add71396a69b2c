// Property-based gradient checks of the convolution, batch-norm and recurrent layers: random
// geometry and sizes (size-1 dims included), the full Jacobian with respect to the input and every
// parameter equals central differences (float64).

import { describe, test } from 'vitest';
import fc from 'fast-check';
import { type Tensor, arange, cat } from '@tsgrad/core';
import { gradcheck } from '@tsgrad/core/testing';
import { tensorArb } from '@tsgrad/core/testing/arbitraries';
import { BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, GRU, LSTM } from '@tsgrad/nn';
import { type ModuleCase, moduleCase } from './helpers/grad.js';

const FC = { seed: 20250301, numRuns: 15 };
const STD = { min: -2, max: 2 };
const dim = (max = 3) => fc.integer({ min: 1, max });

const specs: { name: string; arb: fc.Arbitrary<ModuleCase>; numRuns?: number }[] = [
  {
    name: 'Conv1d and Conv2d (stride, padding, dilation, groups, padding modes, bias)',
    arb: fc.record({
      nd: fc.constantFrom(1, 2), n: dim(2), groups: dim(2), cg: dim(2), kg: dim(2), k: dim(3), s: dim(2), d: dim(2), p: fc.integer({ min: 0, max: 1 }),
      extra: fc.integer({ min: 0, max: 2 }), bias: fc.boolean(), batched: fc.boolean(), mode: fc.constantFrom('zeros' as const, 'replicate' as const, 'circular' as const),
    }).chain((o) => {
      const len = o.d * (o.k - 1) + 1 + o.extra;
      const shape = [...(o.batched ? [o.n] : []), o.groups * o.cg, ...Array<number>(o.nd).fill(len)];
      return tensorArb(shape, STD).map((x) => {
        const opts = { stride: o.s, padding: o.p, dilation: o.d, groups: o.groups, bias: o.bias, paddingMode: o.mode };
        const m = (o.nd === 1 ? new Conv1d(o.groups * o.cg, o.groups * o.kg, o.k, opts) : new Conv2d(o.groups * o.cg, o.groups * o.kg, o.k, opts)).to('float64');
        return moduleCase(m, [x], (a) => m.forward(a));
      });
    }),
  },
  {
    name: 'BatchNorm1d and BatchNorm2d (training and eval, affine or not)',
    arb: fc.record({ two: fc.boolean(), n: fc.integer({ min: 2, max: 3 }), c: dim(3), l: fc.integer({ min: 0, max: 2 }), train: fc.boolean(), affine: fc.boolean() }).chain((o) => {
      const shape = o.two ? [o.n, o.c, 2, o.l + 1] : o.l === 0 ? [o.n, o.c] : [o.n, o.c, o.l];
      return tensorArb(shape, STD).map((x) => {
        const m = (o.two ? new BatchNorm2d(o.c, { affine: o.affine, eps: 1e-3 }) : new BatchNorm1d(o.c, { affine: o.affine, eps: 1e-3 })).to('float64');
        m.train(o.train);
        // a ramp along the batch keeps every channel's batch variance away from 0
        const ramp = arange(o.n, undefined, 1, { dtype: 'float64' }).mul(2).reshape([o.n, ...shape.slice(1).map(() => 1)]);
        return moduleCase(m, [x.add(ramp).detach().requiresGrad_()], (a) => m.forward(a));
      });
    }),
  },
  {
    name: 'LSTM and GRU (layers, bidirectional, batchFirst, unbatched, initial states, bias, LSTM projSize)',
    numRuns: 8,
    arb: fc.record({
      lstm: fc.boolean(), proj: fc.boolean(), I: dim(2), H: fc.integer({ min: 2, max: 3 }), L: dim(3), N: dim(2), layers: dim(2), bi: fc.boolean(), layout: fc.constantFrom('seq', 'batch', 'unbatched'), states: fc.boolean(), bias: fc.boolean(),
    }).chain((o) => {
      const D = o.bi ? 2 : 1;
      const xs = o.layout === 'unbatched' ? [o.L, o.I] : o.layout === 'batch' ? [o.N, o.L, o.I] : [o.L, o.N, o.I];
      const ss = o.layout === 'unbatched' ? [o.layers * D, o.H] : [o.layers * D, o.N, o.H];
      const hs = o.lstm && o.proj ? [...ss.slice(0, -1), 1] : ss; // with projSize 1, h has 1 feature
      return fc.tuple(tensorArb(xs, STD), tensorArb(hs, STD), tensorArb(ss, STD)).map(([x, h0, c0]) => {
        const opts = { numLayers: o.layers, bidirectional: o.bi, batchFirst: o.layout === 'batch', bias: o.bias };
        if (o.lstm) {
          const m = new LSTM(o.I, o.H, { ...opts, projSize: o.proj ? 1 : 0 }).to('float64');
          const run = (a: Tensor, h?: Tensor, c?: Tensor) => { const [y, [hn, cn]] = m.forward(a, o.states ? [h!, c!] : null); return cat([y.flatten(), hn.flatten(), cn.flatten()]); };
          return moduleCase(m, o.states ? [x, h0, c0] : [x], run);
        }
        const m = new GRU(o.I, o.H, opts).to('float64');
        const run = (a: Tensor, h?: Tensor) => { const [y, hn] = m.forward(a, o.states ? h! : null); return cat([y.flatten(), hn.flatten()]); };
        return moduleCase(m, o.states ? [x, h0] : [x], run);
      });
    }),
  },
];

describe('gradcheck of convolution, batch-norm and recurrent layers (float64)', () => {
  for (const spec of specs) {
    test(spec.name, () => {
      fc.assert(
        fc.property(spec.arb, (c) => gradcheck(c.f, c.inputs, { name: spec.name, atol: 1e-6, rtol: 1e-5 })),
        { ...FC, numRuns: spec.numRuns ?? FC.numRuns },
      );
    });
  }
});
