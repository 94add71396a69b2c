// A third backend built from docs/new-backend.md's checklist alone: 'toy', float64 (and int32,
// bool) over plain JS arrays. Elementwise kernels come from each op's `scalar`; fused ops run as
// their `decompose`; everything else borrows the CPU kernel through a `fallback` kernel. It must
// pass the conformance suite and train with autograd like any backend.

import { describe, expect, test } from 'vitest';
import {
  adamStep, canReadSync, cpuBackend, gelu, getBackend, kernelFor, noGrad, randn, registerBackend, sizeOf, stepScope,
  toDevice, type Backend, type DType, type Kernel, type KernelInput, type OpKey, type Storage,
} from '@tsgrad/core';
import { runConformance } from '../src/testing/conformance.js';

const ARRAY_OF = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

// 1. Storage: device, dtype, size, version, and the backend's own buffer.
class ToyStorage implements Storage {
  readonly device = 'toy';
  version = 0;
  constructor(readonly dtype: DType, readonly data: number[]) {}
  get size(): number {
    return this.data.length;
  }
}
const toy = (s: Storage) => s as ToyStorage;
const store = (dtype: DType, v: number) => (dtype === 'int32' ? v | 0 : dtype === 'bool' ? (v !== 0 ? 1 : 0) : v);

// row-major walk over `shape`, calling visit(flat output index, element offset of each view)
function walk(shape: readonly number[], views: readonly { strides: readonly number[]; offset: number }[], visit: (i: number, at: number[]) => void): void {
  const n = sizeOf(shape);
  const idx = shape.map(() => 0);
  for (let i = 0; i < n; i++) {
    visit(i, views.map((v) => v.offset + idx.reduce((a, k, d) => a + k * (v.strides[d] ?? 0), 0)));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

// broadcast strides of a view to `shape` (0 along broadcast dims)
const stretched = (x: KernelInput, shape: readonly number[]) => {
  const lead = shape.length - x.shape.length;
  return { offset: x.offset, strides: shape.map((s, d) => (d < lead || x.shape[d - lead] === 1 ? 0 : x.strides[d - lead]!)) };
};

// 3. kernel(op): generated from `scalar`/`intScalar` for elementwise ops; a CPU `fallback` otherwise
function elementwise(op: OpKey): Kernel {
  return (inputs, out) => {
    const f = out.dtype === 'int32' && op.intScalar ? op.intScalar : op.scalar!;
    const res = new Array<number>(sizeOf(out.shape));
    walk(out.shape, inputs.map((x) => stretched(x, out.shape)), (i, at) => {
      res[i] = store(out.dtype, f(...at.map((a, k) => toy(inputs[k]!.storage).data[a]!)));
    });
    return new ToyStorage(out.dtype, res);
  };
}
function viaCpu(op: OpKey): Kernel | undefined {
  const k = cpuBackend.kernel(op);
  if (!k) return undefined;
  const run = (inputs: readonly KernelInput[], out: { shape: readonly number[]; dtype: DType }, attrs: Record<string, unknown>) => {
    const cpuIn = inputs.map((x) => ({ ...x, storage: cpuBackend.fromArray(ARRAY_OF[x.dtype].from(toy(x.storage).data), x.dtype) }));
    return new ToyStorage(out.dtype, Array.from(cpuBackend.readSync!(k(cpuIn, out, attrs))));
  };
  return Object.assign(run, { fallback: true });
}

// 2. the Backend object
const toyBackend: Backend = {
  name: 'toy',
  dtypes: new Set<DType>(['float64', 'int32', 'bool']),
  fromArray: (data, dtype) => new ToyStorage(dtype, Array.from(data as ArrayLike<number>, (v) => store(dtype, v))),
  read: async (s) => ARRAY_OF[s.dtype].from(toy(s).data),
  readSync: (s) => ARRAY_OF[s.dtype].from(toy(s).data),
  dispose: () => {}, // the GC owns plain arrays (so no trackStorage)
  kernel: (op) => (op.kind === 'elementwise' && op.scalar ? elementwise(op) : viaCpu(op)),
  copyInto(dst, src) {
    const d = toy(dst.storage).data;
    const s = toy(src.storage).data;
    walk(dst.shape, [{ strides: dst.strides, offset: dst.offset }, stretched(src, dst.shape)], (_i, [a, b]) => {
      d[a!] = store(dst.dtype, s[b!]!);
    });
    dst.storage.version++;
  },
};

// 4. register it
registerBackend(toyBackend);

describe('a toy float64 backend built from the checklist', () => {
  test('tensors move there and back through read/fromArray, and read synchronously', async () => {
    const x = randn([2, 3], { dtype: 'float64' });
    const t = x.to('toy');
    expect(t.device).toBe('toy');
    expect(canReadSync(t)).toBe(true);
    expect(t.tolist()).toEqual(x.tolist());
    expect((await toDevice(t, 'cpu')).tolist()).toEqual(x.tolist());
    expect(t.sum().item()).toBe(x.sum().item());
    expect(() => randn([2]).to('toy')).toThrow(/backend 'toy' cannot hold float32/);
  });

  test('elementwise ops are generated, fused ops decompose, the rest falls back: same values as the CPU', () => {
    const a = randn([3, 1, 4], { dtype: 'float64' });
    const b = randn([2, 4], { dtype: 'float64' });
    const [ta, tb] = [a.to('toy'), b.to('toy')];
    expect(ta.mul(tb).exp().tolist()).toEqual(a.mul(b).exp().tolist()); // same scalar, same bits
    expect(gelu(ta).tolist()).toEqual(gelu(a).tolist()); // float64 gelu kernel = its decomposition, bit for bit
    expect(kernelFor({ name: 'gelu', kind: 'other', decompose: () => undefined }, getBackend('toy'), 'float64')).toBeUndefined();
    expect(ta.matmul(tb.t()).tolist()).toEqual(a.matmul(b.t()).tolist());
    expect(ta.argmax(-1).dtype).toBe('int32');
  });

  test('autograd, a step scope and the fused Adam step work there as on the CPU', async () => {
    const w = randn([4, 1], { dtype: 'float64' });
    const x = randn([8, 4], { dtype: 'float64' });
    const step = async (device: string) => {
      const p = w.to(device).requiresGrad_();
      const xs = x.to(device);
      const { loss } = await stepScope(() => {
        const l = xs.matmul(p).square().mean();
        l.backward();
        return { loss: l.detach() };
      });
      const [m, v] = [p.detach().mul(0), p.detach().mul(0)];
      const r = noGrad(() => adamStep(p.detach(), p.grad!, m, v, { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, decoupled: true, step: 1 }));
      return { loss, param: (await toDevice(r.param, 'cpu')).tolist() };
    };
    expect(await step('toy')).toEqual(await step('cpu')); // the composite Adam there, the one-pass kernel here: same bits
  });

  test('it passes the conformance suite', async () => {
    expect(await runConformance({ device: 'toy', dtype: 'float64', numRuns: 3, tolerance: { rtol: 1e-12, atol: 1e-12 } })).toEqual([]);
  }, 120_000);
});
