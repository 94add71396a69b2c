// The module system: reflection (dotted names, arrays, containers), modes, zeroGrad, apply, freezing,
// to(dtype), numParameters, functionalCall and cloneModule.

import { describe, expect, test } from 'vitest';
import { type Tensor, noGrad, ones, tensor, zeros } from '@tsgrad/core';
import {
  Buffer, Dropout, Embedding, LayerNorm, Linear, Module, ModuleDict, ModuleList, Parameter, ReLU, Sequential,
  cloneModule, functionalCall,
} from '@tsgrad/nn';

class Block extends Module {
  fc = new Linear(3, 2);
  norm = new LayerNorm(2);
  drop = new Dropout(0.5);
  forward(x: Tensor): Tensor {
    return this.drop.forward(this.norm.forward(this.fc.forward(x)));
  }
}

class Net extends Module {
  scale = new Parameter(ones([2]));
  table = new Buffer(tensor([1, 2, 3]));
  scratch = new Buffer(zeros([2]), false);
  h = [new Block(), new Block()];
  head = new Linear(2, 4, { bias: false });
  plain = ones([5]); // a plain tensor field is not a parameter
  forward(x: Tensor): Tensor {
    let y = x;
    for (const b of this.h) y = b.forward(y.narrow(-1, 0, 3));
    return this.head.forward(y.mul(this.scale));
  }
}

describe('reflection', () => {
  test('parameters get dotted names in declaration order; arrays give name.i', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale', 'h.0.fc.weight', 'h.0.fc.bias', 'h.0.norm.weight', 'h.0.norm.bias',
      'h.1.fc.weight', 'h.1.fc.bias', 'h.1.norm.weight', 'h.1.norm.bias', 'head.weight',
    ]);
    expect(net.namedModules().map(([n, m]) => `${n}:${m.constructor.name}`)).toEqual([
      ':Net', 'h.0:Block', 'h.0.fc:Linear', 'h.0.norm:LayerNorm', 'h.0.drop:Dropout',
      'h.1:Block', 'h.1.fc:Linear', 'h.1.norm:LayerNorm', 'h.1.drop:Dropout', 'head:Linear',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['h.0', 'h.1', 'head']);
    expect(net.children()).toHaveLength(3);
    expect(net.namedBuffers().map(([n, b]) => `${n}:${b.persistent}`)).toEqual(['table:true', 'scratch:false']);
  });

  test('stateDict: own parameters, then persistent buffers, then children; non-persistent buffers left out', () => {
    const keys = Object.keys(new Net().stateDict());
    expect(keys).toEqual([
      'scale', 'table', 'h.0.fc.weight', 'h.0.fc.bias', 'h.0.norm.weight', 'h.0.norm.bias',
      'h.1.fc.weight', 'h.1.fc.bias', 'h.1.norm.weight', 'h.1.norm.bias', 'head.weight',
    ]);
  });

  test('stateDict values are detached views that share storage', () => {
    const lin = new Linear(2, 2);
    const sd = lin.stateDict();
    expect(sd.weight!.requiresGrad).toBe(false);
    expect(sd.weight!.storage).toBe(lin.weight.storage);
  });

  test('containers name their members 0, 1, ... and by key', () => {
    const seq = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const list = new ModuleList([new Linear(1, 1)]).push(new Linear(1, 1, { bias: false }));
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight']);
    expect(list.length).toBe(2);
    expect([...list]).toHaveLength(2);
    const dict = new ModuleDict({ a: new LayerNorm(2), b: new Linear(2, 1) });
    expect(Object.keys(dict.stateDict())).toEqual(['a.weight', 'a.bias', 'b.weight', 'b.bias']);
    expect(() => dict.set('x.y', new ReLU())).toThrow(/can't be empty or contain "\."/);
    expect(() => seq.at(5)).toThrow(/out of range/);
  });

  test('a tied parameter counts once in parameters() but appears under both names in stateDict', () => {
    class Tied extends Module {
      emb = new Embedding(5, 3);
      out = new Linear(3, 5, { bias: false });
      constructor() {
        super();
        this.out.weight = this.emb.weight;
      }
    }
    const m = new Tied();
    expect(m.parameters()).toHaveLength(1);
    expect(m.numParameters()).toBe(15);
    expect(Object.keys(m.stateDict())).toEqual(['emb.weight', 'out.weight']);
  });
});

