// Fine-tuning a sequence classifier, from a pretrained checkpoint or from scratch: AdamW with a
// separate head LR, optional freezing (linear probe) and layer-wise LR decay, warmup + linear
// decay, early stopping on validation accuracy with the best weights restored, test metrics.

import { Generator, ValueError, crossEntropy, manualSeed, noGrad, scopeData, setCpuMemoryReuse } from '@tsgrad/core';
import type { Pooling, SequenceClassifier } from '@tsgrad/nn';
import type { CheckpointData } from '../checkpoint.js';
import { DataLoader } from '../data/dataloader.js';
import { collateClassification, encodeExamples, type ClassificationBatch, type EncodedExample } from '../data/collate.js';
import type { LabelledText } from '../data/split.js';
import { train, type TrainResult } from '../loop.js';
import { accuracy, macroF1 } from '../metrics.js';
import { AdamW } from '../optim/adam.js';
import { lrLambda, warmupLinear } from '../schedule.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { classifierFor, type RecipeModelConfig } from './models.js';
import { decayGroups } from './param-groups.js';
import type { LogOptions } from '../loop-types.js';

/** Options of `finetuneClassifier`. */
export interface FinetuneOptions {
  /** The tokenizer the body was pretrained with. */
  tokenizer: Tokenizer;
  /** Start from a pretraining checkpoint (weights + model config), or from scratch with a config. */
  init: {
    /** A pretraining checkpoint (its modelConfig is a RecipeModelConfig). */
    checkpoint: CheckpointData;
  } | {
    /** Train from random weights with this config. */
    scratch: RecipeModelConfig;
  };
  /** Labelled training examples. */
  train: readonly LabelledText<number>[];
  /** Validation examples (model selection). */
  validation: readonly LabelledText<number>[];
  /** Test examples (reported; leave out while choosing a recipe, so test is never looked at). */
  test?: readonly LabelledText<number>[];
  /** Number of classes (default: the largest label + 1). */
  numLabels?: number;
  /** How the classifier pools the hidden states. */
  pooling?: Pooling;
  /** Examples per batch. */
  batchSize?: number;
  /** Passes over the labelled examples (bounded by minSteps/maxSteps). */
  epochs?: number;
  /** Fewest optimizer steps. */
  minSteps?: number;
  /** Most optimizer steps. */
  maxSteps?: number;
  /** Learning rate of the body. */
  lrBody?: number;
  /** Learning rate of the classifier head. */
  lrHead?: number;
  /** AdamW weight decay of the matrices. */
  weightDecay?: number;
  /** 'body' trains only the head (a linear probe); 'embeddings' freezes the token embeddings. */
  freeze?: 'none' | 'body' | 'embeddings';
  /** Layer-wise LR decay: block i of L gets lrBody * decay^(L - i); embeddings decay^(L + 1). */
  layerwiseDecay?: number;
  /** Dropout of the body while fine-tuning (default: the model config's). */
  dropout?: number;
  /** Evaluations without improvement before stopping (validation accuracy). */
  patience?: number;
  /** Seed of the head, the data order and dropout. */
  seed?: number;
  /** Where the model trains: 'cpu' (default) or 'gpu' (after `setBackend('gpu', ...)`). */
  device?: string;
  /** JSONL log, progress display and label. */
  log?: LogOptions;
}

/** The outcome of one fine-tuning run. */
export interface FinetuneResult {
  /** Test accuracy at the best validation step (NaN without test examples). */
  testAccuracy: number;
  /** Test macro F1 there (NaN without test examples). */
  testMacroF1: number;
  /** The best validation accuracy. */
  validationAccuracy: number;
  /** The classifier, with the best weights. */
  model: SequenceClassifier;
  /** The training history. */
  result: TrainResult;
}

