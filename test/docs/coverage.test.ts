// Documentation coverage of the public API (the docs lint). Every symbol exported by
// an entry point, unless marked @internal:
// - has a summary; functions, classes and constants have an `@example` (run by examples.test.ts);
// - functions, methods and constructors have `@param` for each parameter and `@returns` unless
//   they return nothing; a Tensor method that links its functional op ({@link sum}) inherits that
//   op's documentation instead;
// - class and interface members have a summary;
// - differentiable ops state their gradient ("Gradient: ...").

import { describe, expect, test } from 'vitest';
import { apiInventory, type ApiItem } from './lib/api.js';

/** Op functions with no gradient to state (creation, comparison, index-valued, helpers). */
const NOT_DIFFERENTIABLE = new Set([
  'arange', 'empty', 'eye', 'full', 'fullLike', 'linspace', 'ones', 'onesLike', 'rand', 'randLike', 'randint', 'randn', 'randnLike', 'randperm', 'multinomial', 'bernoulli', 'halfBits',
  'tensor', 'zeros', 'zerosLike', 'fromArray', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'logicalXor',
  'logicalNot', 'isnan', 'isinf', 'isfinite', 'argmax', 'argmin', 'oneHot', 'allclose', 'argsort', 'all', 'any', 'unique', 'bincount', 'searchsorted', 'nonzero', 'apply', 'definePrimitive', 'primitives',
]);

const items = apiInventory();
const byFile = (list: ApiItem[]) => {
  const files = new Map<string, string[]>();
  for (const it of list) for (const p of it.problems) files.set(it.file, [...(files.get(it.file) ?? []), `${it.name}: ${p}`]);
  return [...files].map(([f, ps]) => `${f}\n    ${ps.join('\n    ')}`).join('\n');
};

describe('API documentation', () => {
  test('the inventory sees the whole API', () => {
    expect(items.length).toBeGreaterThan(300);
    for (const entry of ['@tsgrad/core', '@tsgrad/core/testing', '@tsgrad/nn', '@tsgrad/train']) expect(items.some((i) => i.entry === entry)).toBe(true);
  });

  for (const entry of [...new Set(items.map((i) => i.entry))]) {
    test(`${entry}: every export has a summary, @param/@returns, member docs and an @example`, () => {
      const bad = items.filter((i) => i.entry === entry && i.problems.length > 0);
      expect(bad.length, `undocumented:\n${byFile(bad)}`).toBe(0);
    });
  }

  test('differentiable ops state their gradient', () => {
    const ops = items.filter((i) => i.entry === '@tsgrad/core' && i.kind === 'function' && i.file.includes('/ops/') && !NOT_DIFFERENTIABLE.has(i.name));
    expect(ops.length).toBeGreaterThan(60);
    const missing = ops.filter((i) => !/\bGradient\b/.test(i.doc)).map((i) => `${i.name} (${i.file})`);
    expect(missing, 'ops whose docs lack a "Gradient: ..." line').toEqual([]);
  });
});
