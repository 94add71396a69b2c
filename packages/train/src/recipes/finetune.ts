// Fine-tuning a sequence classifier, from a pretrained checkpoint or from scratch: AdamW with a
// separate head LR, optional freezing (linear probe) and layer-wise LR decay, warmup + linear
// decay, early stopping on validation accuracy with the best weights restored, test metrics.

import { ValueError, crossEntropy, manualSeed, noGrad } from '@tsgrad/core';
import type { Pooling, SequenceClassifier } from '@tsgrad/nn';
import type { CheckpointData } from '../checkpoint.js';
import { DataLoader } from '../data/dataloader.js';
import { collateClassification, encodeExamples, type ClassificationBatch, type EncodedExample } from '../data/collate.js';
import type { LabelledText } from '../data/split.js';
import { train, type TrainResult } from '../loop.js';
import { accuracy, macroF1 } from '../metrics.js';
import { AdamW } from '../optim/adam.js';
import type { ProgressMode } from '../progress.js';
import { warmupLinear } from '../schedule.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { classifierFor, type RecipeModelConfig } from './models.js';
import { decayGroups } from './param-groups.js';

/** Options of `finetuneClassifier`. */
export interface FinetuneOptions {
  tokenizer: Tokenizer;
  /** Start from a pretraining checkpoint (weights + model config), or from scratch with a config. */
  init: { checkpoint: CheckpointData } | { scratch: RecipeModelConfig };
  train: readonly LabelledText<number>[];
  validation: readonly LabelledText<number>[];
  test: readonly LabelledText<number>[];
  numLabels?: number;
  pooling?: Pooling;
  batchSize?: number;
  /** Passes over the labelled examples (bounded by minSteps/maxSteps). */
  epochs?: number;
  minSteps?: number;
  maxSteps?: number;
  lrBody?: number;
  lrHead?: number;
  weightDecay?: number;
  /** 'body' trains only the head (a linear probe); 'embeddings' freezes the token embeddings. */
  freeze?: 'none' | 'body' | 'embeddings';
  /** Layer-wise LR decay: block i of L gets lrBody * decay^(L - i); embeddings decay^(L + 1). */
  layerwiseDecay?: number;
  /** Evaluations without improvement before stopping (validation accuracy). */
  patience?: number;
  seed?: number;
  log?: { jsonl?: string; progress?: ProgressMode; label?: string };
}

/** The outcome of one fine-tuning run. */
export interface FinetuneResult {
  testAccuracy: number;
  testMacroF1: number;
  validationAccuracy: number;
  model: SequenceClassifier;
  result: TrainResult;
}

