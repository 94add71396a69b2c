// The linear probe: what a frozen body's features are worth. Pooled final hidden states (mean+max
// over the real tokens) are computed once per example, standardised, and a softmax regression is
// fitted on them full-batch for each L2 strength of a grid; the strength with the best validation
// accuracy is kept and only then scored on test.

import { cat, crossEntropy, dispose, manualSeed, noGrad, scope, tensor, ValueError, type Tensor } from '@tsgrad/core';
import { Linear, poolHidden, type Pooling } from '@tsgrad/nn';
import { collateClassification, encodeExamples, type EncodedExample } from '../data/collate.js';
import type { LabelledText } from '../data/split.js';
import { accuracy } from '../metrics.js';
import { Adam } from '../optim/adam.js';
import type { Tokenizer } from '../tokenizers/types.js';
import type { FinetuneOptions } from './finetune.js';
import { classifierFor, type RecipeModelConfig } from './models.js';

/** Options of `linearProbe`. */
export interface ProbeOptions {
  /** The tokenizer the body was trained with. */
  tokenizer: Tokenizer;
  /** A pretraining checkpoint, or a config for a randomly initialised body (the control). */
  init: FinetuneOptions['init'];
  /** Labelled examples the regression is fitted on. */
  train: readonly LabelledText<number>[];
  /** Examples the L2 strength is chosen on. */
  validation: readonly LabelledText<number>[];
  /** Examples scored with the chosen strength (optional). */
  test?: readonly LabelledText<number>[];
  /** How hidden states are pooled (default 'mean+max'). */
  pooling?: Pooling;
  /** L2 strengths tried (default 1e-4 ... 1e-1). */
  l2Grid?: readonly number[];
  /** Full-batch optimizer steps per fit (default 300). */
  steps?: number;
  /** Seed of the body's random init (scratch) and the regression. */
  seed?: number;
}

/** One L2 strength of the probe's grid and its validation accuracy. */
export interface ProbeGridPoint {
  /** The L2 strength. */
  l2: number;
  /** Validation accuracy with it. */
  validationAccuracy: number;
}

/** What `linearProbe` returns. */
export interface ProbeResult {
  /** Validation accuracy at the chosen L2 strength. */
  validationAccuracy: number;
  /** Test accuracy there (NaN without test examples). */
  testAccuracy: number;
  /** The chosen L2 strength. */
  l2: number;
  /** Validation accuracy per L2 strength tried. */
  grid: ProbeGridPoint[];
}

/** Pooled final hidden states of `examples` (rows of the result), without autograd. */
function features(body: { forward(ids: Tensor, o: { keyPaddingMask: Tensor }): Tensor }, pooling: Pooling, ex: readonly EncodedExample[], padId: number): Tensor {
  const rows: Tensor[] = [];
  for (let i = 0; i < ex.length; i += 64) {
    const b = collateClassification(ex.slice(i, i + 64), { padId });
    rows.push(noGrad(() => scope(() => {
      const kpm = b.attentionMask.logicalNot();
      return poolHidden(body.forward(b.inputIds, { keyPaddingMask: kpm }), pooling, kpm);
    })));
  }
  const all = cat(rows, 0);
  dispose(rows);
  return all;
}

/**
 * Mean+max (or `pooling`) pooled final hidden states of a frozen body, one row per text: the
 * features a linear probe sees.
 * @param tokenizer - The body's tokenizer.
 * @param init - A pretraining checkpoint, or a config for a random body.
 * @param texts - The texts.
 * @param opts - Pooling (default 'mean+max') and the seed of a random body.
 * @returns (texts, features) float32.
 * @example
 * const tokenizer = trainRecipeTokenizer(['good great fine bad awful poor'], 300);
 * const scratch = { objective: 'clm' as const, vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny };
 * pooledFeatures(tokenizer, { scratch }, ['good', 'bad']).shape; // [2, 64]
 */
export function pooledFeatures(tokenizer: Tokenizer, init: ProbeOptions['init'], texts: readonly string[], opts: { pooling?: Pooling; seed?: number } = {}): Tensor {
  manualSeed(opts.seed ?? 0);
  const cfg = 'checkpoint' in init ? (init.checkpoint.modelConfig as RecipeModelConfig) : init.scratch;
  const pooling = opts.pooling ?? 'mean+max';
  const model = classifierFor(cfg, 2, { pooling });
  if ('checkpoint' in init) model.loadStateDict(init.checkpoint.model, { strict: false });
  model.eval();
  const prefix = [cfg.objective === 'clm' ? tokenizer.bosTokenId! : tokenizer.clsTokenId!];
  const ex = encodeExamples(tokenizer, texts.map((text) => ({ text, label: 0 })), { maxLength: cfg.shape.blockSize, prefix });
  return features(model.transformer, pooling, ex, tokenizer.padTokenId ?? 0);
}

