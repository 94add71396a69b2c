// PyTorch pieces a training script reaches for: TensorDataset with a DataLoader, loss modules,
// binary cross-entropy on probabilities, and add_param_group. Values worked by hand.
import { describe, expect, test } from 'vitest';
import { binaryCrossEntropy, tensor, zeros } from '@tsgrad/core';
import { BCELoss, CrossEntropyLoss, Linear, MSELoss } from '@tsgrad/nn';
import { DataLoader, SGD, TensorDataset, stackCollate } from '@tsgrad/train';

describe('PyTorch training API', () => {
  test('TensorDataset + DataLoader batch slices of every tensor', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const y = tensor([0, 1, 0, 1], { dtype: 'int32' });
    const ds = new TensorDataset(x, y);
    expect(ds.length).toBe(4);
    expect(ds.at(-1)!.map((t) => t.tolist())).toEqual([[7, 8], 1]);
    expect(ds.at(4)).toBeUndefined();
    const batches = [...new DataLoader(ds, { batchSize: 3, collateFn: stackCollate })];
    expect(batches.map(([a, b]) => [a!.shape, b!.tolist()])).toEqual([[[3, 2], [0, 1, 0]], [[1, 2], [1]]]);
    expect(() => new TensorDataset(x, tensor([1, 2, 3]))).toThrow(/TensorDataset: size mismatch between tensors/);
  });

  test('binaryCrossEntropy: -(t log p + (1 - t) log(1 - p)), logs clamped at -100', () => {
    const p = tensor([0.8, 0.2, 1], { dtype: 'float64' });
    const t = tensor([1, 1, 0], { dtype: 'float64' });
    const none = binaryCrossEntropy(p, t, { reduction: 'none' }).tolist() as number[];
    expect(none[0]).toBeCloseTo(-Math.log(0.8), 12);
    expect(none[1]).toBeCloseTo(-Math.log(0.2), 12);
    expect(none[2]).toBe(100); // log(1 - 1) = -inf, clamped
    expect(() => binaryCrossEntropy(p, tensor([1, 0]))).toThrow(/binaryCrossEntropy: target must have the input's shape/);
  });

  test('loss modules apply their functional with the options given at construction', () => {
    const logits = tensor([[2, 0], [0, 2]]);
    const target = tensor([0, 0], { dtype: 'int32' });
    // per row: ln(1 + e^-2) = 0.126928 and ln(1 + e^2) = 2.126928
    expect(new CrossEntropyLoss({ reduction: 'none' }).forward(logits, target).tolist()).toEqual([expect.closeTo(0.126928, 5), expect.closeTo(2.126928, 5)]);
    expect(new CrossEntropyLoss({ ignoreIndex: 0 }).forward(logits, target).item()).toBeNaN(); // every target ignored: 0 / 0, as PyTorch
    expect(new BCELoss({ reduction: 'sum' }).forward(tensor([0.5, 0.5]), tensor([1, 0])).item()).toBeCloseTo(2 * Math.LN2, 5);
    expect(new MSELoss({ reduction: 'sum' }).forward(tensor([1, 2]), tensor([1, 4])).item()).toBe(4);
  });

  test('addParamGroup trains a second group with its own learning rate', () => {
    const head = new Linear(2, 1);
    const body = zeros([2], { requiresGrad: true });
    const opt = new SGD(head.parameters(), { lr: 0.1 });
    opt.addParamGroup({ params: [['body', body]], lr: 0.5 });
    body.add(1).sum().backward();
    opt.step();
    expect(body.tolist()).toEqual([-0.5, -0.5]);
    expect(opt.paramGroups.map((g) => [g.lr, g.initialLr])).toEqual([[0.1, 0.1], [0.5, 0.5]]);
    expect(() => opt.addParamGroup({ params: [body] })).toThrow(/appears in more than one group/);
  });
});
