// The Optimizer base: parameter groups with their own hyper-parameters, per-parameter state, and
// state dicts keyed by parameter name (stable under reordering and freezing), validated on load.

import { Tensor, ValueError, dispose, enableGrad, keep, noGrad } from '@tsgrad/core';

/** A parameter, optionally with its dotted name (from `model.namedParameters()`). */
export type ParamEntry = Tensor | readonly [string, Tensor];

/** A parameter group as given to a constructor: params plus hyper-parameter overrides. */
export type ParamGroupSpec<H> = {
  /** The group's parameters (or `[name, param]` pairs). */
  params: Iterable<ParamEntry>;
} & Partial<H> & {
  /** The group's learning rate (default: the optimizer's). */
  lr?: number;
};

/** A live parameter group: its params, names and hyper-parameters (lr included; schedules set `lr`). */
export type ParamGroup<H> = H & {
  /** The current learning rate (schedules set it each step). */
  lr: number;
  /** The learning rate the group started with. */
  initialLr: number;
  /** Its parameters. */
  params: Tensor[];
  /** Their names (state-dict keys). */
  names: string[];
};

/** Serialised optimizer state: per-parameter tensors/numbers keyed by name, and group hyper-parameters. */
export interface OptimizerStateDict {
  /** Per-parameter state (moment tensors, step counts) by parameter name. */
  state: Record<string, Record<string, Tensor | number>>;
  /** Each group's hyper-parameters and the names of its parameters. */
  paramGroups: Array<Record<string, unknown> & {
    /** Names of the group's parameters. */
    params: string[];
  }>;
}

function isGroupSpec<H>(x: unknown): x is ParamGroupSpec<H> {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && 'params' in x;
}

/**
 * Base class of tsgrad's optimizers (PyTorch's torch.optim.Optimizer). Subclasses implement
 * `update(param, grad, state, group)`, which runs inside `noGrad`.
 *
 * @example
 * const model = new Linear(3, 1);
 * const opt = new AdamW(model.namedParameters(), { lr: 0.01 });
 * opt.paramGroups[0]!.names; // ['weight', 'bias']
 * model.forward(ones([4, 3])).square().mean().backward();
 * opt.step();
 * opt.zeroGrad();
 * model.weight.grad; // null
 * Object.keys(opt.stateDict().state); // ['weight', 'bias']
 */
export abstract class Optimizer<S extends Record<string, Tensor | number>, H extends object> {
  /** The parameter groups, each with its own hyper-parameters (schedules set `lr`). */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Tensor, S>();

