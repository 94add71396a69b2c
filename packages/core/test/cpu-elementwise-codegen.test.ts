// The CPU elementwise kernel compiles one loop per op with `new Function`; where a page's
// Content-Security-Policy forbids that (EvalError), it falls back to a loop without code generation
// that gives the same results. Any other error while compiling is a bug and must not be hidden.

import { afterEach, describe, expect, test } from 'vitest';
import { apply, definePrimitive, tensor } from '@tsgrad/core';

const shape = ([x, y]: readonly { shape: readonly number[] }[]) =>
  x!.shape.length >= y!.shape.length ? x!.shape : y!.shape;
// the same op twice: each op gets its own kernel and loops, so one can run without code generation
const [hypotOp, hypotNoEvalOp] = ['hypotCodegenTest', 'hypotNoEvalTest'].map((name) => definePrimitive({
  name, kind: 'elementwise', args: ['x', 'y'],
  shape: (ins) => [...shape(ins)], dtype: ([x]) => x!.dtype,
  scalar: (x, y) => Math.sqrt(x * x + y * y),
})) as [ReturnType<typeof definePrimitive>, ReturnType<typeof definePrimitive>];
const sumOp = definePrimitive({
  name: 'sum-codegen.test', kind: 'elementwise', args: ['x', 'y'], // a name that is no identifier
  shape: (ins) => [...shape(ins)], dtype: ([x]) => x!.dtype,
  scalar: (x, y) => x + 2 * y,
});

const RealFunction = globalThis.Function;
afterEach(() => {
  globalThis.Function = RealFunction;
});

describe('elementwise code generation', () => {
  test('an op whose name is no identifier still compiles and computes', () => {
    const y = apply(sumOp, [tensor([[1, 2, 3], [4, 5, 6]]), tensor([[10], [20]])], {});
    expect(y.tolist()).toEqual([[21, 22, 23], [44, 45, 46]]);
  });

  test('where code generation is refused (EvalError), the generic loop gives the same values', () => {
    const a = tensor([[3, 5], [8, 7]]);
    const b = tensor([[4, 12], [15, 24]]);
    const c = tensor([4, 15.5]);
    const want = [apply(hypotOp, [a, b], {}).tolist(), apply(hypotOp, [a.t(), c], {}).tolist()];
    expect(want[0]).toEqual([[5, 13], [17, 25]]);
    globalThis.Function = function refuse() {
      throw new EvalError('Refused to evaluate a string as JavaScript (unsafe-eval)');
    } as unknown as FunctionConstructor;
    // unit-stride, then strided (transposed) and broadcast inputs
    expect(apply(hypotNoEvalOp, [a, b], {}).tolist()).toEqual(want[0]);
    expect(apply(hypotNoEvalOp, [a.t(), c], {}).tolist()).toEqual(want[1]);
  });

  test('any other failure to compile is thrown, not hidden behind the slow loop', () => {
    const broken = definePrimitive({
      name: 'brokenCodegenTest', kind: 'elementwise', args: ['x'],
      shape: ([x]) => x!.shape, dtype: ([x]) => x!.dtype,
      scalar: (x) => x + 1,
    });
    globalThis.Function = function syntaxError() {
      throw new SyntaxError('Unexpected token');
    } as unknown as FunctionConstructor;
    expect(() => apply(broken, [tensor([1, 2])], {})).toThrow(SyntaxError);
  });
});
