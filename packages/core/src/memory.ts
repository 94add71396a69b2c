// Memory and readback, for every backend: `dispose(t)`, `scope(fn)` (tfjs's tidy), `keep(t)`,
// `canReadSync(t)` and `stepScope(fn)`. Backends whose memory the GC does not own call
// `trackStorage` for each storage they create; code above core never needs to know which those are.

import { getBackend, type Storage } from './backend.js';
import type { TypedArray } from './dtype.js';
import { ValueError } from './errors.js';
import { checkHolds, moved } from './ops/cast.js';
import { Tensor } from './tensor.js';

/** Tensors in any nesting of arrays and plain objects (what `dispose` and `scope` accept and return). */
export type TensorContainer = Tensor | null | undefined | void | number | string | boolean | readonly TensorContainer[] | { readonly [k: string]: TensorContainer };

const scopes: Set<Storage>[] = [];

/**
 * Called by a backend whose memory the GC does not own, for every storage it creates: the innermost
 * {@link scope} then owns it (and disposes it through the backend at its end).
 * @param s - The new storage.
 * @example
 * const s = cpuBackend.fromArray(new Float32Array([1]), 'float32');
 * trackStorage(s); // outside any scope: nothing to do
 */
export function trackStorage(s: Storage): void {
  scopes[scopes.length - 1]?.add(s);
}


function collect(x: unknown, out: Set<Storage>, seen: Set<unknown>): void {
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  if (x instanceof Tensor) {
    out.add(x.storage);
    return;
  }
  if (Array.isArray(x)) for (const v of x) collect(v, out, seen);
  else if (Object.getPrototypeOf(x) === Object.prototype) for (const v of Object.values(x)) collect(v, out, seen);
}

/** The storages of every tensor inside `x` (arrays and plain objects are searched). */
function storagesOf(x: unknown): Set<Storage> {
  const out = new Set<Storage>();
  collect(x, out, new Set());
  return out;
}

/**
 * Frees the device memory of every tensor in `x` now (GPU buffers; a no-op for CPU tensors).
 * Views share their base's storage, so disposing one view frees the data of all of them; using a
 * disposed tensor afterwards throws. Kernels already issued that read it still complete.
 *
 * @param x - A tensor, or arrays and plain objects holding tensors.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * const x = ones([256]).to('gpu');
 * const y = x.mul(2);
 * (await y.data())[0]; // 2
 * dispose([x, y]);
 * gpuStats().liveBuffers; // 0
 */
export function dispose(x: TensorContainer): void {
  for (const s of storagesOf(x)) {
    for (const sc of scopes) sc.delete(s);
    getBackend(s.device).dispose(s);
  }
}

/**
 * Runs `fn` and then disposes every device tensor created inside it, except the tensors in its
 * return value (which move to the enclosing scope, if any) and those passed to `keep`. Gradients
 * that `backward()` creates inside the scope are disposed too unless returned or kept. `fn` must
 * be synchronous: ops are issued without waiting for the device, so await readbacks outside.
 *
 * @param fn - Synchronous code that issues device ops.
 * @returns What `fn` returns (its tensors survive the scope).
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * const w = randn([4, 1]).to('gpu').requiresGrad_();
 * const x = randn([8, 4]).to('gpu');
 * const y = randn([8, 1]).to('gpu');
 * const lr = 0.1;
 * const loss = scope(() => {
 *   const l = x.matmul(w).sub(y).square().mean();
 *   l.backward();
 *   noGrad(() => { w.sub_(w.grad!.mul(lr)); w.grad = null; });
 *   return l.detach();
 * });
 * (await loss.data()).length; // 1
 * dispose(loss);
 * gpuStats().liveBuffers; // 3
 */
export function scope<T extends TensorContainer>(fn: () => T): T {
  const mine = new Set<Storage>();
  scopes.push(mine);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    throw new ValueError('scope', 'fn returned a Promise; scope needs a synchronous function', {},
      'issue the ops inside scope() and await readbacks (x.data()) outside it');
  }
  const kept = storagesOf(result);
  const parent = scopes[scopes.length - 1];
  for (const s of mine) {
    if (kept.has(s)) parent?.add(s);
    else getBackend(s.device).dispose(s);
  }
  return result;
}

