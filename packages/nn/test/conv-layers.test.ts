// Conv1d/Conv2d, BatchNorm1d/2d, ParameterList, Flatten and Softmax: PyTorch's state-dict keys,
// initialisation bounds, and outputs and running statistics worked out by hand.
import { describe, expect, test } from 'vitest';
import { manualSeed, ones, randn, tensor, zeros, type NestedArray, type Tensor } from '@tsgrad/core';
import { BatchNorm1d, BatchNorm2d, Conv1d, Conv2d, Flatten, Module, ParameterList, Softmax } from '@tsgrad/nn';

const f64 = (d: NestedArray) => tensor(d, { dtype: 'float64' });
const close = (a: Tensor, b: NestedArray, tol = 1e-9) => {
  const flat = (v: NestedArray): number[] => (Array.isArray(v) ? v.flatMap((x) => flat(x as NestedArray)) : [Number(v)]);
  const [x, y] = [flat(a.tolist()), flat(b)];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!), `element ${i}: ${v} vs ${y[i]}`).toBeLessThanOrEqual(tol));
};

describe('Conv1d and Conv2d', () => {
  test('shapes, PyTorch keys and kaiming-uniform bounds 1/sqrt(fanIn)', () => {
    manualSeed(1);
    const c = new Conv2d(4, 6, [3, 2], { groups: 2 });
    expect(Object.keys(c.stateDict())).toEqual(['weight', 'bias']);
    expect(c.weight.shape).toEqual([6, 2, 3, 2]);
    const bound = 1 / Math.sqrt(2 * 3 * 2); // fanIn = (inChannels / groups) * kH * kW
    expect(c.weight.abs().amax().item()).toBeLessThanOrEqual(bound);
    expect(c.bias!.abs().amax().item()).toBeLessThanOrEqual(bound);
    expect(c.weight.abs().amax().item()).toBeGreaterThan(bound / 2);
    expect(new Conv1d(2, 3, 5, { bias: false }).bias).toBeNull();
    expect(new Conv2d(3, 8, 3, { stride: 2, padding: 1 }).forward(randn([2, 3, 9, 7])).shape).toEqual([2, 8, 5, 4]);
    expect(new Conv1d(3, 8, 4, { padding: 'same', dilation: 2 }).forward(randn([3, 11])).shape).toEqual([8, 11]);
  });

  test('outputs with loaded weights, hand-worked', () => {
    const c = new Conv1d(1, 2, 2).to('float64');
    c.loadStateDict({ weight: f64([[[1, 1]], [[1, -1]]]), bias: f64([0, 10]) });
    close(c.forward(f64([[[1, 2, 4]]])), [[[3, 6], [9, 8]]]);
    const c2 = new Conv2d(1, 1, 2, { bias: false }).to('float64');
    c2.loadStateDict({ weight: f64([[[[1, 0], [0, 1]]]]) }); // trace of each 2x2 window
    close(c2.forward(f64([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]])), [[[6, 8], [12, 14]]]);
  });

  test('padding modes pad with pad() first, as PyTorch', () => {
    const c = new Conv1d(1, 1, 3, { padding: 1, bias: false, paddingMode: 'circular' }).to('float64');
    c.loadStateDict({ weight: f64([[[1, 0, 0]]]) }); // out[i] = padded[i] = x[i - 1] wrapped
    close(c.forward(f64([[[1, 2, 3]]])), [[[3, 1, 2]]]);
    const r = new Conv1d(1, 1, 3, { padding: 'same', bias: false, paddingMode: 'reflect' }).to('float64');
    r.loadStateDict({ weight: f64([[[0, 0, 1]]]) }); // out[i] = x[i + 1] reflected at the end
    close(r.forward(f64([[[1, 2, 3]]])), [[[2, 3, 2]]]);
  });

  test('errors name the layer and the shapes', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/Conv2d.*divisible by groups/);
    expect(() => new Conv2d(3, 4, 3).forward(randn([1, 2, 5, 5]))).toThrow(/Conv2d.*3 input channels/);
    expect(() => new Conv1d(3, 4, 3).forward(randn([5]))).toThrow(/Conv1d.*2-d \(unbatched\) or 3-d/);
    expect(() => new Conv1d(1, 1, 3, { stride: 2, padding: 'same' })).toThrow(/Conv1d.*'same'/);
  });
});

