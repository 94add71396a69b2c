// The Optimizer base: parameter groups with their own hyper-parameters, per-parameter state, and
// state dicts keyed by parameter name (stable under reordering and freezing), validated on load.

import { Tensor, ValueError, noGrad } from '@tsgrad/core';

/** A parameter, optionally with its dotted name (from `model.namedParameters()`). */
export type ParamEntry = Tensor | readonly [string, Tensor];

/** A parameter group as given to a constructor: params plus hyper-parameter overrides. */
export type ParamGroupSpec<H> = { params: Iterable<ParamEntry> } & Partial<H> & { lr?: number };

/** A live parameter group: its params, names and hyper-parameters (lr included; schedules set `lr`). */
export type ParamGroup<H> = H & { lr: number; initialLr: number; params: Tensor[]; names: string[] };

/** Serialised optimizer state: per-parameter tensors/numbers keyed by name, and group hyper-parameters. */
export interface OptimizerStateDict {
  state: Record<string, Record<string, Tensor | number>>;
  paramGroups: Array<Record<string, unknown> & { params: string[] }>;
}

function isGroupSpec<H>(x: unknown): x is ParamGroupSpec<H> {
  return typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && 'params' in x;
}

/**
 * Base class of tsgrad's optimizers (PyTorch's torch.optim.Optimizer). Subclasses implement
 * `update(param, grad, state, group)`, which runs inside `noGrad`.
 */
export abstract class Optimizer<S extends Record<string, Tensor | number>, H extends object> {
  readonly paramGroups: ParamGroup<H>[] = [];
  readonly state = new Map<Tensor, S>();

  constructor(params: Iterable<ParamEntry> | Iterable<ParamGroupSpec<H>>, readonly defaults: H & { lr: number }) {
    const list = [...(params as Iterable<unknown>)];
    const specs: ParamGroupSpec<H>[] = list.length > 0 && isGroupSpec<H>(list[0]) ? (list as ParamGroupSpec<H>[]) : [{ params: list as ParamEntry[] } as unknown as ParamGroupSpec<H>];
    const seen = new Set<Tensor>();
    let unnamed = 0;
    for (const spec of specs) {
      const { params: ps, ...overrides } = spec;
      const group = { ...defaults, ...overrides, params: [] as Tensor[], names: [] as string[] } as ParamGroup<H>;
      group.initialLr = group.lr;
      for (const entry of ps) {
        const [name, p] = entry instanceof Tensor ? [String(unnamed), entry] : entry;
        unnamed++;
        if (!(p instanceof Tensor)) throw new ValueError(this.constructor.name, `expected tensors as parameters, got ${typeof p}`);
        if (seen.has(p)) throw new ValueError(this.constructor.name, `parameter '${name}' appears in more than one group`);
        seen.add(p);
        group.params.push(p);
        group.names.push(name);
      }
      this.paramGroups.push(group);
    }
    if (seen.size === 0) throw new ValueError(this.constructor.name, 'got an empty parameter list');
  }

  /** Clears gradients (to null by default, as PyTorch's set_to_none). */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (setToNone) p.grad = null;
        else if (p.grad) noGrad(() => p.grad!.zero_());
      }
    }
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          const s = this.state.get(p) ?? this.initState(p);
          this.state.set(p, this.update(p, p.grad, s, group));
        }
      }
    });
  }

  /** Sets every group's `lr` to `initialLr * factor` (how schedules drive layer-wise LRs). */
  setLrFactor(factor: number): void {
    for (const g of this.paramGroups) g.lr = g.initialLr * factor;
  }

  protected abstract initState(p: Tensor): S;
  protected abstract update(p: Tensor, grad: Tensor, state: S, group: ParamGroup<H>): S;

  /** The state for checkpoints: tensors and numbers per parameter name, and each group's settings. */
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

  /** Restores a state dict; group count, sizes and names must match (as PyTorch validates). */
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
          this.state.set(p, { ...s } as S);
        }
      });
    });
  }
}