/**
 * Exempts the tensors in `x` from disposal by every enclosing `scope` (they live until `dispose`).
 * @param x - A tensor, or arrays and plain objects holding tensors.
 * @returns `x`.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * let cache: Tensor | undefined;
 * scope(() => {
 *   cache = keep(ones([4]).to('gpu').mul(2)); // survives the scope
 *   ones([4]).to('gpu').add(1); // disposed when the scope ends
 * });
 * (await cache!.data())[0]; // 2
 */
export function keep<T extends TensorContainer>(x: T): T {
  for (const s of storagesOf(x)) for (const sc of scopes) sc.delete(s);
  return x;
}

/**
 * Whether `t`'s values can be read synchronously (`t.item()`, `t.dataSync()`, `t.tolist()`): true
 * where its backend has `readSync` (the CPU), false where reads wait for a device (use
 * `await t.itemAsync()` or `await t.data()`, which work everywhere).
 * @param t - Any tensor.
 * @returns True when synchronous reads work.
 * @example canReadSync(tensor([1])); // true
 */
export function canReadSync(t: Tensor): boolean {
  return getBackend(t.device).readSync !== undefined;
}

/**
 * Runs one step's synchronous work `fn` in a {@link scope} and reads the one-element tensors it
 * returns as numbers, on any backend: every tensor the step made is freed (device memory), and the
 * returned ones once read. Training loops call it once per step and never ask what the backend is.
 * @param fn - Synchronous code returning named one-element tensors (undefined entries are skipped).
 * @returns The numbers, by the same names.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const r = await stepScope(() => {
 *   const loss = w.square().sum();
 *   loss.backward();
 *   return { loss: loss.detach() };
 * });
 * r.loss; // 5
 */
export async function stepScope<K extends string>(fn: () => { readonly [k in K]?: Tensor }): Promise<{ [k in K]?: number }> {
  const out = scope(() => fn() as { [k: string]: Tensor | undefined });
  const values: { [k: string]: number } = {};
  try {
    for (const [k, t] of Object.entries(out)) if (t !== undefined) values[k] = await t.itemAsync();
  } finally {
    dispose(out);
  }
  return values as { [k in K]?: number };
}

/**
 * Runs `fn` in a {@link scope} and reads the tensor it returns (row-major, on any backend); every
 * tensor `fn` made is freed, the returned one once read. For batched inference loops.
 * @param fn - Synchronous code returning one tensor.
 * @returns Its elements.
 * @example
 * const v = await scopeData(() => tensor([[1, 2], [3, 4]]).sum(1));
 * Array.from(v); // [3, 7]
 */
export async function scopeData(fn: () => Tensor): Promise<TypedArray> {
  const t = scope(fn);
  try {
    return await t.data();
  } finally {
    dispose(t);
  }
}

/**
 * Moves a tensor to `device`, waiting for the device where that needs a readback (GPU to CPU).
 * `x.to(device)` is synchronous from the CPU; this works from any device. The result is a new leaf (it
 * keeps `requiresGrad` of a leaf input; gradients do not flow across the move).
 *
 * @param x - The tensor to move.
 * @param device - `'cpu'` or `'gpu'`.
 * @returns `x` itself when already there, otherwise a copy on `device` with the same shape.
 * @example
 * await setBackend('gpu', { mode: 'cpu' });
 * const y = tensor([[1, 2], [3, 4]]).to('gpu').mul(2);
 * const cpuCopy = await toDevice(y, 'cpu');
 * cpuCopy.tolist(); // [[2, 4], [6, 8]]
 */
export async function toDevice(x: Tensor, device: string): Promise<Tensor> {
  if (x.device === device) return x;
  checkHolds(x, device);
  return moved(x, getBackend(device).fromArray(await x.data(), x.dtype));
}