/** Features and labels of one split. */
export interface ProbeSplit {
  /** (n, features). */
  x: Tensor;
  /** n class ids. */
  y: readonly number[];
}

/**
 * Fits softmax regressions on standardised features, one per L2 strength, keeps the one with the
 * best validation accuracy and scores it on test.
 * @param train - Training features and labels.
 * @param validation - Validation features and labels (the L2 strength is chosen here).
 * @param test - Test features and labels (scored once, at the chosen strength).
 * @param opts - L2 grid (default 1e-4 ... 1e-1), steps (300) and seed.
 * @returns The accuracies and the chosen strength.
 * @example
 * const x = tensor([[0, 1], [1, 0], [0, 2], [2, 0]]);
 * fitProbe({ x, y: [1, 0, 1, 0] }, { x, y: [1, 0, 1, 0] }).validationAccuracy; // 1
 */
export function fitProbe(train: ProbeSplit, validation: ProbeSplit, test?: ProbeSplit, opts: { l2Grid?: readonly number[]; steps?: number; seed?: number } = {}): ProbeResult {
  const mu = train.x.mean(0);
  const sd = train.x.sub(mu).square().mean(0).add(1e-6).sqrt();
  const norm = (x: Tensor) => x.sub(mu).div(sd);
  const [zTr, zVa, zTe] = [norm(train.x), norm(validation.x), test ? norm(test.x) : null];
  const numLabels = Math.max(...train.y, ...validation.y) + 1;
  const yTr = tensor([...train.y], { dtype: 'int32' });
  const predict = (head: Linear, z: Tensor) => Array.from(noGrad(() => head.forward(z).argmax(-1)).dataSync());
  const fit = (l2: number) => {
    manualSeed(opts.seed ?? 0);
    const head = new Linear(zTr.shape[1]!, numLabels);
    const opt = new Adam(head.namedParameters(), { lr: 0.01 });
    for (let s = 0; s < (opts.steps ?? 300); s++) {
      scope(() => crossEntropy(head.forward(zTr), yTr).add(head.weight.square().sum().mul(l2)).backward());
      opt.step();
      opt.zeroGrad();
    }
    return head;
  };
  const grid = (opts.l2Grid ?? [1e-4, 1e-3, 1e-2, 1e-1]).map((l2) => {
    const head = fit(l2);
    return { l2, head, validationAccuracy: accuracy(predict(head, zVa), [...validation.y]) };
  });
  const best = grid.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a));
  const testAccuracy = zTe && test ? accuracy(predict(best.head, zTe), [...test.y]) : NaN;
  return { validationAccuracy: best.validationAccuracy, testAccuracy, l2: best.l2, grid: grid.map(({ l2, validationAccuracy }) => ({ l2, validationAccuracy })) };
}

/**
 * Fits a linear probe on a frozen body's pooled features and scores it ({@link pooledFeatures}, {@link fitProbe}).
 * @param o - Tokenizer, body, the splits, pooling and the L2 grid.
 * @returns Validation and test accuracy at the L2 strength chosen on validation.
 * @example
 * const tokenizer = trainRecipeTokenizer(['good great fine bad awful poor'], 300);
 * const data = ['good', 'great', 'fine', 'bad', 'awful', 'poor'].map((text, i) => ({ text, label: i < 3 ? 1 : 0 }));
 * const scratch = { objective: 'clm' as const, vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny };
 * const r = await linearProbe({ tokenizer, init: { scratch }, train: data, validation: data, steps: 20 });
 * r.validationAccuracy >= 0; // true
 */
export async function linearProbe(o: ProbeOptions): Promise<ProbeResult> {
  const split = (xs: readonly LabelledText<number>[]): ProbeSplit => ({ x: pooledFeatures(o.tokenizer, o.init, xs.map((e) => e.text), { pooling: o.pooling, seed: o.seed }), y: xs.map((e) => e.label) });
  if (o.train.length === 0 || o.validation.length === 0) throw new ValueError('linearProbe', 'no training or validation examples');
  return fitProbe(split(o.train), split(o.validation), o.test?.length ? split(o.test) : undefined, { l2Grid: o.l2Grid, steps: o.steps, seed: o.seed });
}
