// Attention rollout (Abnar & Zuidema 2020): each layer's head-averaged attention A is mixed with
// the residual connection as 0.5 A + 0.5 I and its rows renormalised; the product over layers,
// last layer first, says how much each output position draws on each input token.

import { type Tensor, ValueError } from '@tsgrad/core';
import { MultiheadAttention, type Module } from '@tsgrad/nn';

/**
 * Rolls out per-layer attention maps: R = Â_L ··· Â_1 with Â = rownorm(0.5 A + 0.5 I).
 * @param layers - One (T, T) attention map per layer, first layer first (rows: queries, sum 1).
 * @returns The rollout (T, T): row t is how much position t's output draws on each input token.
 * @example
 * // one layer where token 0 attends to token 1 only: row 0 becomes [0.5, 0.5]
 * attentionRollout([[[0, 1], [0, 1]]]); // [[0.5, 0.5], [0, 1]]
 */
export function attentionRollout(layers: readonly (readonly (readonly number[])[])[]): number[][] {
  if (layers.length === 0) throw new ValueError('attentionRollout', 'no attention maps');
  const T = layers[0]!.length;
  let r: number[][] = Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (i === j ? 1 : 0)));
  layers.forEach((a, l) => {
    if (a.length !== T || a.some((row) => row.length !== T)) throw new ValueError('attentionRollout', `layer ${l}'s map is not ${T} x ${T}`);
    const mixed = a.map((row, i) => {
      const m = row.map((v, j) => 0.5 * v + (i === j ? 0.5 : 0));
      const s = m.reduce((x, y) => x + y, 0);
      return m.map((v) => v / s);
    });
    r = mixed.map((row) => r[0]!.map((_, j) => row.reduce((acc, v, k) => acc + v * r[k]![j]!, 0))); // mixed @ r
  });
  return r;
}

/**
 * Runs `forward` while recording the head-averaged attention weights of every self-attention
 * module of `model` (in module order), by hooks that ask each for its weights.
 * @param model - The model (its self-attention modules are MultiheadAttention).
 * @param forward - Runs the model on one example.
 * @returns The forward's result and one (B, T, T) weight tensor per self-attention module.
 * @example
 * const clf = SequenceClassifier.fromConfig({ body: { arch: 'bert', vocabSize: 16, maxPositions: 8, nLayer: 2, nHead: 2, nEmbd: 8 }, numLabels: 2 }).eval();
 * const { maps } = recordAttention(clf, () => clf.forward(tensor([[1, 2, 3]], { dtype: 'int32' })));
 * maps.map((m) => m.shape); // [[1, 3, 3], [1, 3, 3]]
 */
export function recordAttention<R>(model: Module, forward: () => R): {
  /** What `forward` returned. */
  result: R;
  /** One (B, T, T) head-averaged attention map per self-attention module, in module order. */
  maps: Tensor[];
} {
  const maps: Tensor[] = [];
  const handles = model.namedModules().filter(([name, m]) => m instanceof MultiheadAttention && /(^|\.)self_attn$/.test(name)).flatMap(([, m]) => [
    m.registerForwardPreHook((_mod, args) => [...args.slice(0, 3), { ...(args[3] as object | undefined), needWeights: true, averageAttnWeights: true }]),
    m.registerForwardHook((_mod, _args, out) => void maps.push((out as [Tensor, Tensor])[1].detach())),
  ]);
  try {
    return { result: forward(), maps };
  } finally {
    for (const h of handles) h.remove();
  }
}