  /**
   * @param params - Parameters, `[name, param]` pairs (names key the state dict), or groups with overrides.
   * @param defaults - The hyper-parameters every group starts from.
   */
  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, readonly defaults: H & {
    /** The default learning rate. */
    lr: number;
  }) {
    const list = [...(params as Iterable<unknown>)];
    const specs: ParamGroupSpec<H>[] = list.length > 0 && isGroupSpec<H>(list[0]) ? (list as ParamGroupSpec<H>[]) : [{ params: list as ParamEntry[] } as unknown as ParamGroupSpec<H>];
    for (const spec of specs) this.addGroup(spec);
    if (this.paramGroups.every((g) => g.params.length === 0)) throw new ValueError(this.constructor.name, 'got an empty parameter list');
  }

  private unnamed = 0;

  private addGroup(spec: ParamGroupSpec<H>): void {
    const { params: ps, ...overrides } = spec;
    const group = { ...this.defaults, ...overrides, params: [] as Tensor[], names: [] as string[] } as ParamGroup<H>;
    group.initialLr = group.lr;
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const entry of ps) {
      const [name, p] = entry instanceof Tensor ? [String(this.unnamed), entry] : entry;
      this.unnamed++;
      if (!(p instanceof Tensor)) throw new ValueError(this.constructor.name, `expected tensors as parameters, got ${typeof p}`);
      if (seen.has(p)) throw new ValueError(this.constructor.name, `parameter '${name}' appears in more than one group`);
      seen.add(p);
      group.params.push(p);
      group.names.push(name);
    }
    this.paramGroups.push(group);
  }

  /**
   * Adds a parameter group, with its own options over the defaults (torch's add_param_group),
   * e.g. to start training a layer that was frozen.
   * @param spec - `{ params, ...options }`.
   * @example
   * const a = zeros([1], { requiresGrad: true });
   * const b = zeros([1], { requiresGrad: true });
   * const opt = new SGD([a], { lr: 0.1 });
   * opt.addParamGroup({ params: [b], lr: 0.01 });
   * opt.paramGroups.map((g) => g.lr); // [0.1, 0.01]
   */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    this.addGroup(spec);
  }

  /**
   * Clears gradients (to null by default, as PyTorch's set_to_none).
   * @param setToNone - Set grads to null (default) instead of zeroing them.
   */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) noGrad(() => p.grad!.zero_());
      }
    }
  }

  /**
   * Applies one update to every parameter that has a gradient. With a `closure` (PyTorch's
   * `step(closure)`), the closure runs first with gradients enabled: it clears the gradients,
   * computes the loss and calls `backward()`; its loss is returned.
   * @param closure - Re-evaluates the model and returns the loss (optional).
   * @returns The closure's loss, or undefined without one.
   */
  step<L = Tensor>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          const s = this.state.get(p) ?? this.initState(p);
          const next = this.update(p, p.grad, s, group);
          // device memory: the new state outlives the step's scope; replaced state tensors are freed now
          for (const v of Object.values(next)) if (v instanceof Tensor) keep(v);
          const live = new Set(Object.values(next));
          for (const v of Object.values(s)) if (v instanceof Tensor && !live.has(v)) dispose(v);
          this.state.set(p, next);
        }
      }
    });
    return loss;
  }

  /**
   * Sets every group's `lr` to `initialLr * factor` (how schedules drive layer-wise LRs).
   * @param factor - Multiplier of each group's initial learning rate.
   */
  setLrFactor(factor: number): void {
    for (const g of this.paramGroups) g.lr = g.initialLr * factor;
  }

  protected abstract initState(p: Tensor): S;
  protected abstract update(p: Tensor, grad: Tensor, state: S, group: ParamGroup<H>): S;

  /**
   * The state for checkpoints: tensors and numbers per parameter name, and each group's settings.
   * @returns The state dict (it shares tensors with the optimizer).
   */
  stateDict(): OptimizerStateDict {
    const state: OptimizerStateDict['state'] = {};
    const paramGroups = this.paramGroups.map(({ params, names, ...hyper }) => {
      params.forEach((p, i) => {
        const s = this.state.get(p);
        if (s) state[names[i]!] = { ...s };
      });
      return { ...hyper, params: [...names] };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state dict; group count, sizes and names must match (as PyTorch validates).
   * @param sd - A state dict from `stateDict()`.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') throw new ValueError(name, 'expected { state, paramGroups }');
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(name, `the state dict has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi]!;
      if (saved.params.length !== group.params.length || saved.params.some((n, i) => n !== group.names[i])) {
        throw new ValueError(name, `parameter group ${gi} holds different parameters than the optimizer's`, {},
          `saved [${saved.params.slice(0, 4).join(', ')}...], here [${group.names.slice(0, 4).join(', ')}...]`);
      }
    });
    sd.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi]!;
      const { params: _names, ...hyper } = saved;
      Object.assign(group, hyper);
      group.params.forEach((p, i) => {
        const s = sd.state[group.names[i]!];
        if (!s) this.state.delete(p);
        else {
          for (const [k, v] of Object.entries(s)) {
            if (v instanceof Tensor && (v.numel() !== p.numel() && v.numel() !== 1)) {
              throw new ValueError(name, `state '${k}' of parameter '${group.names[i]}' has ${v.numel()} elements, the parameter ${p.numel()}`);
            }
          }
          // state tensors go where their parameter lives (a CPU checkpoint resumed on the GPU)
          this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.to(p.device) : v])) as S);
        }
      });
    });
  }
}
