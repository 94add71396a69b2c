// functionalCall (torch.func.functional_call): run a module with some parameters replaced by given
// tensors, so gradients flow to those tensors; and cloneModule (copy.deepcopy) for layer stacks.

import { type Tensor, ValueError, noGrad } from '@tsgrad/core';
import { Module } from './module.js';
import { Buffer, Parameter } from './parameter.js';

/** The object and field that hold the member `name` of `owner` (`w` or an array entry `h.0`). */
function slotOf(owner: Module, name: string): { obj: Record<string, unknown>; key: string } {
  const rec = owner as unknown as Record<string, unknown>;
  if (Object.hasOwn(rec, name)) return { obj: rec, key: name };
  const m = /^(.*)\.(\d+)$/.exec(name);
  const arr = m ? rec[m[1]!] : undefined;
  if (m && Array.isArray(arr)) return { obj: arr as unknown as Record<string, unknown>, key: m[2]! };
  throw new ValueError('functionalCall', `cannot replace '${name}' on ${owner.constructor.name}: it is not a field of the module`);
}

/**
 * Runs `fn` with the named parameters and buffers of `module` temporarily replaced by the given
 * tensors, then restores them. The replacements take part in autograd, so
 * `grad`/`gradcheck` can differentiate a module's output with respect to its weights.
 *
 * # Shapes
 * Each replacement should have the shape of the member it replaces.
 *
 * @param module - The module whose members are replaced.
 * @param tensors - Replacements by state-dict key (`weight`, `h.0.attn.in_proj_weight`, ...).
 * @param fn - The code to run with them in place.
 * @returns What `fn` returns.
 * @example
 * const lin = new Linear(2, 1);
 * const w = ones([1, 2], { requiresGrad: true });
 * const y = functionalCall(lin, { weight: w }, () => lin.forward(ones([1, 2])));
 * y.sum().backward();
 * w.grad!.tolist(); // [[1, 1]]
 */
export function functionalCall<T>(module: Module, tensors: Record<string, Tensor>, fn: () => T): T {
  const owners = new Map(module.namedModules());
  const saved: { obj: Record<string, unknown>; key: string; old: unknown }[] = [];
  try {
    for (const [path, t] of Object.entries(tensors)) {
      const cut = path.lastIndexOf('.');
      let ownerPath = cut < 0 ? '' : path.slice(0, cut);
      let field = cut < 0 ? path : path.slice(cut + 1);
      if (!owners.has(ownerPath)) {
        // an array field: `h.0` in `h.0` -> the owner is the parent and the field `h.0`
        const cut2 = ownerPath.lastIndexOf('.');
        field = `${cut2 < 0 ? ownerPath : ownerPath.slice(cut2 + 1)}.${field}`;
        ownerPath = cut2 < 0 ? '' : ownerPath.slice(0, cut2);
      }
      const owner = owners.get(ownerPath);
      if (!owner) throw new ValueError('functionalCall', `no submodule '${ownerPath}' in ${module.constructor.name}`);
      const slot = slotOf(owner, field);
      saved.push({ ...slot, old: slot.obj[slot.key] });
      slot.obj[slot.key] = t;
    }
    return fn();
  } finally {
    for (const s of saved.reverse()) s.obj[s.key] = s.old;
  }
}

/**
 * A deep copy of a module (PyTorch's `copy.deepcopy`): new Parameters and Buffers with copied
 * values, copied submodules, arrays and Maps (ModuleDict); other fields (numbers, configs, functions) are shared.
 * Used by TransformerEncoder/Decoder to stack copies of one layer, as `_get_clones` does.
 *
 * # Shapes
 * The copy has the original's parameter shapes.
 *
 * @param module - The module to copy.
 * @returns The copy, of the same class.
 * @example
 * const a = new Linear(2, 2);
 * const b = cloneModule(a);
 * b.weight === a.weight; // false
 * allclose(b.weight, a.weight); // true
 */
export function cloneModule<M extends Module>(module: M): M {
  const memo = new Map<unknown, unknown>();
  const copy = (v: unknown): unknown => {
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Parameter) {
      const p = new Parameter(noGrad(() => v.clone()), v.requiresGrad);
      memo.set(v, p);
      return p;
    }
    if (v instanceof Buffer) {
      const b = new Buffer(noGrad(() => v.clone()), v.persistent);
      memo.set(v, b);
      return b;
    }
    if (Array.isArray(v)) {
      const arr: unknown[] = [];
      memo.set(v, arr);
      for (const x of v) arr.push(copy(x));
      return arr;
    }
    if (v instanceof Map) {
      const m = new Map<unknown, unknown>();
      memo.set(v, m);
      for (const [k, x] of v) m.set(k, copy(x));
      return m;
    }
    if (v instanceof Module) {
      const out = Object.create(Object.getPrototypeOf(v) as object) as Record<PropertyKey, unknown>;
      memo.set(v, out);
      for (const key of Reflect.ownKeys(v)) {
        const d = Object.getOwnPropertyDescriptor(v, key)!;
        if ('value' in d) d.value = copy(d.value);
        Object.defineProperty(out, key, d);
      }
      return out;
    }
    return v;
  };
  return copy(module) as M;
}