describe('BatchNorm1d and BatchNorm2d', () => {
  test('PyTorch keys, initial values, running statistics after two batches', () => {
    const bn = new BatchNorm1d(2, { momentum: 0.5 }).to('float64');
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    const y = bn.forward(f64([[1, 0], [3, 4]])); // means 2, 2; biased variances 1, 4
    close(y, [[-1 / Math.sqrt(1 + 1e-5), -2 / Math.sqrt(4 + 1e-5)], [1 / Math.sqrt(1 + 1e-5), 2 / Math.sqrt(4 + 1e-5)]]);
    close(bn.running_mean!, [1, 1]); // 0.5 * 0 + 0.5 * 2
    close(bn.running_var!, [1.5, 4.5]); // 0.5 * 1 + 0.5 * (unbiased 2, 8)
    bn.forward(f64([[5, 1], [5, 1]])); // means 5, 1; unbiased variances 0, 0
    close(bn.running_mean!, [3, 1]);
    close(bn.running_var!, [0.75, 2.25]);
    expect(bn.num_batches_tracked!.item()).toBe(2);
  });

  test('momentum null is the cumulative average; eval uses the running statistics', () => {
    const bn = new BatchNorm1d(1, { momentum: null, affine: false }).to('float64');
    bn.forward(f64([[0], [2]])); // mean 1 -> running 1 (factor 1/1)
    bn.forward(f64([[4], [6]])); // mean 5 -> 1 + (5 - 1) / 2 = 3
    close(bn.running_mean!, [3]);
    bn.eval();
    const before = bn.num_batches_tracked!.item();
    close(bn.forward(f64([[3], [5]])), [[0], [2 / Math.sqrt(bn.running_var!.item() + 1e-5)]]);
    expect(bn.num_batches_tracked!.item()).toBe(before); // evaluation changes nothing
  });

  test('without tracked statistics the batch statistics are used in eval too', () => {
    const bn = new BatchNorm2d(1, { trackRunningStats: false, eps: 0 }).to('float64').eval();
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias']);
    close(bn.forward(f64([[[[1, 3]]], [[[1, 3]]]])), [[[[-1, 1]]], [[[-1, 1]]]]);
  });

  test('state dicts move both ways; errors', () => {
    const a = new BatchNorm2d(3);
    a.forward(randn([2, 3, 2, 2]));
    const b = new BatchNorm2d(3);
    b.loadStateDict(a.stateDict());
    close(b.running_var!, a.running_var!.tolist(), 1e-7);
    expect(b.num_batches_tracked!.item()).toBe(1);
    b.resetRunningStats();
    close(b.running_mean!, [0, 0, 0]);
    expect(() => a.forward(randn([2, 3]))).toThrow(/BatchNorm2d.*4-d/);
    expect(() => new BatchNorm1d(3).forward(randn([2, 4]))).toThrow(/BatchNorm1d.*3 channels/);
  });
});

describe('ParameterList, Flatten, Softmax', () => {
  test('ParameterList registers under 0, 1, ... inside a module too', () => {
    class Holder extends Module {
      list = new ParameterList([zeros([2])]);
      forward(x: Tensor): Tensor { return x; }
    }
    const h = new Holder();
    h.list.append(ones([1])).extend([ones([3])]);
    expect(Object.keys(h.stateDict())).toEqual(['list.0', 'list.1', 'list.2']);
    expect(h.parameters().length).toBe(3);
    expect([...h.list].map((p) => p.shape)).toEqual([[2], [1], [3]]);
    expect(h.list.at(-1).shape).toEqual([3]);
    h.list.set(0, ones([4]));
    expect(h.list.at(0).shape).toEqual([4]);
    expect(() => h.list.at(3)).toThrow(/ParameterList.*out of range/);
  });

  test('Flatten merges dims; Softmax sums to 1 along its dim', () => {
    expect(new Flatten().forward(ones([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten(1, 2).forward(ones([2, 3, 4, 5])).shape).toEqual([2, 12, 5]);
    const p = new Softmax(0).forward(f64([[0, 1], [Math.log(3), 1]]));
    close(p, [[0.25, 0.5], [0.75, 0.5]], 1e-12);
  });
});
