// Held-out evaluation of a pretrained language model checkpoint: mean token loss and perplexity
// (causal LM: next-token; masked LM: masked tokens under a fixed seed).

import { ValueError, crossEntropy, defaultGenerator, noGrad } from '@tsgrad/core';
import type { BertMLM, GPT } from '@tsgrad/nn';
import type { CheckpointData } from '../checkpoint.js';
import { IGNORE_INDEX, maskTokens } from '../data/mlm.js';
import { collateLM, packSequences, PackedLMDataset } from '../data/packing.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { pretrainingModel, type RecipeModelConfig } from './models.js';

/** Loss and perplexity of a pretraining checkpoint on `documents`. */
export function evaluateLanguageModel(ck: CheckpointData, tokenizer: Tokenizer, documents: readonly string[], batchSize = 16): { tokens: number; loss: number; perplexity: number } {
  const cfg = ck.modelConfig as RecipeModelConfig;
  const model = pretrainingModel(cfg);
  model.loadStateDict(ck.model);
  model.eval();
  const stream = packSequences(documents.map((d) => tokenizer.encode(d)), { eosId: tokenizer.eosTokenId! });
  const data = new PackedLMDataset(stream, cfg.shape.blockSize);
  if (data.length === 0) throw new ValueError('evaluate', 'the evaluation text is shorter than one context window');
  const saved = defaultGenerator.getState();
  defaultGenerator.manualSeed(1234);
  let sum = 0;
  let n = 0;
  const V = cfg.vocabSize;
  noGrad(() => {
    for (let i = 0; i < data.length; i += batchSize) {
      const b = collateLM(Array.from({ length: Math.min(batchSize, data.length - i) }, (_, k) => data.at(i + k)!));
      const loss = cfg.objective === 'clm'
        ? crossEntropy((model as GPT).forward(b.inputIds).reshape([-1, V]), b.targets.reshape([-1]))
        : (() => {
          const m = maskTokens(b.inputIds, tokenizer, { generator: defaultGenerator });
          return crossEntropy((model as BertMLM).forward(m.inputIds).reshape([-1, V]), m.labels.reshape([-1]), { ignoreIndex: IGNORE_INDEX });
        })();
      sum += loss.item() * b.inputIds.shape[0]!;
      n += b.inputIds.shape[0]!;
    }
  });
  defaultGenerator.setState(saved);
  return { tokens: n * cfg.shape.blockSize, loss: sum / n, perplexity: Math.exp(sum / n) };
}
