// Device semantics the random conformance cases do not reach: NaN handling, negative bases of pow,
// int32/bool storage, out-of-range indices, in-place writes, dispose/scope/keep, moves and errors.
import { afterAll, describe, expect, test, vi } from 'vitest';
import {
  apply, arange, definePrimitive, dispose, randn, gpuStats, keep, opPlacements, scope, setBackend, shutdownBackend, synchronize, tensor, toDevice, zeros,
} from '@tsgrad/core';
import { matmulTuning } from '../src/backends/gpu/kernels/matmul.js';
import { reportUnavailable, startWebGpu } from './gpu-webgpu-setup.js';

const vals = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());
afterAll(() => shutdownBackend());

function suite() {
  // first in the suite: the tensors of later tests, once garbage, are freed by a finalizer at
  // times the test cannot control, which would move the live count under it
  test('dispose, scope and keep free device buffers deterministically', async () => {
    await synchronize();
    const base = gpuStats().liveBuffers;
    const x = arange(6).to('gpu');
    let kept: ReturnType<typeof x.mul> | undefined;
    const y = scope(() => {
      const a = x.mul(2);
      kept = keep(a.add(1));
      const inner = scope(() => [a.sub(1), a.sum()] as const);
      return inner[0].add(inner[1]);
    });
    expect(await vals(y)).toEqual([29, 31, 33, 35, 37, 39]);
    await synchronize();
    expect(gpuStats().liveBuffers).toBe(base + 3); // x, y and the kept tensor
    dispose([x, y, kept!]);
    await synchronize();
    expect(gpuStats().liveBuffers).toBe(base);
    await expect(y.data()).rejects.toThrow(/disposed/);
    expect(() => y.add(1)).toThrow(/disposed/);
    expect(() => scope(() => Promise.resolve() as never)).toThrow(/synchronous/);
  });

  test('NaN propagates and is detected (WGSL compilers fold x != x, so the backend tests bits)', async () => {
    const x = tensor([NaN, 1, -2, Infinity]).to('gpu');
    expect(await vals(x.isnan())).toEqual([1, 0, 0, 0]);
    expect(await vals(x.maximum(tensor([0, 0, 0, 0]).to('gpu')))).toEqual([NaN, 1, 0, Infinity]);
    expect(await vals(x.amax())).toEqual([NaN]);
    expect(await vals(x.argmax())).toEqual([0]);
    expect(await vals(x.to('bool'))).toEqual([1, 1, 1, 1]);
    expect(await vals(x.to('int32'))).toEqual([0, 1, -2, 0]); // NaN -> 0, as the CPU's Int32Array
  });

  test('pow with negative bases and integer exponents, and 0^b', async () => {
    const a = tensor([-2, -2, -2, 0, 0, 3]).to('gpu');
    const b = tensor([2, 3, 0.5, 2, -1, 0]).to('gpu');
    expect(await vals(a.pow(b))).toEqual([4, -8, NaN, 0, Infinity, 1]);
  });

  test('int32 and bool tensors are stored as exact float32', async () => {
    const i = tensor([3, -7, 2 ** 24 - 2], { dtype: 'int32' }).to('gpu');
    expect(i.dtype).toBe('int32');
    const d = await i.add(1).data();
    expect(d).toBeInstanceOf(Int32Array);
    expect(Array.from(d)).toEqual([4, -6, 2 ** 24 - 1]);
    expect(() => tensor([2 ** 24 + 1], { dtype: 'int32' }).to('gpu')).toThrow(/exactly representable/);
    const m = tensor([1.5, -0.5]).to('gpu').gt(0);
    expect(m.dtype).toBe('bool');
    expect(await m.data()).toEqual(new Uint8Array([1, 0]));
    expect(() => tensor([1], { dtype: 'float64' }).to('gpu')).toThrow(/holds float32/);
  });

  test('every matmul kernel variant agrees with the CPU (batched, transposed operands)', async () => {
    const a = randn([2, 8, 12]);
    const b = randn([12, 8]);
    const want = a.to('float64').matmul(b.to('float64')).dataSync();
    const wantT = a.to('float64').matmul(b.to('float64').t().contiguous().t()).dataSync();
    for (const variant of ['simple', 'row4', 'row4k4'] as const) {
      matmulTuning.variant = variant;
      const got = await a.to('gpu').matmul(b.to('gpu')).data();
      const gotT = await a.to('gpu').matmul(b.t().contiguous().to('gpu').t()).data();
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!))), variant).toBeLessThan(1e-4);
      expect(Math.max(...Array.from(gotT, (v, i) => Math.abs(v - wantT[i]!))), variant).toBeLessThan(1e-4);
    }
    matmulTuning.variant = 'auto';
  });

  test('out-of-range indices read NaN (a device cannot throw)', async () => {
    const x = tensor([10, 20, 30]).to('gpu');
    expect(await vals(x.indexSelect(0, tensor([2, 5], { dtype: 'int32' }).to('gpu')))).toEqual([30, NaN]);
  });

  test('in-place writes into views and host scalars', async () => {
    const x = zeros([3, 4]).to('gpu');
    x.slice(1, 1, 4, 2).copy_(tensor([[1], [2], [3]]).to('gpu'));
    expect(await vals(x)).toEqual([0, 1, 0, 1, 0, 2, 0, 2, 0, 3, 0, 3]);
    x.t().narrow(0, 0, 1).add_(5); // column 0 through a transposed view
    expect(await vals(x.select(1, 0))).toEqual([5, 5, 5]);
    const s = tensor([2]).to('gpu');
    s.mul_(4);
    expect(await vals(s)).toEqual([8]);
    expect(x.storage.version).toBe(2);
  });

  test('moves: x.to(gpu) is synchronous, the way back is async', async () => {
    const x = tensor([[1, 2], [3, 4]]).requiresGrad_();
    const g = x.to('gpu');
    expect(g.requiresGrad).toBe(true);
    expect(() => g.to('cpu')).toThrow(/toDevice/);
    expect(() => g.dataSync()).toThrow(/synchronously/);
    const back = await toDevice(g.t(), 'cpu');
    expect(back.device).toBe('cpu');
    expect(back.tolist()).toEqual([[1, 3], [2, 4]]);
  });

  test('an op gpu.js cannot compile falls back to the CPU, with one warning naming it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = tensor([1, 2, 3]).to('gpu');
    const before = gpuStats().fallbacks;
    expect(await vals(apply(closureOp, [x], {}))).toEqual([3, 6, 9]);
    expect(await vals(apply(closureOp, [x.add(1)], {}))).toEqual([6, 9, 12]);
    expect(gpuStats().fallbacks).toBe(before + 2);
    expect(warn.mock.calls.filter(([m]) => String(m).includes("'scaleByClosure'"))).toHaveLength(1);
    expect(opPlacements().get('scaleByClosure')).toMatchObject({ where: 'cpu' });
    expect(opPlacements().get('add')).toEqual({ where: 'gpu' });
    warn.mockRestore();
  });
}