describe('modes, gradients and init hooks', () => {
  test('train() and eval() reach every descendant', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.modules().every((m) => m.training)).toBe(true);
  });

  test('zeroGrad sets every grad to null', () => {
    const lin = new Linear(2, 1);
    lin.forward(ones([1, 2])).sum().backward();
    expect(lin.weight.grad!.tolist()).toEqual([[1, 1]]);
    lin.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    expect(lin.bias!.grad).toBeNull();
  });

  test('apply visits children first, then the module itself', () => {
    const seen: string[] = [];
    new Sequential(new Linear(1, 1), new Sequential(new ReLU())).apply((m) => seen.push(m.constructor.name));
    expect(seen).toEqual(['Linear', 'ReLU', 'Sequential', 'Sequential']);
  });

  test('requiresGrad_(false) freezes: no gradient reaches frozen parameters', () => {
    const net = new Sequential(new Linear(2, 2), new Linear(2, 1));
    net.at(0).requiresGrad_(false);
    net.forward(ones([1, 2])).sum().backward();
    expect(net.at(0).parameters().every((p) => p.grad === null && !p.requiresGrad)).toBe(true);
    expect(net.at(1).parameters().every((p) => p.grad !== null)).toBe(true);
    expect(net.numParameters({ trainableOnly: true })).toBe(3);
    expect(net.numParameters()).toBe(9);
  });

  test('to(float64) converts in place, keeping the Parameter objects and values', () => {
    const lin = new Linear(3, 2);
    const w = lin.weight;
    const before = w.tolist();
    lin.to('float64');
    expect(lin.weight).toBe(w);
    expect(w.dtype).toBe('float64');
    expect(w.requiresGrad).toBe(true);
    expect(w.tolist()).toEqual(before);
    const net = new Net().to('float64');
    expect(net.table.dtype).toBe('float64');
    expect(net.plain.dtype).toBe('float32'); // plain fields are not module state
    expect(() => lin.to('nowhere')).toThrow(/no backend for device 'nowhere'|cannot move/);
  });

  test('Parameter always requires grad and prints as PyTorch does', () => {
    const p = new Parameter(zeros([2]));
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(String(p)).toBe("Parameter containing:\ntensor([0., 0.], requires_grad=True)");
  });
});

describe('functionalCall and cloneModule', () => {
  test('functionalCall swaps weights for one call and gradients reach the replacements', () => {
    const lin = new Linear(2, 1);
    const w = tensor([[2, 3]], { requiresGrad: true });
    const b = tensor([0.5], { requiresGrad: true });
    const y = functionalCall(lin, { weight: w, bias: b }, () => lin.forward(tensor([[1, 1]])));
    expect(y.tolist()).toEqual([[5.5]]);
    y.sum().backward();
    expect(w.grad!.tolist()).toEqual([[1, 1]]);
    expect(lin.weight).toBeInstanceOf(Parameter); // restored
    const net = new Net();
    const z = functionalCall(net, { 'h.1.fc.bias': zeros([2]) }, () => net.h[1]!.fc.bias);
    expect(z!.tolist()).toEqual([0, 0]);
    expect(net.h[1]!.fc.bias).toBeInstanceOf(Parameter);
    expect(() => functionalCall(net, { 'nope.weight': zeros([1]) }, () => 0)).toThrow(/cannot replace 'nope.weight' on Net/);
  });

  test('cloneModule copies parameters (same values, new storage) and keeps structure and modes', () => {
    const a = new Block().eval();
    const b = cloneModule(a);
    expect(b).toBeInstanceOf(Block);
    expect(b.fc.weight).not.toBe(a.fc.weight);
    expect(b.fc.weight.tolist()).toEqual(a.fc.weight.tolist());
    expect(b.training).toBe(false);
    noGrad(() => b.fc.weight.fill_(7));
    expect(a.fc.weight.tolist()).not.toEqual(b.fc.weight.tolist());
    expect(b.forward(ones([1, 3])).shape).toEqual([1, 2]);
    const dict = new ModuleDict({ lin: new Linear(1, 1) });
    const copy = cloneModule(dict);
    expect(copy.get('lin')).not.toBe(dict.get('lin'));
    expect(Object.keys(copy.stateDict())).toEqual(['lin.weight', 'lin.bias']);
  });
});

