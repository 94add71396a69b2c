// Parameter groups for AdamW: decay matrices, not biases, norms or embeddings (GPT-2/nanoGPT's
// rule), and layer-wise learning rates for fine-tuning.

import type { Tensor } from '@tsgrad/core';
import { Embedding, LayerNorm, RMSNorm, type Module } from '@tsgrad/nn';
import type { ParamGroupSpec } from '../optim/optimizer.js';

/** Names of parameters that belong to embeddings or norms (no weight decay). */
function exempt(model: Module): Set<Tensor> {
  const out = new Set<Tensor>();
  for (const [, m] of model.namedModules()) {
    if (m instanceof Embedding || m instanceof LayerNorm || m instanceof RMSNorm) for (const p of m.parameters()) out.add(p);
  }
  return out;
}

/**
 * Two AdamW groups: 2-D+ weights of linear layers decay by `weightDecay`; biases, norm weights
 * and embeddings (incl. tied heads) do not. Frozen parameters (requiresGrad false) are left out.
 * `lrOf(name)` gives a parameter its own learning rate (layer-wise LRs); groups split by it too.
 * @param model - The model.
 * @param weightDecay - Decay of the matrices.
 * @param lrOf - Learning rate by parameter name (optional).
 * @returns The groups, for an optimizer's constructor.
 * @example
 * const model = new Sequential(new Embedding(10, 4), new Linear(4, 2));
 * const groups = decayGroups(model, 0.1);
 * groups.map((g) => [g.weightDecay, [...g.params].map((p) => (p as [string, Tensor])[0])]); // [[0, ['0.weight', '1.bias']], [0.1, ['1.weight']]]
 * new AdamW(groups, { lr: 3e-4 }).paramGroups.length; // 2
 */
export function decayGroups(model: Module, weightDecay: number, lrOf?: (name: string) => number): ParamGroupSpec<{
  /** The group's weight decay. */
  weightDecay: number;
}>[] {
  const noDecay = exempt(model);
  const groups = new Map<string, { params: [string, Tensor][]; weightDecay: number; lr?: number }>();
  const seen = new Set<Tensor>();
  for (const [name, p] of model.namedParameters()) {
    if (seen.has(p) || !p.requiresGrad) continue;
    seen.add(p);
    const wd = noDecay.has(p) || p.ndim < 2 ? 0 : weightDecay;
    const lr = lrOf?.(name);
    const key = `${wd}:${lr}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { params: [], weightDecay: wd, ...(lr !== undefined ? { lr } : {}) }));
    g.params.push([name, p]);
  }
  return [...groups.values()];
}
