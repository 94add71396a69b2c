// Containers: Sequential (chains forward), ModuleList and ModuleDict (hold modules under `0`, `1`, ... or keys).

import { IndexError, type Tensor, ValueError } from '@tsgrad/core';
import { type Member, Module } from '../module.js';

/** A module whose forward maps one tensor to one tensor (what Sequential chains). */
export interface TensorModule extends Module {
  /**
   * Maps one tensor to one tensor.
   * @param x - The input.
   * @returns The output.
   */
  forward(x: Tensor): Tensor;
}

/**
 * Applies its modules in order (torch.nn.Sequential); state-dict keys are `0.weight`, `1.bias`, ...
 *
 * # Shapes
 * - input: what the first module takes; output: what the last returns
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * mlp.forward(ones([3, 4])).shape; // [3, 2]
 * Object.keys(mlp.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 */
export class Sequential extends Module {
  private readonly items: TensorModule[];

  /**
   * @param modules - The modules, applied in this order.
   */
  constructor(...modules: TensorModule[]) {
    super();
    this.items = modules;
  }

  protected override ownMembers(): [string, Member][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  /**
   * The i-th module (negative counts from the end).
   * @param i - The position.
   * @returns The module.
   */
  at(i: number): TensorModule {
    const m = this.items.at(i);
    if (!m) throw new IndexError('Sequential', `index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }

  /**
   * Replaces the i-th module (negative counts from the end), as PyTorch's `seq[i] = m`.
   * @param i - The position.
   * @param m - The new module.
   * @returns This container.
   */
  set(i: number, m: TensorModule): this {
    this.items[this.index(i)] = m;
    return this;
  }

  private index(i: number): number {
    const j = i < 0 ? i + this.items.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.items.length) throw new IndexError('Sequential', `index ${i} is out of range for ${this.items.length} modules`);
    return j;
  }

  /** Number of modules. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Applies each module to the previous one's output.
   * @param x - What the first module takes.
   * @returns What the last module returns.
   */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.items) y = m.forward(y);
    return y;
  }
}

/**
 * A list of submodules (torch.nn.ModuleList), registered as `0`, `1`, ...; it has no forward.
 *
 * # Shapes
 * Not applicable (a container).
 *
 * @example
 * const layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
 * layers.length; // 2
 * Object.keys(layers.stateDict())[0]; // '0.weight'
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  private readonly items: M[];

  /**
   * @param modules - The initial modules.
   */
  constructor(modules: Iterable<M> = []) {
    super();
    this.items = [...modules];
  }

  protected override ownMembers(): [string, Member][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  /**
   * The i-th module (negative counts from the end).
   * @param i - The position.
   * @returns The module.
   */
  at(i: number): M {
    const m = this.items.at(i);
    if (!m) throw new IndexError('ModuleList', `index ${i} is out of range for ${this.items.length} modules`);
    return m;
  }

  /**
   * Replaces the i-th module (negative counts from the end), as PyTorch's `list[i] = m`.
   * @param i - The position.
   * @param m - The new module.
   * @returns This list.
   */
  set(i: number, m: M): this {
    const j = i < 0 ? i + this.items.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.items.length) throw new IndexError('ModuleList', `index ${i} is out of range for ${this.items.length} modules`);
    this.items[j] = m;
    return this;
  }

  /**
   * Appends a module.
   * @param m - The module (it is named by its position).
   * @returns This list.
   */
  push(m: M): this {
    this.items.push(m);
    return this;
  }

  /** Number of modules. */
  get length(): number {
    return this.items.length;
  }

  /**
   * Iterates over the modules in order (`for (const layer of list)`).
   * @returns The iterator.
   */
  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  /**
   * PyTorch's ModuleList printout: runs of identical children print once, as `(0-11): 12 x Block(...)`.
   * @returns The printout.
   */
  override toString(): string {
    const reprs = this.items.map((m) => m.toString());
    if (reprs.length === 0) return `${this.constructor.name}()`;
    const runs: [number, number, string][] = [];
    reprs.forEach((r, i) => {
      const last = runs[runs.length - 1];
      if (last && last[2] === r) last[1] = i;
      else runs.push([i, i, r]);
    });
    const lines = runs.map(([a, b, r]) => (a === b ? `(${a}): ${r}` : `(${a}-${b}): ${b - a + 1} x ${r}`).split('\n').join('\n  '));
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }
}

/**
 * Submodules by name (torch.nn.ModuleDict), in insertion order; keys may not contain dots.
 *
 * # Shapes
 * Not applicable (a container).
 *
 * @example
 * const heads = new ModuleDict({ sentiment: new Linear(4, 2) });
 * Object.keys(heads.stateDict()); // ['sentiment.weight', 'sentiment.bias']
 */
export class ModuleDict<M extends Module = Module> extends Module {
  private readonly items = new Map<string, M>();

  /**
   * @param modules - The initial modules by key.
   */
  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  protected override ownMembers(): [string, Member][] {
    return [...this.items];
  }

  /**
   * The module under `key`, or undefined.
   * @param key - The name.
   * @returns The module, or undefined.
   */
  get(key: string): M | undefined {
    return this.items.get(key);
  }

  /**
   * Adds or replaces the module under `key`.
   * @param key - The name (the state-dict prefix).
   * @param m - The module.
   * @returns This dict.
   */
  set(key: string, m: M): this {
    if (key === '' || key.includes('.')) throw new ValueError('ModuleDict', `module name can't be empty or contain ".", got "${key}"`);
    this.items.set(key, m);
    return this;
  }

  /**
   * The keys in insertion order.
   * @returns The keys.
   */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Number of modules. */
  get size(): number {
    return this.items.size;
  }
}