describe('forward hooks (PyTorch register_forward_pre_hook / register_forward_hook)', () => {
  test('pre-hooks see and may replace the arguments; hooks see and may replace the output', () => {
    const lin = new Linear(2, 1, { bias: false });
    noGrad(() => lin.weight.copy_(tensor([[1, 10]])));
    const seen: string[] = [];
    const h1 = lin.registerForwardPreHook((m, args) => { seen.push(`pre ${(args[0] as Tensor).shape} ${m === lin}`); });
    const h2 = lin.registerForwardPreHook(() => tensor([[2, 3]])); // one value: the single argument
    lin.registerForwardHook((_m, args, out) => { seen.push(`post ${(args[0] as Tensor).tolist()} ${(out as Tensor).tolist()}`); });
    const h4 = lin.registerForwardHook((_m, _a, out) => (out as Tensor).mul(2));
    expect(lin.forward(tensor([[1, 1]])).tolist()).toEqual([[64]]); // [2, 3] . [1, 10] = 32, doubled
    expect(seen).toEqual(['pre 1,2 true', 'post 2,3 32']);
    h2.remove();
    h4.remove();
    h4.remove();
    expect(lin.forward(tensor([[1, 1]])).tolist()).toEqual([[11]]);
    h1.remove();
    lin.registerForwardPreHook(() => { seen.push('first'); }, { prepend: true });
    lin.forward(tensor([[0, 0]]));
    expect(seen.slice(-2)).toEqual(['first', 'post 0,0 0']);
  });

  test('hooks of submodules run when the parent calls them (one call path: forward)', () => {
    const mlp = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    const shapes: number[][] = [];
    for (const m of mlp.children()) m.registerForwardHook((_m, _a, out) => { shapes.push([...(out as Tensor).shape]); });
    mlp.forward(ones([4, 2]));
    expect(shapes).toEqual([[4, 3], [4, 3], [4, 1]]);
  });
});

describe('printouts (PyTorch Module.__repr__)', () => {
  test('layers print their settings as PyTorch does', () => {
    expect(String(new Linear(2, 3))).toBe('Linear(in_features=2, out_features=3, bias=True)');
    expect(String(new Linear(2, 3, { bias: false }))).toBe('Linear(in_features=2, out_features=3, bias=False)');
    expect(String(new LayerNorm(4))).toBe('LayerNorm((4,), eps=1e-05, elementwise_affine=True)');
    expect(String(new Embedding(10, 3))).toBe('Embedding(10, 3)');
    expect(String(new Embedding(10, 3, { paddingIdx: 0 }))).toBe('Embedding(10, 3, padding_idx=0)');
    expect(String(new Dropout(0.1))).toBe('Dropout(p=0.1, inplace=False)');
    expect(String(new Dropout(0))).toBe('Dropout(p=0.0, inplace=False)');
    expect(String(new ReLU())).toBe('ReLU()');
  });

  test('trees indent children by two; ModuleList folds identical runs', () => {
    expect(String(new Sequential(new Linear(4, 2), new ReLU()))).toBe(
      'Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n  (1): ReLU()\n)');
    expect(String(new Block())).toBe('Block(\n  (fc): Linear(in_features=3, out_features=2, bias=True)\n'
      + '  (norm): LayerNorm((2,), eps=1e-05, elementwise_affine=True)\n  (drop): Dropout(p=0.5, inplace=False)\n)');
    const list = new ModuleList([new Linear(2, 2), new Linear(2, 2), new Linear(2, 2), new Sequential(new ReLU())]);
    expect(String(list)).toBe(
      'ModuleList(\n  (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)\n  (3): Sequential(\n    (0): ReLU()\n  )\n)');
  });
});
