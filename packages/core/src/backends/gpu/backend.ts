// The 'gpu' Backend object: float32 device storage (int32/bool stored as exact float32), gpu.js
// kernels per primitive, a per-op CPU fallback, and in-place writes as new buffer generations.

import type { Attrs, Backend, Kernel, KernelInput, KernelOutput, OpKey } from '../../backend.js';
import { allocArray, type DType, type TypedArray } from '../../dtype.js';
import { BackendError, ValueError } from '../../errors.js';
import { isContiguous, sizeOf } from '../../shape.js';
import { cpuBackend } from '../cpu/index.js';
import type { Handle } from './device.js';
import { fallBack, failedReason, readSnap, release, runOnCpu, snapshot, type Snap } from './fallback.js';
import { MAX_ELEMENTS, type Impl } from './kernels/common.js';
import { cat, invertibleOrder, sliceScatter, writeView } from './kernels/copy.js';
import { elementwise, identityOp } from './kernels/elementwise.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './kernels/indexing.js';
import { matmul } from './kernels/matmul.js';
import { reduce } from './kernels/reduce.js';
import { softmax } from './kernels/softmax.js';
import { Buf, GpuStorage, acquire, asGpu, bufferOf, currentDevice, deviceStorage, unacquire, whenReady } from './storage.js';
import { recordGpu } from './stats.js';

const hand: Readonly<Record<string, Impl>> = {
  sum: reduce('sum'),
  amax: reduce('amax'),
  amin: reduce('amin'),
  argmax: reduce('argmax'),
  argmin: reduce('argmin'),
  matmul,
  clone: elementwise(identityOp),
  cat,
  sliceScatter,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  softmax: softmax(false),
  logSoftmax: softmax(true),
};

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';
const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200);
const INT_LIMIT = 2 ** 24;

/** Runs `impl` (or the CPU) for one op call and wraps the result as a storage. */
function dispatch(op: OpKey, impl: Impl | null, inputs: readonly KernelInput[], out: KernelOutput, attrs: Attrs): GpuStorage {
  const n = sizeOf(out.shape);
  if (n === 0) return new GpuStorage(out.dtype, 0, null);
  const snaps = snapshot(inputs, op.kind !== 'elementwise');
  const cpu = () => runOnCpu(op, snaps, out, attrs);
  let value: Handle | Promise<Handle>;
  if (impl === null || failedReason(op.name) !== undefined) {
    if (impl === null) fallBack(op.name, 'no gpu.js kernel for this op', true);
    value = cpu();
  } else if (n > MAX_ELEMENTS || inputs.some((x) => x.storage.size > MAX_ELEMENTS)) {
    fallBack(op.name, 'more than 2^24 elements: gpu.js index math is float32', false);
    value = cpu();
  } else {
    try {
      value = impl(snaps, out, attrs);
      recordGpu(op.name);
    } catch (e) {
      value = Promise.reject(e);
    }
    if (isPromise(value)) {
      value = value.then((h) => h, (e: unknown) => {
        fallBack(op.name, `its gpu.js kernel failed: ${firstLine(e)}`, true);
        return cpu();
      });
    }
  }
  if (isPromise(value)) value = value.finally(() => release(snaps));
  else release(snaps);
  return new GpuStorage(out.dtype, n, new Buf(n, value));
}

const kernels = new Map<string, Kernel>();

/** The device kernel of `op`: hand-written, generated from `scalar`, or a CPU fallback (marked `fallback`). */
function kernelOf(op: OpKey): Kernel | undefined {
  const cached = kernels.get(op.name);
  if (cached) return cached;
  const impl: Impl | null = hand[op.name] ?? (op.kind === 'elementwise' && op.scalar ? elementwise(op) : null);
  if (impl === null && !cpuBackend.kernel(op)) return undefined;
  const run = (inputs: readonly KernelInput[], out: KernelOutput, attrs: Attrs) => dispatch(op, impl, inputs, out, attrs);
  const k: Kernel = impl === null ? Object.assign(run, { fallback: true }) : run;
  kernels.set(op.name, k);
  return k;
}

