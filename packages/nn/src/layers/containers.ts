// Containers: Sequential (chains forward), ModuleList and ModuleDict (hold modules under `0`, `1`, ... or keys).

import { IndexError, type Tensor, ValueError } from '@tsgrad/core';
import { type Member, Module } from '../module.js';

/** A module whose forward maps one tensor to one tensor (what Sequential chains). */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}

/**
 * Applies its modules in order (torch.nn.Sequential); state-dict keys are `0.weight`, `1.bias`, ...
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * mlp.forward(ones([3, 4])).shape; // [3, 2]
 * Object.keys(mlp.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 *
 * # Shapes
 * - input: what the first module takes; output: what the last returns
 */
export class Sequential extends Module {
  private readonly items: TensorModule[];

  constructor(...modules: TensorModule[]) {
    super();
    this.items = modules;
  }

  protected override ownMembers(): [string, Member][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): TensorModule {
    const m = this.items.at(i);
    if (!m) throw new IndexError('Sequential', `index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }

  get length(): number {
    return this.items.length;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.items) y = m.forward(y);
    return y;
  }
}

/**
 * A list of submodules (torch.nn.ModuleList), registered as `0`, `1`, ...; it has no forward.
 *
 * @example
 * const layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
 * layers.length; // 2
 * Object.keys(layers.stateDict())[0]; // '0.weight'
 *
 * # Shapes
 * Not applicable (a container).
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  private readonly items: M[];

  constructor(modules: Iterable<M> = []) {
    super();
    this.items = [...modules];
  }

  protected override ownMembers(): [string, Member][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new IndexError('ModuleList', `index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }

  /** Appends a module. */
  push(m: M): this {
    this.items.push(m);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }
}

/**
 * Submodules by name (torch.nn.ModuleDict), in insertion order; keys may not contain dots.
 *
 * @example
 * const heads = new ModuleDict({ sentiment: new Linear(4, 2) });
 * Object.keys(heads.stateDict()); // ['sentiment.weight', 'sentiment.bias']
 *
 * # Shapes
 * Not applicable (a container).
 */
export class ModuleDict<M extends Module = Module> extends Module {
  private readonly items = new Map<string, M>();

  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  protected override ownMembers(): [string, Member][] {
    return [...this.items];
  }

  /** The module under `key`, or undefined. */
  get(key: string): M | undefined {
    return this.items.get(key);
  }

  /** Adds or replaces the module under `key`. */
  set(key: string, m: M): this {
    if (key === '' || key.includes('.')) throw new ValueError('ModuleDict', `module name can't be empty or contain ".", got "${key}"`);
    this.items.set(key, m);
    return this;
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }
}
