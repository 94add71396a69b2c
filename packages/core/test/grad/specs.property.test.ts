// Property-based gradient checks for every differentiable op that is not a plain elementwise
// primitive: full Jacobian gradcheck (float64 central differences) on random shapes, including
// size-1 dims, broadcasting and non-contiguous views; gradgradcheck for the smooth ones.

import { describe, test } from 'vitest';
import { gradcheck, gradgradcheck } from '@tsgrad/core/testing';
import { FC, fc } from './helpers.js';
import { allSpecs } from './specs.js';

describe('gradcheck of composite and structural ops', () => {
  for (const spec of allSpecs) {
    const name = spec.covers.join(', ');
    test(`${name}: analytical Jacobian = central differences`, () => {
      fc.assert(
        fc.property(spec.arb, (c) => gradcheck(c.f, c.inputs, { name, eps: c.eps ?? 1e-6, atol: c.atol ?? 1e-6, rtol: c.rtol ?? 1e-5 })),
        { ...FC, numRuns: spec.numRuns ?? FC.numRuns },
      );
    });
    if (spec.secondOrder) {
      test(`${name}: second derivatives (gradgradcheck)`, () => {
        fc.assert(
          fc.property(spec.arb, (c) => gradgradcheck(c.f, c.inputs, { name, eps: c.eps ?? 1e-6, atol: c.atol ?? 1e-5, rtol: c.rtol ?? 1e-4 })),
          { ...FC, numRuns: 6 },
        );
      });
    }
  }
});
