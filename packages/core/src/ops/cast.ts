// to: converts the dtype (and, for device strings, moves the tensor); differentiable between floats.

import { getBackend, type Storage } from '../backend.js';
import { DTYPES, isFloat, type DType } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { isHalf } from '../half.js';
import { gatherStrided } from '../strided.js';
import { Tensor } from '../tensor.js';
import { apply, definePrimitive } from './define.js';

type CastAttrs = { readonly dtype: DType };

/** @internal The primitive behind {@link to}: shape and dtype rules, kernel key and VJP. */
export const toOp = definePrimitive<CastAttrs>({
  name: 'to',
  kind: 'elementwise',
  args: ['x'],
  shape: ([x]) => x!.shape,
  dtype: (_inputs, { dtype }) => dtype,
  scalar: (x) => x,
  // the gradient is converted back to the input's dtype (no gradient reaches int inputs)
  vjp: (g, { dtypes: [dtype] }) => [isFloat(dtype!) ? g.to(dtype!) : null],
  testDomain: { min: -3, max: 3 },
});

/** Where `to` sends a tensor: a dtype, a device name, or both. */
export type ToTarget = DType | string | {
  /** The dtype to convert to. */
  dtype?: DType;
  /** The device to move to. */
  device?: string;
};

/**
 * Converts to a dtype (float to int truncates toward zero; anything non-zero becomes true), or
 * moves to a device. Returns `x` itself when nothing changes, as PyTorch does.
 * Gradient: g converted back to `x`'s dtype (none reaches integer inputs); moves are leaves.
 * @param x - The tensor.
 * @param target - A dtype (`'float64'`), a device (`'gpu'`), or `{ dtype, device }`.
 * @returns A tensor of `x`'s shape with the target dtype and device.
 * @example
 * to(tensor([1.7, -1.7]), 'int32').tolist(); // [1, -1]
 * to(tensor([0, 2]), 'bool').tolist(); // [false, true]
 */
export function to(x: Tensor, target: ToTarget): Tensor {
  if (typeof target === 'string' && !DTYPES.includes(target as DType) && /^(float|int|uint|bool|bfloat|complex|half|double|long)/.test(target)) {
    throw new ValueError('to', `unknown dtype '${target}'`, { x: { shape: x.shape, dtype: x.dtype } }, `expected one of ${DTYPES.join(', ')}`);
  }
  const t = typeof target === 'string' ? (DTYPES.includes(target as DType) ? { dtype: target as DType } : { device: target }) : target;
  let out = x;
  if (t.dtype !== undefined && t.dtype !== x.dtype) {
    if (!DTYPES.includes(t.dtype)) throw new ValueError('to', `unknown dtype '${t.dtype}'`, {}, `expected one of ${DTYPES.join(', ')}`);
    out = apply(toOp, [x], { dtype: t.dtype });
  }
  if (t.device !== undefined && t.device !== out.device) out = moveTo(out, t.device);
  return out;
}

/**
 * A copy of `x` on `device`, made by the backends' own `read`/`fromArray`: synchronous where the
 * source backend reads synchronously (the CPU); otherwise `await toDevice(x, device)` does it.
 */
function moveTo(x: Tensor, device: string): Tensor {
  const src = getBackend(x.device);
  const dst = getBackend(device);
  checkHolds(x, device);
  if (!src.readSync) {
    throw new ValueError('to', `moving a tensor from '${x.device}' to '${device}' needs an asynchronous readback`, { x: { shape: x.shape, dtype: x.dtype } },
      `use \`await toDevice(x, '${device}')\` (or \`await x.data()\` for the values)`);
  }
  return moved(x, dst.fromArray(x.dataSync(), x.dtype));
}

/** @internal Throws unless `device`'s backend holds `x`'s dtype. */
export function checkHolds(x: Tensor, device: string): void {
  const dst = getBackend(device);
  if (!dst.dtypes.has(x.dtype)) {
    throw new ValueError('to', `backend '${device}' cannot hold ${x.dtype} (it holds ${[...dst.dtypes].join(', ')})`, { x: { shape: x.shape, dtype: x.dtype } },
      `convert first: x.to({ dtype: '${[...dst.dtypes][0]}', device: '${device}' })`);
  }
}

/** @internal The new leaf a move makes (it keeps `requiresGrad` of a leaf input). */
export function moved(x: Tensor, storage: Storage): Tensor {
  const t = new Tensor(storage, x.shape);
  if (x.requiresGrad && x.isLeaf) t.requiresGrad = true;
  return t;
}

/**
 * The 16-bit patterns of a float16 or bfloat16 tensor, in row-major order (what a file stores;
 * `data()` gives the values as float32). Synchronous backends only (half types live on the CPU).
 * @param t - A float16 or bfloat16 tensor.
 * @returns The bits.
 * @example Array.from(halfBits(tensor([1, -2]).to('float16'))); // [15360, 49152]
 */
export function halfBits(t: Tensor): Uint16Array {
  if (!isHalf(t.dtype)) throw new DTypeError('halfBits', `expected a float16 or bfloat16 tensor, got ${t.dtype}`, { t: { shape: t.shape, dtype: t.dtype } });
  const stored = getBackend(t.device).readSync!(t.storage) as Uint16Array;
  if (t.isContiguous() && t.offset === 0 && stored.length === t.numel()) return stored.slice();
  const out = new Uint16Array(t.numel());
  gatherStrided(stored, t.shape, t.strides, t.offset, out);
  return out;
}