function layerOf(name: string): number | undefined {
  const m = /\.(?:h|layers)\.(\d+)\./.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * Predicted class ids for encoded examples, in batches, without autograd, on the model's device.
 * @param model - The classifier (put in eval mode).
 * @param examples - Tokenised examples.
 * @param padId - The padding id.
 * @param batchSize - Examples per forward pass.
 * @returns One class id per example.
 * @example
 * const clf = SequenceClassifier.fromConfig({ body: { arch: 'gpt', vocabSize: 16, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 }, numLabels: 3 });
 * (await predict(clf, [{ ids: [1, 2], label: 0 }, { ids: [3], label: 1 }], 0)).length; // 2
 */
export async function predict(model: SequenceClassifier, examples: readonly EncodedExample[], padId: number, batchSize = 64): Promise<number[]> {
  const out = new Array<number>(examples.length);
  const device = model.parameters()[0]?.device ?? 'cpu';
  model.eval();
  // batches of similar lengths pad little: visit the examples by length, write back in order
  const order = examples.map((_, i) => i).sort((a, b) => examples[a]!.ids.length - examples[b]!.ids.length);
  const reuseWas = setCpuMemoryReuse(true); // each batch's tensors are freed with its scope: their memory serves the next
  try {
    for (let i = 0; i < order.length; i += batchSize) {
      const idx = order.slice(i, i + batchSize);
      const b = collateClassification(idx.map((j) => examples[j]!), { padId });
      const vals = await noGrad(() => scopeData(() => model.forward(b.inputIds.to(device), { keyPaddingMask: b.attentionMask.logicalNot().to(device) }).argmax(-1))); // (B)
      idx.forEach((j, k) => (out[j] = vals[k]!));
    }
  } finally {
    setCpuMemoryReuse(reuseWas);
  }
  return out;
}

/**
 * The optimizer steps a fine-tuning run takes (before early stopping): `epochs` passes over
 * `batchesPerEpoch` batches, at least `minSteps`, at most `maxSteps`.
 * @param batchesPerEpoch - Batches in one pass over the labelled examples.
 * @param o - `epochs` (default 10), `minSteps` (default 100), `maxSteps` (default 1000).
 * @returns The step count.
 * @example finetuneSteps(13, { epochs: 10, minSteps: 100, maxSteps: 300 }); // 130
 */
export function finetuneSteps(batchesPerEpoch: number, o: Pick<FinetuneOptions, 'epochs' | 'minSteps' | 'maxSteps'>): number {
  return Math.min(o.maxSteps ?? 1000, Math.max(o.minSteps ?? 100, batchesPerEpoch * (o.epochs ?? 10)));
}

/**
 * Fine-tunes a classifier on `train`, selects the step with the best validation accuracy, and
 * reports test accuracy and macro F1 there.
 * @param o - Tokenizer, initialisation, the three splits and the training options.
 * @returns Test and validation metrics, the model and the history.
 * @example
 * const tokenizer = trainRecipeTokenizer(['good great fine bad awful poor'], 300);
 * const words = [['good', 1], ['great', 1], ['fine', 1], ['bad', 0], ['awful', 0], ['poor', 0]] as const;
 * const data = words.map(([text, label]) => ({ text, label }));
 * const r = await finetuneClassifier({
 *   tokenizer, init: { scratch: { objective: 'clm', vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny } },
 *   train: data, validation: data, test: data, maxSteps: 10, log: { progress: 'none' },
 * });
 * r.testAccuracy >= 0 && r.testAccuracy <= 1; // true
 */
export async function finetuneClassifier(o: FinetuneOptions): Promise<FinetuneResult> {
  if (o.train.length === 0) throw new ValueError('finetuneClassifier', 'no labelled training examples', {}, 'pass at least one { text, label }');
  const numLabels = o.numLabels ?? Math.max(...[...o.train, ...o.validation].map((e) => e.label)) + 1;
  manualSeed(o.seed ?? 0);
  const cfg = 'checkpoint' in o.init ? (o.init.checkpoint.modelConfig as RecipeModelConfig) : o.init.scratch;
  if ('checkpoint' in o.init && (o.init.checkpoint.extra as { quantization?: unknown } | undefined)?.quantization) {
    throw new ValueError('finetuneClassifier', 'the checkpoint is int8-quantised, for inference only', {}, 'fine-tune the float checkpoint it was quantised from');
  }
  if (!cfg || (cfg.objective !== 'clm' && cfg.objective !== 'mlm')) throw new ValueError('finetuneClassifier', 'the checkpoint has no recipe model config (objective, vocabSize, shape)');
  if (cfg.vocabSize !== o.tokenizer.vocabSize) {
    throw new ValueError('finetuneClassifier', `the model's vocabulary (${cfg.vocabSize}) does not match the tokenizer's (${o.tokenizer.vocabSize})`, {}, 'fine-tune with the tokenizer saved in the checkpoint');
  }
  const model = classifierFor(o.dropout === undefined ? cfg : { ...cfg, shape: { ...cfg.shape, dropout: o.dropout } }, numLabels, { pooling: o.pooling });
  if ('checkpoint' in o.init) {
    const report = model.loadStateDict(o.init.checkpoint.model, { strict: false }) as { missingKeys: string[] };
    const unexpectedBody = report.missingKeys.filter((k) => k.startsWith('transformer.'));
    if (unexpectedBody.length > 0) throw new ValueError('finetuneClassifier', `the checkpoint lacks body weights: ${unexpectedBody.slice(0, 3).join(', ')}`);
  }
  const device = o.device ?? 'cpu';
  model.to(device);
  if (o.freeze === 'body') model.transformer.requiresGrad_(false);
  if (o.freeze === 'embeddings') model.transformer.wte.requiresGrad_(false);
  const tok = o.tokenizer;
  const prefix = [cfg.objective === 'clm' ? tok.bosTokenId! : tok.clsTokenId!];
  const enc = (xs: readonly LabelledText<number>[]) => encodeExamples(tok, xs, { maxLength: cfg.shape.blockSize, prefix });
  const [trainEnc, valEnc, testEnc] = [enc(o.train), enc(o.validation), enc(o.test ?? [])];
  const padId = tok.padTokenId ?? 0;
  const batchSize = Math.min(o.batchSize ?? 16, trainEnc.length);
  const data = new DataLoader(trainEnc, { batchSize, collateFn: (b) => collateClassification(b, { padId }), shuffle: true, generator: new Generator(o.seed ?? 0), groupByLength: { lengthOf: (e) => e.ids.length } });
  const steps = finetuneSteps(data.length, o);
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
  const lossOf = (b: ClassificationBatch) =>
    crossEntropy(model.forward(b.inputIds.to(device), { keyPaddingMask: b.attentionMask.logicalNot().to(device) }), b.labels.to(device));
  const valLabels = valEnc.map((e) => e.label);
  const evaluate = async () => ({ accuracy: accuracy(await predict(model, valEnc, padId), valLabels) });
  const result = await train({
    model, optimizer, data, steps, loss: lossOf,
    lrLambda: lrLambda(warmupLinear({ peak: 1, warmup: Math.max(1, Math.round(steps / 10)), total: steps + 1 })),
    gradClip: 1, evaluate, evalEvery: Math.max(5, Math.round(steps / 8)), // about eight evaluations a run
    earlyStopping: { metric: 'accuracy', mode: 'max', patience: o.patience ?? 8, restoreBest: true },
    log: { label: 'finetune', ...o.log },
  });
  const preds = testEnc.length ? await predict(model, testEnc, padId) : [];
  const labels = testEnc.map((e) => e.label);
  return {
    testAccuracy: testEnc.length ? accuracy(preds, labels) : NaN,
    testMacroF1: testEnc.length ? macroF1(preds, labels, numLabels) : NaN,
    validationAccuracy: result.best?.metrics['accuracy'] ?? NaN,
    model,
    result,
  };
}
