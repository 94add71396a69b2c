// Module: the base class of layers and models. Parameters, buffers and submodules are found by
// reflection over own fields (arrays of modules give `name.0`), in constructor order, as PyTorch orders them.

import { DTYPES, type DType, type Tensor, isFloat, noGrad, toDevice } from '@tsgrad/core';
import { Buffer, Parameter } from './parameter.js';
import { type LoadOptions, type LoadReport, loadStateDictInto, stateDictOf } from './state-dict.js';
import { moduleRepr } from './repr.js';
import { installTrail } from './trail.js';

/** Where `Module.to` sends parameters and buffers: a dtype, a device name, or both. */
export type ModuleTarget = DType | string | {
  /** Cast floating-point parameters and buffers to this dtype. */
  dtype?: DType;
  /** Move everything to this device. */
  device?: string;
};

function parseTarget(target: ModuleTarget): { dtype?: DType; device?: string } {
  return typeof target === 'string' ? (DTYPES.includes(target as DType) ? { dtype: target as DType } : { device: target }) : target;
}

/** One named member of a module: a parameter, a buffer or a submodule. */
export type Member = Parameter | Buffer | Module;

/**
 * The base of every layer and model (torch.nn.Module). Subclasses create `Parameter`, `Buffer`
 * and `Module` fields in their constructor and define `forward`; nothing is registered by hand.
 * Field names are the state-dict names, so PyTorch's attribute names (`self_attn`,
 * `in_proj_weight`) are kept where a checkpoint must match. Call `m.forward(x)`: the base
 * constructor wraps `forward` once, so errors name the module path and forward hooks run.
 *
 * Members are found among the instance's own enumerable fields. A JavaScript `#private` field
 * cannot be seen by reflection: a parameter or submodule kept in one is silently not registered
 * (missing from `parameters()`, `stateDict()` and `to()`). Use a plain field, or TypeScript's
 * `private` keyword, which is a compile-time check only.
 *
 * # Shapes
 * Defined by each subclass's `forward`.
 *
 * @example
 * class Affine extends Module {
 *   weight = new Parameter(ones([3]));
 *   forward(x: Tensor): Tensor { return x.mul(this.weight); }
 * }
 * const m = new Affine();
 * m.namedParameters().map(([n]) => n); // ['weight']
 */
export abstract class Module {
  /** Training mode (dropout active); set by `train()` and `eval()`. */
  training = true;

  constructor() {
    installTrail(this);
  }

  /**
   * This module's own named members in declaration order. Fields holding arrays give
   * `field.i`; containers (Sequential, ModuleList, ModuleDict) override this to name theirs `0`, `1`, ...
   */
  protected ownMembers(): [string, Member][] {
    const out: [string, Member][] = [];
    const add = (name: string, v: unknown) => {
      if (v instanceof Parameter || v instanceof Buffer || v instanceof Module) out.push([name, v]);
    };
    for (const [k, v] of Object.entries(this)) {
      if (Array.isArray(v)) v.forEach((item, i) => add(`${k}.${i}`, item));
      else add(k, v);
    }
    return out;
  }