function checkedFloats(data: TypedArray, dtype: DType): Float32Array {
  if (dtype === 'int32') {
    for (let i = 0; i < data.length; i++) {
      if (Math.abs(data[i]!) > INT_LIMIT) {
        throw new ValueError('gpu', `int32 value ${data[i]} is not exactly representable on the device (stored as float32, exact up to 2^24)`);
      }
    }
  }
  return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
}

/** Writes `src` into the view `dst` of a GPU storage: a new buffer generation replaces the old one. */
function copyInto(dst: KernelInput, src: KernelInput): void {
  const ds = asGpu(dst.storage);
  const n = sizeOf(dst.shape);
  if (n === 0) return;
  const full = dst.offset === 0 && n === ds.size && isContiguous(dst.shape, dst.strides);
  const ss = asGpu(src.storage);
  if (full && ds.size === 1 && ds.buf === null && ss.host !== null) {
    ds.host = ds.dtype === 'float32' ? Math.fround(ss.host) : ds.dtype === 'bool' ? Number(ss.host !== 0) : Math.trunc(ss.host);
    ds.version++;
    return;
  }
  const [s] = snapshot([src], true) as [Snap];
  let value: Handle | Promise<Handle>;
  if (full) value = hand['clone']!([s], { shape: dst.shape, dtype: ds.dtype }, {});
  else {
    const old = bufferOf(ds);
    const order = invertibleOrder(dst.shape, dst.strides);
    const conv = ds.dtype === 'int32' ? 'tsgInt' : ds.dtype === 'bool' ? 'tsgBool' : '';
    if (order) value = writeView(old, ds.size, dst, { buf: s.buf!, view: src }, order, conv);
    else {
      fallBack('copy_', 'the destination view cannot be inverted by stride division', false);
      acquire(old);
      value = (async () => {
        try {
          const base = allocArray(ds.dtype, ds.size);
          base.set(await currentDevice().read(await whenReady(old), ds.size) as never);
          const cpuDst = { ...dst, storage: cpuBackend.fromArray(base, ds.dtype) };
          cpuBackend.copyInto(cpuDst, { ...src, storage: cpuBackend.fromArray(await readSnap(s), src.dtype) });
          return currentDevice().upload(Float32Array.from(base as ArrayLike<number>));
        } finally {
          unacquire(old);
        }
      })();
    }
  }
  if (isPromise(value)) value = value.finally(() => release([s]));
  else release([s]);
  ds.replace(new Buf(ds.size, value));
  ds.version++;
}

/** The 'gpu' backend object (one per process; the device behind it is set by `setBackend`). */
export const gpuBackend: Backend = {
  name: 'gpu',
  dtypes: new Set<DType>(['float32', 'int32', 'bool']),
  fromArray(data, dtype) {
    if (!gpuBackend.dtypes.has(dtype)) {
      throw new BackendError('gpu', `the gpu device holds float32 (and int32/bool stored as float32), not ${dtype}`, {},
        "convert first: x.to({ dtype: 'float32', device: 'gpu' })");
    }
    const n = data.length;
    if (n === 0) return new GpuStorage(dtype, 0, null);
    const f = checkedFloats(data, dtype);
    if (n === 1) return new GpuStorage(dtype, 1, null, f[0]!);
    return deviceStorage(dtype, n, currentDevice().upload(f));
  },
  async read(s) {
    const g = asGpu(s);
    const out = allocArray(g.dtype, g.size);
    if (g.size === 0) return out;
    if (g.host !== null) {
      out[0] = g.host;
      return out;
    }
    const b = g.buf!;
    acquire(b);
    try {
      out.set(await currentDevice().read(await whenReady(b), g.size) as never);
    } finally {
      unacquire(b);
    }
    return out;
  },
  dispose(s) {
    if (s instanceof GpuStorage) s.dispose();
  },
  kernel: kernelOf,
  copyInto,
};
