// Pretraining recipes: causal-LM (GPT-style, next-token prediction on packed windows) and masked-LM
// (BERT-style, 15% of tokens corrupted 80/10/10), on any documents, with held-out perplexity.

import { defaultGenerator, manualSeed, zeros, type Tensor } from '@tsgrad/core';
import type { BertMLM, GPT } from '@tsgrad/nn';
import { DataLoader } from '../data/dataloader.js';
import { collateLM, packSequences, PackedLMDataset, type LMBatch } from '../data/packing.js';
import { train, type TrainResult } from '../loop.js';
import { AdamW } from '../optim/adam.js';
import type { ProgressMode } from '../progress.js';
import { warmupCosine } from '../schedule.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { causalLmLoss, maskedLmLoss } from './lm-loss.js';
import { decayGroups } from './param-groups.js';
import { pretrainingModel, type ModelShape, type Objective, type RecipeModelConfig } from './models.js';

/** Options of `pretrain`. */
export interface PretrainOptions {
  objective: Objective;
  tokenizer: Tokenizer;
  documents: { train: readonly string[]; validation: readonly string[] };
  model: ModelShape;
  steps: number;
  batchSize: number;
  lr: number;
  warmup?: number;
  weightDecay?: number;
  gradClip?: number;
  seed?: number;
  evalEvery?: number;
  /** Validation batches per evaluation. */
  evalBatches?: number;
  checkpoint?: { path: string; every?: number };
  resumeFrom?: string;
  log?: { jsonl?: string; progress?: ProgressMode; label?: string };
}

/** What `pretrain` returns: the model, its config and the run's history. */
export interface PretrainResult {
  model: GPT | BertMLM;
  config: RecipeModelConfig;
  result: TrainResult;
  /** Tokens the model saw (steps x batch x block). */
  tokensSeen: number;
}

function stream(tok: Tokenizer, docs: readonly string[]): Int32Array {
  return packSequences(docs.map((d) => tok.encode(d)), { eosId: tok.eosTokenId! });
}

/**
 * Pretrains a GPT (objective 'clm') or a BERT MLM (objective 'mlm') with AdamW, warmup + cosine,
 * gradient clipping, held-out evaluation ('loss' and 'perplexity') and optional checkpoints.
 *
 * @example
 * const { model } = await pretrain({ objective: 'clm', tokenizer, documents, model: MODEL_PRESETS.tiny, steps: 100, batchSize: 8, lr: 1e-3 });
 */
export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const { tokenizer: tok, steps, batchSize } = o;
  manualSeed(o.seed ?? 0);
  const T = o.model.blockSize;
  const config: RecipeModelConfig = { objective: o.objective, vocabSize: tok.vocabSize, padId: tok.padTokenId ?? 0, shape: o.model };
  const model = pretrainingModel(config);
  const train_ = new PackedLMDataset(stream(tok, o.documents.train), T);
  const val = new PackedLMDataset(stream(tok, o.documents.validation), T);
  const data = new DataLoader(train_, { batchSize, collateFn: collateLM, shuffle: true, seed: o.seed ?? 0, dropLast: true });
  // masking draws from the default generator, which checkpoints save, so resumed runs mask the same way
  const lossOf = (b: LMBatch): Tensor =>
    o.objective === 'clm' ? causalLmLoss(model as GPT, b) : (maskedLmLoss(model as BertMLM, b, tok, defaultGenerator) ?? zeros([]).requiresGrad_());
  const evalBatches = o.evalBatches ?? 8;
  const evaluate = () => {
    const gen = defaultGenerator.getState(); // evaluation masks must not shift the training stream
    defaultGenerator.manualSeed(1234);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < Math.min(evalBatches * batchSize, val.length); i += batchSize) {
      const windows = Array.from({ length: Math.min(batchSize, val.length - i) }, (_, k) => val.at(i + k)!);
      sum += lossOf(collateLM(windows)).item();
      n++;
    }
    defaultGenerator.setState(gen);
    return { loss: sum / n, perplexity: Math.exp(sum / n) };
  };
  const optimizer = new AdamW(decayGroups(model, o.weightDecay ?? 0.1), { lr: o.lr, betas: [0.9, 0.95] });
  const warmup = o.warmup ?? Math.max(1, Math.round(steps / 20));
  const result = await train({
    model, optimizer, data, steps, loss: lossOf,
    schedule: steps > warmup ? warmupCosine({ peak: 1, min: 0.1, warmup, total: steps }) : undefined,
    gradClip: o.gradClip ?? 1, evaluate, evalEvery: o.evalEvery ?? Math.max(1, Math.round(steps / 5)),
    checkpoint: o.checkpoint && { ...o.checkpoint, modelConfig: config, tokenizer: tok.toJSON() },
    resumeFrom: o.resumeFrom, log: { label: `pretrain-${o.objective}`, ...o.log },
  });
  return { model, config, result, tokensSeen: steps * batchSize * T };
}
