// Held-out evaluation of a pretrained language model checkpoint: mean token loss and perplexity
// (causal LM: next-token; masked LM: masked tokens under a fixed seed).

import { ValueError, defaultGenerator, noGrad, stepScope } from '@tsgrad/core';
import type { BertMLM, GPT } from '@tsgrad/nn';
import type { CheckpointData } from '../checkpoint.js';
import { collateLM, packSequences, PackedLMDataset } from '../data/packing.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { causalLmLoss, maskedLmLoss } from './lm-loss.js';
import type { RecipeModelConfig } from './models.js';
import { checkpointModel } from './quantize.js';

/** Loss and perplexity of a pretraining checkpoint on `documents`. */
export async function evaluateLanguageModel(ck: CheckpointData, tokenizer: Tokenizer, documents: readonly string[], batchSize = 16, device = 'cpu'): Promise<{ tokens: number; loss: number; perplexity: number }> {
  const cfg = ck.modelConfig as RecipeModelConfig;
  const model = checkpointModel(ck) as GPT | BertMLM; // float, or int8 from tsgrad quantize
  model.to(device);
  model.eval();
  const stream = packSequences(documents.map((d) => tokenizer.encode(d)), { eosId: tokenizer.eosTokenId! });
  const data = new PackedLMDataset(stream, cfg.shape.blockSize);
  if (data.length === 0) throw new ValueError('evaluate', 'the evaluation text is shorter than one context window');
  const saved = defaultGenerator.getState();
  defaultGenerator.manualSeed(1234);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += batchSize) {
    const b = collateLM(Array.from({ length: Math.min(batchSize, data.length - i) }, (_, k) => data.at(i + k)!));
    const { loss } = await noGrad(() => stepScope(() => ({ loss: (cfg.objective === 'clm' ? causalLmLoss(model as GPT, b) : maskedLmLoss(model as BertMLM, b, tokenizer, defaultGenerator)) ?? undefined })));
    if (loss === undefined) continue;
    sum += loss * b.inputIds.shape[0]!;
    n += b.inputIds.shape[0]!;
  }
  defaultGenerator.setState(saved);
  return { tokens: n * cfg.shape.blockSize, loss: sum / n, perplexity: Math.exp(sum / n) };
}
