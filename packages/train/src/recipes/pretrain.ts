// Pretraining recipes: causal-LM (GPT-style, next-token prediction on packed windows) and masked-LM
// (BERT-style, 15% of tokens corrupted 80/10/10), on any documents, with held-out perplexity.

import { Generator, defaultGenerator, manualSeed, stepScope, zeros, type Tensor } from '@tsgrad/core';
import type { BertMLM, GPT } from '@tsgrad/nn';
import { DataLoader } from '../data/dataloader.js';
import { collateLM, packSequences, PackedLMDataset, type LMBatch } from '../data/packing.js';
import type { CheckpointData } from '../checkpoint.js';
import { train, type TrainConfig, type TrainResult } from '../loop.js';
import { AdamW } from '../optim/adam.js';
import { lrLambda, warmupCosine } from '../schedule.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { causalLmLoss, maskedLmLoss } from './lm-loss.js';
import { decayGroups } from './param-groups.js';
import { pretrainingModel, type ModelShape, type Objective, type RecipeModelConfig } from './models.js';
import type { LogOptions } from '../loop-types.js';

/** Options of `pretrain`. */
export interface PretrainOptions {
  /** 'clm' (GPT, next token) or 'mlm' (BERT, masked tokens). */
  objective: Objective;
  /** The tokenizer (it needs an eos token; 'mlm' also a mask token). */
  tokenizer: Tokenizer;
  /** Training and held-out documents. */
  documents: {
    /** Documents to train on. */
    train: readonly string[];
    /** Held-out documents for the evaluation. */
    validation: readonly string[];
  };
  /** The model size; `blockSize` is the window length. */
  model: ModelShape;
  /** Optimizer steps. */
  steps: number;
  /** Windows per batch. */
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** Warmup steps of the cosine schedule. */
  warmup?: number;
  /** AdamW weight decay of the matrices. */
  weightDecay?: number;
  /** Global gradient norm clip. */
  gradClip?: number;
  /** Seed of the model, the data order and the masks. */
  seed?: number;
  /** Steps between evaluations. */
  evalEvery?: number;
  /** Validation batches per evaluation. */
  evalBatches?: number;
  /** Checkpoint path and interval. */
  checkpoint?: {
    /** The .safetensors file. */
    path: string;
    /** Steps between checkpoints. */
    every?: number;
    /** Metadata saved in every checkpoint (commands, corpus, commit). */
    extra?: Record<string, unknown>;
  };
  /** A checkpoint to resume from. */
  resumeFrom?: string;
  /**
   * Start from these weights (a new run: fresh optimizer and schedule), e.g. a pretrained body
   * continued on a task's own unlabelled text (ULMFiT's target-task LM stage).
   */
  initWeights?: CheckpointData['model'];
  /** Where the model trains: 'cpu' (default) or 'gpu' (after `setBackend('gpu', ...)`). */
  device?: string;
  /** Called after every step (see `TrainConfig.onStep`). */
  onStep?: TrainConfig<LMBatch>['onStep'];
  /** JSONL log, progress display and label. */
  log?: LogOptions;
}

/** What `pretrain` returns: the model, its config and the run's history. */
export interface PretrainResult {
  /** The trained model. */
  model: GPT | BertMLM;
  /** Its config (saved with checkpoints). */
  config: RecipeModelConfig;
  /** The training history. */
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
 * @param o - Objective, tokenizer, documents, model size, steps, batch size, learning rate and the rest.
 * @returns The model, its config and the history.
 * @example
 * const text = 'the cat sat on the mat. the dog sat on the log. ';
 * const tokenizer = trainRecipeTokenizer([text.repeat(20)], 300);
 * const documents = { train: [text.repeat(40)], validation: [text.repeat(5)] };
 * const { model, result } = await pretrain({
 *   objective: 'clm', tokenizer, documents, model: { ...MODEL_PRESETS.tiny, blockSize: 16 },
 *   steps: 20, batchSize: 4, lr: 3e-3, log: { progress: 'none' },
 * });
 * model instanceof GPT; // true
 * result.history.at(-1)!.loss < result.history[0]!.loss; // true
 */
export async function pretrain(o: PretrainOptions): Promise<PretrainResult> {
  const { tokenizer: tok, steps, batchSize } = o;
  manualSeed(o.seed ?? 0);
  const T = o.model.blockSize;
  const config: RecipeModelConfig = { objective: o.objective, vocabSize: tok.vocabSize, padId: tok.padTokenId ?? 0, shape: o.model };
  const device = o.device ?? 'cpu';
  const model = pretrainingModel(config);
  if (o.initWeights) model.loadStateDict(o.initWeights);
  model.to(device);
  const train_ = new PackedLMDataset(stream(tok, o.documents.train), T);
  const val = new PackedLMDataset(stream(tok, o.documents.validation), T);
  const data = new DataLoader(train_, { batchSize, collateFn: collateLM, shuffle: true, generator: new Generator(o.seed ?? 0), dropLast: true });
  // masking draws from the default generator, which checkpoints save, so resumed runs mask the same way
  const lossOf = (b: LMBatch): Tensor =>
    o.objective === 'clm' ? causalLmLoss(model as GPT, b) : (maskedLmLoss(model as BertMLM, b, tok, defaultGenerator) ?? zeros([], { device }).requiresGrad_());
  const evalBatches = o.evalBatches ?? 8;
  const evaluate = async () => {
    const gen = defaultGenerator.getState(); // evaluation masks must not shift the training stream
    defaultGenerator.manualSeed(1234);
    let sum = 0;
    let n = 0;
    for (let i = 0; i < Math.min(evalBatches * batchSize, val.length); i += batchSize) {
      const windows = Array.from({ length: Math.min(batchSize, val.length - i) }, (_, k) => val.at(i + k)!);
      sum += (await stepScope(() => ({ loss: lossOf(collateLM(windows)) }))).loss!; // frees the forward's device buffers
      n++;
    }
    defaultGenerator.setState(gen);
    return { loss: sum / n, perplexity: Math.exp(sum / n) };
  };
  const optimizer = new AdamW(decayGroups(model, o.weightDecay ?? 0.1), { lr: o.lr, betas: [0.9, 0.95] });
  const warmup = o.warmup ?? Math.max(1, Math.round(steps / 20));
  const result = await train({
    model, optimizer, data, steps, loss: lossOf,
    lrLambda: steps > warmup ? lrLambda(warmupCosine({ peak: 1, min: 0.1, warmup, total: steps })) : undefined,
    gradClip: o.gradClip ?? 1, evaluate, evalEvery: o.evalEvery ?? Math.max(1, Math.round(steps / 5)),
    checkpoint: o.checkpoint && { ...o.checkpoint, modelConfig: config, tokenizer: tok.toJSON() },
    resumeFrom: o.resumeFrom, onStep: o.onStep, log: { label: `pretrain-${o.objective}`, ...o.log },
  });
  return { model, config, result, tokensSeen: steps * batchSize * T };
}
