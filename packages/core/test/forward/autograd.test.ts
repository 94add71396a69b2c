// In-place ops and the autograd API: accumulation, retainGraph, retainGrad, grad modes, functional grads,
// higher order, deep graphs, detach and the saved-tensor version check.
import { describe, expect, test } from 'vitest';
import {
  autograd, AutogradError, DTypeError, enableGrad, grad, isGradEnabled, noGrad, ShapeError, tensor, valueAndGrad, ValueError, zeros,
  type NestedArray, type Tensor,
} from '@tsgrad/core';
import { expectClose } from './close.js';

const f64 = (d: NestedArray, requiresGrad = false) => tensor(d, { dtype: 'float64', requiresGrad });

describe('in-place ops', () => {
  test('copy_ broadcasts and casts; add_/sub_ take alpha; mul_, div_, fill_, zero_', () => {
    const x = zeros([2, 2]);
    expect(x.copy_(tensor([1, 2])).tolist()).toEqual([[1, 2], [1, 2]]);
    x.copy_(tensor([[1.9, -1.9], [0, 3]], { dtype: 'float64' }));
    expect(x.tolist()).toEqual([[Math.fround(1.9), Math.fround(-1.9)], [0, 3]]);
    const i = tensor([0, 0], { dtype: 'int32' }).copy_(tensor([1.9, -1.9]));
    expect(i.tolist()).toEqual([1, -1]); // copy_ casts like to('int32')
    const y = tensor([1, 2]);
    expect(y.add_(tensor([1, 1]), { alpha: 3 }).tolist()).toEqual([4, 5]);
    expect(y.sub_(1).tolist()).toEqual([3, 4]);
    expect(y.mul_(tensor([2, 0.5])).tolist()).toEqual([6, 2]);
    expect(y.div_(4).tolist()).toEqual([1.5, 0.5]);
    expect(y.fill_(7).tolist()).toEqual([7, 7]);
    expect(y.zero_().tolist()).toEqual([0, 0]);
  });

  test('in-place ops return the same tensor, write its storage and bump the version', () => {
    const x = tensor([1, 2]);
    const v0 = x.storage.version;
    expect(x.add_(1)).toBe(x);
    expect(x.storage.version).toBe(v0 + 1);
  });

  test('one-pass in-place arithmetic writes views and aliases correctly', () => {
    // a dense view in the middle of a storage: only its elements change, each once
    const base = tensor([1, 2, 3, 4, 5, 6]);
    base.narrow(0, 2, 3).mul_(10);
    expect(base.tolist()).toEqual([1, 2, 30, 40, 50, 6]);
    // a strided view (a column) is written through the copy path, the same values
    const m = tensor([[1, 2], [3, 4]]);
    m.select(1, 0).add_(tensor([10, 20]));
    expect(m.tolist()).toEqual([[11, 2], [23, 4]]);
    // the other operand aliases the written tensor: every element reads the old values
    const a = tensor([[1, 2], [3, 4]]);
    a.add_(a.t());
    expect(a.tolist()).toEqual([[2, 5], [5, 8]]);
    const b = tensor([1, 2, 3]);
    b.mul_(b);
    expect(b.tolist()).toEqual([1, 4, 9]);
    // broadcasting the other operand, int32 and bool results, float64
    const c = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int32' });
    c.sub_(tensor([1, 1, 1], { dtype: 'int32' })).mul_(tensor([[2], [3]], { dtype: 'int32' }));
    expect(c.tolist()).toEqual([[0, 2, 4], [9, 12, 15]]);
    expect(c.dtype).toBe('int32');
    const d = f64([1, 2]);
    d.div_(3);
    expect(d.tolist()).toEqual([1 / 3, 2 / 3]);
    // a tensor saved for backward is caught by the version check after a one-pass write
    const x = f64([1, 2], true);
    const y = x.mul(2);
    const z = y.mul(y);
    noGrad(() => y.mul_(2));
    expect(() => z.sum().backward()).toThrow(AutogradError);
  });

  test('copy_ from a view of itself reads the old values (x.copy_(x.t()) transposes)', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(x.copy_(x.t()).tolist()).toEqual([[1, 3], [2, 4]]);
  });

  test('refused: on a tensor requiring grad with grad mode on; a result that grows the tensor or changes its category', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(AutogradError);
    noGrad(() => w.sub_(tensor([0.5, 0.5])));
    expect(w.tolist()).toEqual([0.5, 1.5]);
    expect(w.requiresGrad).toBe(true);
    expect(() => tensor([1, 2]).add_(zeros([3, 2]))).toThrow(ShapeError);
    expect(() => tensor([1], { dtype: 'int32' }).mul_(0.5)).toThrow(DTypeError);
    expect(() => tensor([1]).expand([3]).fill_(0)).toThrow(ValueError);
  });
});

