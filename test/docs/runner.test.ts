// The doc-example runner itself: the value notation, and that a wrong value, a wrong import or an
// error fails the snippet (so a passing example really checked something).

import { describe, expect, test } from 'vitest';
import { examplesOf, type DocComment } from './lib/extract.js';
import { docScope } from './lib/scope.js';
import { runSnippet } from './lib/snippet.js';
import { mismatch, parseExpectation, type Spec } from './lib/values.js';

const scope = docScope();
const run = (code: string) => runSnippet({ id: 'test', file: 'test.ts', line: 1, code }, scope);
const spec = (s: string): Spec => {
  const e = parseExpectation(s);
  if (e?.kind !== 'value') throw new Error(`not a value: ${s}`);
  return e.spec;
};

describe('value notation', () => {
  test('prose is not a value; a broken value is an error', () => {
    expect(parseExpectation('d loss / d x')).toBeUndefined();
    expect(parseExpectation('shape (B, T)')).toBeUndefined();
    expect(() => parseExpectation('[1, 2] and more')).toThrow(/write notes in parentheses/);
    expect(() => parseExpectation('[1, 2')).toThrow(/cannot parse/);
  });

  test('numbers are exact to float32 rounding unless truncated or approximate', () => {
    expect(mismatch(spec('0.1'), Math.fround(0.1))).toBeUndefined();
    expect(mismatch(spec('0.1'), 0.1001)).toMatch(/expected 0.1/);
    expect(mismatch(spec('0.6931...'), Math.LN2)).toBeUndefined();
    expect(mismatch(spec('0.6931...'), 0.6945)).toBeDefined();
    expect(mismatch(spec('[0.84] (about)'), [0.8413])).toBeUndefined();
    expect(mismatch(spec('≈ 7e-4'), 6.9877e-4)).toBeUndefined(); // one unit of the last printed digit
    expect(mismatch(spec('≈ 7e-4'), 9e-4)).toBeDefined();
    expect(mismatch(spec('≈ 6.988e-4'), 6.9877e-4)).toBeUndefined();
    expect(mismatch(spec('[-inf, NaN]'), [-Infinity, NaN])).toBeUndefined();
  });

  test('arrays, strings and objects; ... means "starts with" or "more keys"', () => {
    expect(mismatch(spec('[1, 2, ...]'), [1, 2, 3])).toBeUndefined();
    expect(mismatch(spec('[1, 2]'), [1, 2, 3])).toMatch(/2 elements/);
    expect(mismatch(spec("'ab...'"), 'abc')).toBeUndefined();
    expect(mismatch(spec("'a\\uD800'"), 'a\uD800')).toBeUndefined();
    expect(mismatch(spec('{ a: 1, ... }'), { a: 1, b: 2 })).toBeUndefined();
    expect(mismatch(spec('{ a: 1 }'), { a: 1, b: 2 })).toMatch(/unexpected keys b/);
    expect(mismatch(spec('true'), false)).toBeDefined();
  });
});

describe('snippets', () => {
  test('a right value passes and counts as a check; tensors compare by value', async () => {
    const r = await run('tensor([[1, 2], [3, 4]]).sum(0); // [4, 6]\nconsole.log(1 + 1); // 2');
    expect(r.checks).toBe(2);
    expect(r.logs).toEqual(['2']);
  });

  test('a wrong value fails, naming the line and the expression', async () => {
    await expect(run('const x = 1;\nx + 1; // 3')).rejects.toThrow(/test.ts:2: `x \+ 1` \/\/ 3\n {2}expected 3, got 2/);
  });

  test('throws: checks the error class and message prefix', async () => {
    await expect(run("zeros([2]).item(); // throws ValueError: item: a tensor with 2...")).resolves.toMatchObject({ checks: 1 });
    await expect(run('zeros([1]).item(); // throws ValueError')).rejects.toThrow(/expected it to throw/);
    await expect(run('zeros([2]).item(); // throws ShapeError')).rejects.toThrow(/expected a ShapeError/);
  });

  test('imports are checked against the module they name', async () => {
    await expect(run("import { tensor } from '@tsgrad/core';\ntensor([1]).tolist(); // [1]")).resolves.toMatchObject({ checks: 1 });
    await expect(run("import { gradcheck } from '@tsgrad/core';")).rejects.toThrow(/does not export it/);
    await expect(run("import { join } from 'node:path';\njoin('a', 'b'); // 'a/b'")).resolves.toMatchObject({ checks: 1 });
  });

  test('top-level await works, and a check inside a function is refused', async () => {
    await expect(run('await Promise.resolve(5); // 5')).resolves.toMatchObject({ checks: 1 });
    await expect(run('function f() {\n  1; // 1\n}')).rejects.toThrow(/never run/);
  });
});

describe('@example extraction', () => {
  const comment = (text: string): DocComment => ({ file: 'f.ts', owner: 'f', line: 10, text });

  test('inline and block examples, ending at the next tag, with file lines', () => {
    expect(examplesOf(comment('/** Sum. @example sum(x); // 1 */'))).toEqual([{ code: 'sum(x); // 1', line: 10 }]);
    const block = '/**\n * Doc with `@example` in prose.\n * @example\n * a();\n * b();\n * @param x - not code\n */';
    expect(examplesOf(comment(block))).toEqual([{ code: 'a();\nb();', line: 13 }]);
    const fenced = '/**\n * @example\n * ```ts\n * c();\n * ```\n */';
    expect(examplesOf(comment(fenced))).toEqual([{ code: 'c();', line: 13 }]);
  });
});
