// The pretraining losses. Masked LM runs its output head only at the ~15% masked positions (the
// others carry no loss), which makes the vocabulary projection about 6x cheaper than on all tokens.

import { crossEntropy, fromArray, type Generator, type Tensor } from '@tsgrad/core';
import type { BertMLM, GPT } from '@tsgrad/nn';
import { IGNORE_INDEX, maskTokens } from '../data/mlm.js';
import type { LMBatch } from '../data/packing.js';
import type { Tokenizer } from '../tokenizers/types.js';

/** Where a model's parameters live: batches built on the CPU go there. */
function deviceOf(model: { parameters(): Tensor[] }): string {
  return model.parameters()[0]?.device ?? 'cpu';
}

/** Next-token cross-entropy of a GPT on a packed batch (moved to the model's device). */
export function causalLmLoss(model: GPT, b: LMBatch): Tensor {
  const device = deviceOf(model);
  return model.loss(b.inputIds.to(device), b.targets.to(device)); // the head and the loss fused: no (B, T, V) logits tensor
}

/**
 * Masked-LM cross-entropy (BERT's 80/10/10 corruption of 15% of tokens, drawn from `generator`),
 * computed on the masked positions only, on the model's device. Returns null when no position
 * was chosen.
 */
export function maskedLmLoss(model: BertMLM, b: LMBatch, tokenizer: Tokenizer, generator: Generator): Tensor | null {
  const device = deviceOf(model);
  const m = maskTokens(b.inputIds, tokenizer, { generator });
  const labels = m.labels.reshape([-1]).dataSync();
  const picked: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== IGNORE_INDEX) picked.push(i);
  if (picked.length === 0) return null;
  const hidden = model.transformer.forward(m.inputIds.to(device)); // (B, T, C); masking ran on the CPU
  const C = hidden.shape[2]!;
  const index = fromArray(Int32Array.from(picked), [picked.length], { dtype: 'int32', device });
  const rows = hidden.reshape([-1, C]).indexSelect(0, index); // (M, C): the masked positions
  const logits = model.mlm_head.forward(rows, model.transformer.wte.weight); // (M, V)
  return crossEntropy(logits, m.labels.to(device).reshape([-1]).indexSelect(0, index));
}