  /**
   * Direct submodules with their names (PyTorch's `named_children`).
   * @returns `[name, module]` pairs in declaration order.
   */
  namedChildren(): [string, Module][] {
    return this.ownMembers().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /**
   * Direct submodules.
   * @returns The submodules in declaration order.
   */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module (named '') and every descendant, each once, in pre-order (PyTorch's `named_modules`).
   * @param prefix - Prepended to every name (with a dot).
   * @returns `[dottedName, module]` pairs, this module first as `prefix`.
   */
  namedModules(prefix = ''): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const visit = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m.namedChildren()) visit(c, name ? `${name}.${k}` : k);
    };
    visit(this, prefix);
    return out;
  }

  /**
   * Every module in the tree, this one first.
   * @returns The modules, this one first.
   */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  private namedLeaves<T extends Parameter | Buffer>(kind: new (...a: never[]) => T, recurse: boolean): [string, T][] {
    const seen = new Set<T>();
    const out: [string, T][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules() : [['', this]];
    for (const [prefix, m] of mods) {
      for (const [k, v] of m.ownMembers()) {
        if (!(v instanceof kind) || seen.has(v as T)) continue;
        seen.add(v as T);
        out.push([prefix ? `${prefix}.${k}` : k, v as T]);
      }
    }
    return out;
  }

  /**
   * Parameters with dotted names; a tied parameter is listed once, under its first name.
   * @param recurse - Include descendants' parameters (default true).
   * @returns `[dottedName, parameter]` pairs (the state-dict keys).
   */
  namedParameters(recurse = true): [string, Parameter][] {
    return this.namedLeaves(Parameter, recurse);
  }

  /**
   * Every parameter once (tied weights count once).
   * @param recurse - Include descendants' parameters (default true).
   * @returns The parameters, each once (pass them to an optimizer).
   */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters(recurse).map(([, p]) => p);
  }

  /**
   * Buffers (persistent or not) with dotted names.
   * @param recurse - Include descendants' buffers (default true).
   * @returns `[dottedName, buffer]` pairs.
   */
  namedBuffers(recurse = true): [string, Buffer][] {
    return this.namedLeaves(Buffer, recurse);
  }

  /**
   * Every buffer once.
   * @param recurse - Include descendants' buffers (default true).
   * @returns The buffers, each once.
   */
  buffers(recurse = true): Buffer[] {
    return this.namedBuffers(recurse).map(([, b]) => b);
  }

  /**
   * Sets training mode here and in every descendant (dropout on). Returns this.
   * @param mode - True for training, false for evaluation.
   * @returns This module.
   */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /**
   * Evaluation mode: `train(false)`. Returns this.
   * @returns This module.
   */
  eval(): this {
    return this.train(false);
  }

  /** Sets every parameter's `.grad` to null (PyTorch's default `set_to_none=True`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Calls `fn` on every submodule (children first, recursively) and then on this one, as PyTorch's `apply`; for init.
   * @param fn - Called with each module.
   * @returns This module.
   */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Turns gradient tracking on or off for every parameter (freezing). Returns this.
   * @param requiresGrad - Track gradients (false freezes the parameters).
   * @returns This module.
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Moves and/or casts parameters and buffers in place, keeping the Parameter objects (optimizers
   * holding them keep working). Only floating-point tensors change dtype, as in PyTorch. Moving
   * from a GPU back to the CPU needs `await toAsync('cpu')` (the readback is asynchronous).
   * @param target - A dtype, a device, or `{ dtype, device }`.
   * @returns This module.
   */
  to(target: ModuleTarget): this {
    const t = parseTarget(target);
    for (const c of this.children()) c.to(target); // children first, as PyTorch's _apply; lets a child rebuild its tables
    noGrad(() => {
      for (const [, x] of this.ownMembers()) {
        if (!(x instanceof Parameter) && !(x instanceof Buffer)) continue;
        const dest = { device: t.device ?? x.device, dtype: t.dtype !== undefined && isFloat(x.dtype) ? t.dtype : x.dtype };
        if (dest.device !== x.device || dest.dtype !== x.dtype) x.setData(x.to(dest));
      }
    });
    return this;
  }

  /**
   * `to()` for moves that need an asynchronous readback (a GPU device to the CPU): values and
   * gradients are moved with `await toDevice(x, device)` first, then `to(target)` finishes in place.
   * @param target - A dtype, a device, or `{ dtype, device }`.
   * @returns This module, once every tensor has moved.
   */
  async toAsync(target: ModuleTarget): Promise<this> {
    const t = parseTarget(target);
    const device = t.device;
    if (device !== undefined) {
      // each tensor is moved with the backends' own readback (asynchronous where the device is)
      for (const x of [...this.parameters(), ...this.buffers()]) {
        if (x instanceof Parameter && x.grad && x.grad.device !== device) x.grad = await toDevice(x.grad, device);
        if (x.device !== device) x.setData(await toDevice(x, device));
      }
    }
    return this.to(target);
  }

  /**
   * Number of parameter elements (each tied parameter once); `trainableOnly` counts those requiring grad.
   * @param opts - `trainableOnly`: count only parameters that require grad.
   * @returns The number of elements.
   */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    return this.parameters().filter((p) => !opts.trainableOnly || p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  }

  /**
   * Parameters and persistent buffers by PyTorch key (`self_attn.in_proj_weight`), in PyTorch's
   * order: each module's own parameters, then its buffers, then its children. Values are detached
   * views sharing storage. A tied parameter appears under every name, as in PyTorch.
   * @returns The tensors by dotted key, detached (they share storage with the module).
   */
  stateDict(): Record<string, Tensor> {
    return stateDictOf<Module>(this, (m) => m.ownMembers());
  }

  /**
   * Copies `state` into the parameters and persistent buffers in place (no autograd), after
   * checking every key: missing, unexpected and mis-shaped keys are all reported in one
   * StateDictError, and nothing is copied when it throws. With `strict: false`, missing and
   * unexpected keys are returned instead; mis-shaped keys still throw (as PyTorch) unless
   * `ignoreMismatched` is set.
   * @param state - Tensors by dotted key (e.g. from `loadSafetensorsFile` or `stateDict()`).
   * @param opts - `strict` (default true), `ignoreMismatched`.
   * @returns The missing and unexpected keys (empty in strict mode, which throws instead).
   */
  loadStateDict(state: Record<string, Tensor>, opts: LoadOptions = {}): LoadReport {
    return loadStateDictInto<Module>(this, state, opts, (m) => m.ownMembers());
  }

  /**
   * PyTorch's module printout: the class, its {@link Module.extraRepr} and its children, indented.
   * @returns E.g. `Linear(in_features=2, out_features=3, bias=True)`.
   */
  toString(): string {
    return moduleRepr(this.constructor.name, this.extraRepr(), this.namedChildren().map(([k, c]) => [k, c.toString()] as const));
  }

  /**
   * This module's own settings for its printout (PyTorch's `extra_repr`): '' unless a layer overrides it.
   * @returns One line (or several) of settings.
   */
  extraRepr(): string {
    return '';
  }
}