function layerOf(name: string): number | undefined {
  const m = /\.(?:h|layers)\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Predicted class ids for encoded examples, in batches, without autograd. */
export function predict(model: SequenceClassifier, examples: readonly EncodedExample[], padId: number, batchSize = 64): number[] {
  const out: number[] = [];
  model.eval();
  noGrad(() => {
    for (let i = 0; i < examples.length; i += batchSize) {
      const b = collateClassification(examples.slice(i, i + batchSize), { padId });
      const logits = model.forward(b.inputIds, { keyPaddingMask: b.attentionMask.logicalNot() }); // (B, numLabels)
      out.push(...Array.from(logits.argmax(-1).dataSync()));
    }
  });
  return out;
}

/**
 * Fine-tunes a classifier on `train`, selects the step with the best validation accuracy, and
 * reports test accuracy and macro F1 there.
 * @example const r = await finetuneClassifier({ tokenizer, init: { checkpoint }, train, validation, test });
 */
export async function finetuneClassifier(o: FinetuneOptions): Promise<FinetuneResult> {
  if (o.train.length === 0) throw new ValueError('finetuneClassifier', 'no labelled training examples', {}, 'pass at least one { text, label }');
  const numLabels = o.numLabels ?? Math.max(...[...o.train, ...o.validation].map((e) => e.label)) + 1;
  manualSeed(o.seed ?? 0);
  const cfg = 'checkpoint' in o.init ? (o.init.checkpoint.modelConfig as RecipeModelConfig) : o.init.scratch;
  if (!cfg || (cfg.objective !== 'clm' && cfg.objective !== 'mlm')) throw new ValueError('finetuneClassifier', 'the checkpoint has no recipe model config (objective, vocabSize, shape)');
  if (cfg.vocabSize !== o.tokenizer.vocabSize) {
    throw new ValueError('finetuneClassifier', `the model's vocabulary (${cfg.vocabSize}) does not match the tokenizer's (${o.tokenizer.vocabSize})`, {}, 'fine-tune with the tokenizer saved in the checkpoint');
  }
  const model = classifierFor(cfg, numLabels, { pooling: o.pooling });
  if ('checkpoint' in o.init) {
    const report = model.loadStateDict(o.init.checkpoint.model, { strict: false }) as { missingKeys: string[] };
    const unexpectedBody = report.missingKeys.filter((k) => k.startsWith('transformer.'));
    if (unexpectedBody.length > 0) throw new ValueError('finetuneClassifier', `the checkpoint lacks body weights: ${unexpectedBody.slice(0, 3).join(', ')}`);
  }
  if (o.freeze === 'body') model.transformer.requiresGrad_(false);
  if (o.freeze === 'embeddings') model.transformer.wte.requiresGrad_(false);
  const tok = o.tokenizer;
  const prefix = [cfg.objective === 'clm' ? tok.bosTokenId! : tok.clsTokenId!];
  const enc = (xs: readonly LabelledText<number>[]) => encodeExamples(tok, xs, { maxLength: cfg.shape.blockSize, prefix });
  const [trainEnc, valEnc, testEnc] = [enc(o.train), enc(o.validation), enc(o.test)];
  const padId = tok.padTokenId ?? 0;
  const batchSize = Math.min(o.batchSize ?? 16, trainEnc.length);
  const data = new DataLoader(trainEnc, { batchSize, collateFn: (b) => collateClassification(b, { padId }), shuffle: true, seed: o.seed ?? 0 });
  const perEpoch = data.length;
  const steps = Math.min(o.maxSteps ?? 1000, Math.max(o.minSteps ?? 100, perEpoch * (o.epochs ?? 10)));
  const lrBody = o.lrBody ?? 2e-4;
  const lrHead = o.lrHead ?? 2e-3;
  const L = cfg.shape.nLayer;
  const decay = o.layerwiseDecay ?? 1;
  const lrOf = (name: string) => {
    if (!name.startsWith('transformer.')) return lrHead;
    const layer = layerOf(name);
    return lrBody * decay ** (layer === undefined ? (/\.(wte|wpe|ln_emb)\./.test(name) ? L + 1 : 0) : L - layer);
  };
  const optimizer = new AdamW(decayGroups(model, o.weightDecay ?? 0.01, lrOf), { lr: lrBody });
  const lossOf = (b: ClassificationBatch) => crossEntropy(model.forward(b.inputIds, { keyPaddingMask: b.attentionMask.logicalNot() }), b.labels);
  const valLabels = valEnc.map((e) => e.label);
  const evaluate = () => ({ accuracy: accuracy(predict(model, valEnc, padId), valLabels) });
  const result = await train({
    model, optimizer, data, steps, loss: lossOf,
    schedule: warmupLinear({ peak: 1, warmup: Math.max(1, Math.round(steps / 10)), total: steps + 1 }),
    gradClip: 1, evaluate, evalEvery: Math.max(5, Math.min(perEpoch, Math.round(steps / 20))),
    earlyStopping: { metric: 'accuracy', mode: 'max', patience: o.patience ?? 8, restoreBest: true },
    log: { label: 'finetune', ...o.log },
  });
  const preds = predict(model, testEnc, padId);
  const labels = testEnc.map((e) => e.label);
  return {
    testAccuracy: accuracy(preds, labels),
    testMacroF1: macroF1(preds, labels, numLabels),
    validationAccuracy: result.best?.metrics['accuracy'] ?? NaN,
    model,
    result,
  };
}