// NOTE: a scalar that captures a variable cannot be transpiled by gpu.js (`factor is not defined`)
const factor = 3;
const closureOp = definePrimitive({
  name: 'scaleByClosure', kind: 'elementwise', args: ['x'],
  shape: ([x]) => x!.shape, dtype: ([x]) => x!.dtype,
  scalar: (x) => x * factor,
});

describe('gpu.js cpu mode', () => {
  test('setup', async () => {
    await setBackend('gpu', { mode: 'cpu' });
  });
  test('unsupported modes fail clearly and leave the running setup alone', async () => {
    const x = tensor([1, 2]).to('gpu');
    await expect(setBackend('gpu', { mode: 'headlessgl' })).rejects.toThrow(/optional native package `gl`/);
    await expect(setBackend('gpu', { mode: 'webgl2' })).rejects.toThrow(/browser with WebGL2/);
    await expect(setBackend('gpu', { mode: 'nope' as 'cpu' })).rejects.toThrow(/unknown gpu mode/);
    expect(await vals(x.add(1))).toEqual([2, 3]);
  });
  suite();
});

const unavailable = await startWebGpu().then(async (r) => {
  await shutdownBackend();
  return r;
});
if (unavailable !== null) reportUnavailable('webgpu semantics', unavailable);
else {
  describe('webgpu mode', () => {
    test('setup', async () => {
      expect(await startWebGpu()).toBeNull();
    });
    suite();
  });
}
