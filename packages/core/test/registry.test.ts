// Registry completeness: every primitive is exported and checked, every exported differentiable
// function has a gradient check, every elementwise primitive has a self-contained scalar.

import { describe, expect, test } from 'vitest';
import * as core from '@tsgrad/core';
import { primitives } from '@tsgrad/core';
import * as barrel from '../src/ops/index.js';
import { SMOOTH } from './grad/helpers.js';
import { allSpecs } from './grad/specs.js';

// Exports of the op barrel that are not differentiable ops (creation, comparisons, indices,
// helpers). Adding a differentiable op without a gradient check fails the test below.
const NOT_DIFFERENTIABLE = new Set([
  'arange', 'empty', 'eye', 'full', 'fullLike', 'linspace', 'ones', 'onesLike', 'rand', 'randLike', 'randint', 'randn', 'randnLike', 'randperm', 'multinomial', 'bernoulli', 'halfBits', 'tensor', 'zeros', 'zerosLike', 'fromArray',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor', 'logicalNot', 'isnan', 'isinf', 'isfinite', 'argmax', 'argmin', 'oneHot',
  'all', 'any', 'unique', 'bincount', 'searchsorted', 'nonzero',
  'sign', 'floor', 'ceil', 'round', 'trunc', // zero gradient (checked with the elementwise suite)
  'erfScalar', 'sliceAttrs', 'inferShape', 'viewStrides', 'moved', 'checkHolds', 'adamStep', 'adamStep_', 'adamComposite', 'linearDynamicInt8', 'quantizeWeightInt8', 'linearCrossEntropyPacked', 'apply', 'definePrimitive', 'primitives',
]);

const covered = new Set(allSpecs.flatMap((s) => s.covers.map((c) => c.split(' ')[0]!)));
const elementwiseNames = new Set(primitives().filter((p) => p.kind === 'elementwise' && p.vjp).map((p) => p.name));

describe('op registry', () => {
  test('every primitive with a VJP has a gradient check', () => {
    const missing = primitives().filter((p) => p.vjp && p.kind !== 'elementwise' && !covered.has(p.name)).map((p) => p.name);
    expect(missing).toEqual([]);
  });

  test('every exported op function is gradient-checked or declared non-differentiable', () => {
    const opExports = Object.entries(core).filter(([name, v]) => typeof v === 'function' && /^[a-z]/.test(name) && name in barrel);
    const unchecked = opExports.map(([n]) => n).filter((n) => !covered.has(n) && !elementwiseNames.has(n) && !NOT_DIFFERENTIABLE.has(n));
    expect(unchecked).toEqual([]);
  });

  test('every elementwise primitive has a scalar function that needs nothing from outside', () => {
    for (const p of primitives().filter((q) => q.kind === 'elementwise')) {
      expect(typeof p.scalar, p.name).toBe('function');
      // re-create the function from its source alone: it must not capture outer variables
      const src = p.scalar!.toString();
      const rebuilt = new Function(`return (${src});`)() as (...xs: number[]) => number;
      const args = p.args.map((_, i) => 0.37 + i);
      expect(Object.is(rebuilt(...args), p.scalar!(...args)), p.name).toBe(true);
    }
  });

  test('primitive names are unique and match their exported function', () => {
    const names = primitives().map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const functions = new Set(Object.keys(core));
    const unnamed = names.filter((n) => !functions.has(n));
    expect(unnamed).toEqual([]);
  });

  test('second-order checks cover the smooth elementwise primitives', () => {
    for (const n of SMOOTH) expect(elementwiseNames.has(n), n).toBe(true);
  });
});
