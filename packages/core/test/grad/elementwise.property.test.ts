// Every differentiable elementwise primitive, on broadcasting shape pairs and non-contiguous
// views: random-direction VJP checks against central differences (float64), plus a full
// Jacobian gradcheck and an exact gradient-shape check.

import { describe, expect, test } from 'vitest';
import { apply, primitives, tensor, type Tensor } from '@tsgrad/core';
import { checkVjp, gradcheck, gradgradcheck } from '@tsgrad/core/testing';
import { broadcastShapesArb, makeTensor, valuesArb } from '@tsgrad/core/testing/arbitraries';
import { FC, LAYOUTS, SMOOTH, fc } from './helpers.js';

const elementwise = primitives().filter((p) => p.kind === 'elementwise' && p.vjp && p.name !== 'to');
// maximum/minimum have a kink where the inputs meet: keep the two inputs 0.05 apart everywhere
const KINK_BETWEEN_INPUTS = new Set(['maximum', 'minimum']);
const apart = (xs: Tensor[]) => xs[0]!.sub(xs[1]!).abs().amin().item() > 0.05;
// remainder/fmod jump where a / b is a whole number: keep every quotient 0.02 away from one
const JUMP_AT_WHOLE_QUOTIENT = new Set(['remainder', 'fmod']);
const offWhole = (xs: Tensor[]) => {
  const q = xs[0]!.div(xs[1]!);
  return q.sub(q.round()).abs().amin().item() > 0.02;
};

function inputsArb(op: (typeof elementwise)[number]): fc.Arbitrary<Tensor[]> {
  const domain = op.testDomain ?? { min: -2, max: 2 };
  const arity = op.args.length;
  const arb = broadcastShapesArb(arity).chain((shapes) =>
    fc.tuple(
      ...shapes.map((s, i) => {
        const n = s.reduce((a, b) => a * b, 1);
        if (op.name === 'where' && i === 0) {
          return fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((b) => tensor(n === 1 && s.length === 0 ? b[0]! : b, { shape: s }));
        }
        return fc.tuple(valuesArb(n, { ...domain, gap: 0.05 }), fc.constantFrom(...LAYOUTS)).map(([v, l]) => makeTensor(s, v, l));
      }),
    ),
  );
  if (JUMP_AT_WHOLE_QUOTIENT.has(op.name)) return arb.filter(offWhole);
  return KINK_BETWEEN_INPUTS.has(op.name) ? arb.filter(apart) : arb;
}

test('maximum and minimum split the gradient evenly on ties, as PyTorch', () => {
  const a = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
  const b = tensor([1, 1, 5], { dtype: 'float64', requiresGrad: true });
  a.maximum(b).add(a.minimum(b).mul(10)).sum().backward();
  expect(a.grad!.tolist()).toEqual([5.5, 1, 10]);
  expect(b.grad!.tolist()).toEqual([5.5, 10, 1]);
});

describe('elementwise primitives: VJP against central differences', () => {
  test('the suite covers the elementwise primitives', () => {
    expect(elementwise.map((p) => p.name)).toEqual(expect.arrayContaining(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'exp', 'log', 'erf', 'where']));
  });
  for (const op of elementwise) {
    test(`${op.name}: <J^T c, t> = <c, J t> on broadcast shapes and strided views`, () => {
      fc.assert(
        fc.property(inputsArb(op), (xs) => {
          const f = (...a: Tensor[]) => apply(op, a, {});
          checkVjp(f, xs, { rtol: 1e-5, atol: 1e-7 });
          // each gradient has its input's shape exactly (broadcasting undone by the engine)
          const y = f(...xs).sum();
          if (y.requiresGrad) {
            y.backward();
            for (const x of xs) if (x.requiresGrad) expect(x.grad!.shape).toEqual(x.shape);
          }
        }),
        FC,
      );
    });
    test(`${op.name}: full Jacobian gradcheck on a broadcast pair`, () => {
      fc.assert(
        fc.property(inputsArb(op), (xs) => gradcheck((...a) => apply(op, a, {}), xs, { name: op.name })),
        { ...FC, numRuns: 8 },
      );
    });
    if (SMOOTH.has(op.name)) {
      test(`${op.name}: second derivatives (gradgradcheck)`, () => {
        fc.assert(
          fc.property(inputsArb(op), (xs) => gradgradcheck((...a) => apply(op, a, {}), xs, { name: op.name, atol: 1e-5, rtol: 1e-4 })),
          { ...FC, numRuns: 8 },
        );
      });
    }
  }
});