describe('backward and .grad', () => {
  test('backward accumulates into .grad across calls', () => {
    const x = f64([1, 2, 3], true);
    x.mul(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 7, 9]);
  });

  test('a non-scalar root takes an explicit gradient', () => {
    const x = f64([1, 2], true);
    x.mul(x).backward(f64([1, 10]));
    expect(x.grad!.tolist()).toEqual([2, 40]);
  });

  test('retainGraph allows a second backward; without it the second one throws', () => {
    const x = f64([3], true);
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([12]);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/backward through the graph a second time/);
  });

  test('retainGrad keeps the gradient of a non-leaf; other non-leaves have none', () => {
    const x = f64([1, 2], true);
    const h = x.mul(3).retainGrad();
    const z = h.mul(h);
    z.sum().backward();
    expect(h.grad!.tolist()).toEqual([6, 12]); // d(h^2)/dh = 2h
    expect(z.grad).toBeNull();
    expect(x.grad!.tolist()).toEqual([18, 36]);
  });

  test('each .grad owns a dense storage, so in-place updates (clipping, zero_) touch only it', () => {
    const a = f64([1, 2], true);
    const b = f64([3, 4], true);
    a.add(b).sum().backward(); // add hands one (stride-0, from sum) gradient to both inputs
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    expect(a.grad!.isContiguous()).toBe(true);
    noGrad(() => [a.grad!, b.grad!].forEach((g) => g.mul_(0.5)));
    expect([a.grad!.tolist(), b.grad!.tolist()]).toEqual([[0.5, 0.5], [0.5, 0.5]]);
    const x = f64([1, 2], true);
    const seed = f64([5, 6]);
    x.add(0).backward(seed);
    noGrad(() => x.grad!.zero_());
    expect(seed.tolist()).toEqual([5, 6]); // the caller's gradient tensor is not aliased
  });

  test('a leaf that does not require grad gets no .grad; broadcasting is summed back', () => {
    const x = f64([[1, 2], [3, 4]], true);
    const b = f64([10, 20], true);
    const c = f64([1, 1]);
    x.add(b).mul(c).sum().backward();
    expect(b.grad!.tolist()).toEqual([2, 2]);
    expect(c.grad).toBeNull();
  });
});

describe('grad modes', () => {
  test('noGrad records nothing; enableGrad re-enables inside it; both restore the mode', () => {
    const x = f64([1], true);
    const y = noGrad(() => x.mul(2));
    expect([y.requiresGrad, y.gradFn]).toEqual([false, null]);
    const z = noGrad(() => enableGrad(() => x.mul(2)));
    expect(z.requiresGrad).toBe(true);
    expect(z.gradFn!.name).toBe('mul');
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  test('detach shares storage, drops the graph and cuts gradient flow', () => {
    const x = f64([2], true);
    const d = x.mul(3).detach();
    expect([d.requiresGrad, d.gradFn, d.isLeaf]).toEqual([false, null, true]);
    const y = x.mul(x.detach()); // d/dx (x * const) = const
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([2]);
    expect(x.detach().storage).toBe(x.storage);
  });
});

describe('functional gradients', () => {
  test('grad and valueAndGrad, with argnums', () => {
    const f = (a: Tensor, b: Tensor) => a.mul(b).sum();
    expect(grad(f)(f64([1, 2]), f64([3, 4])).tolist()).toEqual([3, 4]);
    const [ga, gb] = grad(f, { argnums: [0, 1] })(f64([1, 2]), f64([3, 4]));
    expect([ga!.tolist(), gb!.tolist()]).toEqual([[3, 4], [1, 2]]);
    const [v, g] = valueAndGrad((x: Tensor) => x.square().sum())(f64([3]));
    expect([v.item(), g.tolist(), v.requiresGrad]).toEqual([9, [6], false]);
  });

  test('second derivative of x^3 is 6x, by autograd.grad with createGraph and by grad of grad', () => {
    const x = f64([2, -1], true);
    const [g] = autograd.grad(x.pow(3).sum(), x, { createGraph: true });
    expectClose(g!, [12, 3], 1e-14); // 3x^2
    const [h] = autograd.grad(g!.sum(), x);
    expectClose(h!, [12, -6], 1e-14);
    const d2 = grad((a: Tensor) => grad((b: Tensor) => b.pow(3).sum())(a).sum());
    expectClose(d2(f64([2, 3])), [12, 18], 1e-14);
  });

  test('autograd.grad leaves .grad alone and refuses unused inputs unless allowUnused', () => {
    const x = f64([1], true);
    const u = f64([1], true);
    const [gx] = autograd.grad(x.mul(5).sum(), [x]);
    expect([gx!.tolist(), x.grad]).toEqual([[5], null]);
    expect(() => autograd.grad(x.mul(5).sum(), [x, u])).toThrow(AutogradError);
    expect(autograd.grad(x.mul(5).sum(), [x, u], { allowUnused: true })[1]).toBeNull();
  });

  test('a graph of 100,000 chained adds runs backward without overflowing the stack', () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([1]);
    expect(y.item()).toBe(100_001);
  });
});

describe('saved-tensor version check', () => {
  test('modifying a tensor saved for backward, then calling backward, throws', () => {
    const x = f64([1, 2], true);
    const w = f64([3, 4]);
    const y = x.mul(w); // mul saves w
    w.mul_(2);
    expect(() => y.sum().backward()).toThrow(AutogradError);
  });

  test('modifying a saved output in place (under noGrad) is caught too; cloning first is fine', () => {
    const x = f64([0, 1], true);
    const e = x.exp(); // exp saves its output
    noGrad(() => e.add_(1));
    expect(() => e.sum().backward()).toThrow(/modified by an in-place operation/);
    const x2 = f64([0, 1], true);
    const e2 = x2.exp();
    noGrad(() => e2.clone().add_(1));
    e2.sum().backward();
    expectClose(x2.grad!, [1, Math.E], 1e-15);
  });
});
