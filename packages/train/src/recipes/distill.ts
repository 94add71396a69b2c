// Knowledge distillation of a fine-tuned classifier into a smaller student (Hinton et al. 2015):
// the teacher's logits on the labelled training texts (and on unlabelled pool texts) are computed
// once; the student trains on distillationLoss, optionally starting from the teacher's embeddings
// and a subset of its layers (DistilBERT, Sanh et al. 2019); early stopping on validation accuracy.

import { Generator, type Tensor, ValueError, manualSeed, noGrad, scopeData, tensor } from '@tsgrad/core';
import type { SequenceClassifier } from '@tsgrad/nn';
import { collateClassification, encodeExamples, type ClassificationBatch, type EncodedExample } from '../data/collate.js';
import { DataLoader } from '../data/dataloader.js';
import type { LabelledText } from '../data/split.js';
import { distillationLoss } from '../distillation.js';
import { train, type TrainResult } from '../loop.js';
import { accuracy, macroF1 } from '../metrics.js';
import { AdamW } from '../optim/adam.js';
import { lrLambda, warmupLinear } from '../schedule.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { predict } from './finetune.js';
import { classifierFor, type ModelShape, type RecipeModelConfig } from './models.js';
import { decayGroups } from './param-groups.js';
import type { LogOptions } from '../loop-types.js';

/** Options of {@link distillClassifier}. */
export interface DistillOptions {
  /** The fine-tuned teacher (float or int8); only its logits are used. */
  teacher: SequenceClassifier;
  /** The teacher's recipe config (objective, vocabulary, shape): the student shares its tokenizer and body family. */
  teacherConfig: RecipeModelConfig;
  /** The teacher's tokenizer. */
  tokenizer: Tokenizer;
  /** The student's size (e.g. MODEL_PRESETS.tiny), at the teacher's context length. With initFromTeacher only its nLayer is used. */
  student: ModelShape;
  /** Start from the teacher's embeddings, final norm, head and every (L_t / L_s)-th block, at the teacher's width (DistilBERT). */
  initFromTeacher?: boolean;
  /** Labelled training examples (the cross-entropy term and the teacher's soft labels). */
  train: readonly LabelledText<number>[];
  /** Unlabelled texts the teacher labels (the soft term only). */
  pool?: readonly string[];
  /** Validation examples (early stopping, model selection). */
  validation: readonly LabelledText<number>[];
  /** Test examples (reported at the best validation step). */
  test?: readonly LabelledText<number>[];
  /** Number of classes. */
  numLabels: number;
  /** Weight of the soft term (default 0.5); 0 trains on the labels alone. */
  alpha?: number;
  /** Softmax temperature (default 2). */
  temperature?: number;
  /** Examples per batch (default 16). */
  batchSize?: number;
  /** Optimizer steps (default 400; early stopping may end sooner). */
  maxSteps?: number;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** AdamW weight decay of the matrices (default 0.01). */
  weightDecay?: number;
  /** Evaluations without improvement before stopping (default 8). */
  patience?: number;
  /** Seed of the student's initialisation, data order and dropout. */
  seed?: number;
  /** Where the student trains (default 'cpu'). */
  device?: string;
  /** Progress display and JSONL log. */
  log?: LogOptions;
}

/** What {@link distillClassifier} returns. */
export interface DistillResult {
  /** Test accuracy at the best validation step (NaN without test examples). */
  testAccuracy: number;
  /** Test macro F1 there. */
  testMacroF1: number;
  /** The best validation accuracy. */
  validationAccuracy: number;
  /** The student, with its best weights. */
  model: SequenceClassifier;
  /** The student's recipe config (to save it as a checkpoint). */
  config: RecipeModelConfig;
  /** The training history. */
  result: TrainResult;
}

/** An encoded example with the teacher's logits. */
interface SoftExample extends EncodedExample {
  readonly soft: readonly number[];
}

/** The teacher's logits for every example, in batches of similar length, without autograd. */
async function teacherLogits(model: SequenceClassifier, examples: readonly EncodedExample[], padId: number, device: string): Promise<number[][]> {
  const out = new Array<number[]>(examples.length);
  const order = examples.map((_, i) => i).sort((a, b) => examples[a]!.ids.length - examples[b]!.ids.length);
  model.eval();
  for (let i = 0; i < order.length; i += 64) {
    const idx = order.slice(i, i + 64);
    const b = collateClassification(idx.map((j) => examples[j]!), { padId });
    const vals = await noGrad(() => scopeData(() => model.forward(b.inputIds.to(device), { keyPaddingMask: b.attentionMask.logicalNot().to(device) })));
    const C = vals.length / idx.length;
    idx.forEach((j, k) => (out[j] = Array.from(vals.subarray(k * C, (k + 1) * C), Number)));
  }
  return out;
}

/**
 * Loads the teacher's weights into a student of the teacher's width with fewer blocks: the
 * embeddings, final norm and classifier head as they are, and student block i from teacher block
 * floor(i * L_t / L_s) (every other block for half the depth, as DistilBERT).
 * @param student - The student classifier (same body family and width as the teacher).
 * @param teacher - The float teacher.
 * @example
 * const cfg = { objective: 'clm' as const, vocabSize: 300, padId: 0, shape: { ...MODEL_PRESETS.tiny, nLayer: 2 } };
 * const teacher = classifierFor(cfg, 2), student = classifierFor({ ...cfg, shape: MODEL_PRESETS.tiny }, 2);
 * initStudentFromTeacher(student, teacher);
 * allclose(student.classifier.weight, teacher.classifier.weight); // true
 */
export function initStudentFromTeacher(student: SequenceClassifier, teacher: SequenceClassifier): void {
  const t = teacher.stateDict();
  const Lt = teacher.transformer.config.nLayer, Ls = student.transformer.config.nLayer;
  if (Ls > Lt) throw new ValueError('initStudentFromTeacher', `the student has more blocks (${Ls}) than the teacher (${Lt})`);
  const state = Object.fromEntries(Object.keys(student.stateDict()).map((k) => {
    const src = k.replace(/\.(h|layers)\.(\d+)\./, (_, part: string, i: string) => `.${part}.${Math.floor((Number(i) * Lt) / Ls)}.`);
    const v = t[src];
    if (!v) throw new ValueError('initStudentFromTeacher', `the teacher has no ${src} for the student's ${k}`, {}, 'the teacher must be a float classifier of the same body family');
    return [k, v];
  }));
  student.loadStateDict(state); // strict: shapes must match (the same width)
}

/**
 * Distils a fine-tuned classifier into a student (Hinton et al. 2015): the teacher's logits on
 * the training texts and on `pool` (unlabelled) are computed once, and the student minimises
 * {@link distillationLoss} (alpha * T^2 * KL of the softened distributions + (1 - alpha) * CE on
 * the labels; pool texts carry only the soft term) with AdamW, warmup and linear decay, gradient
 * clipping at 1 and early stopping on validation accuracy (best weights restored). With alpha = 0
 * and no pool it is the same student trained on the labels alone, the baseline distillation is
 * measured against. The student shares the teacher's tokenizer and body family (GPT or BERT).
 * @param o - Teacher, tokenizer, student size, data and training options.
 * @returns Test and validation metrics, the student, its config and the history.
 * @example
 * const tokenizer = trainRecipeTokenizer(['good great fine bad awful poor'], 300);
 * const cfg = { objective: 'clm' as const, vocabSize: tokenizer.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny };
 * const data = [['good', 1], ['great', 1], ['bad', 0], ['awful', 0]].map(([text, label]) => ({ text: text as string, label: label as number }));
 * const r = await distillClassifier({
 *   teacher: classifierFor(cfg, 2), teacherConfig: cfg, tokenizer, student: MODEL_PRESETS.tiny,
 *   train: data, pool: ['fine', 'poor'], validation: data, numLabels: 2, maxSteps: 4, log: { progress: 'none' },
 * });
 * r.validationAccuracy >= 0; // true
 */
export async function distillClassifier(o: DistillOptions): Promise<DistillResult> {
  if (o.train.length === 0) throw new ValueError('distillClassifier', 'no labelled training examples', {}, 'pass at least one { text, label }');
  manualSeed(o.seed ?? 0);
  const tc = o.teacherConfig;
  // the student reads the teacher's inputs: its context is the teacher's
  const config: RecipeModelConfig = { ...tc, shape: o.initFromTeacher ? { ...tc.shape, nLayer: o.student.nLayer } : { ...o.student, blockSize: tc.shape.blockSize } };
  const model = classifierFor(config, o.numLabels, { pooling: o.teacher.config.pooling });
  if (o.initFromTeacher) initStudentFromTeacher(model, o.teacher);
  const device = o.device ?? 'cpu';
  model.to(device);
  const tok = o.tokenizer;
  const padId = tok.padTokenId ?? 0;
  const prefix = [tc.objective === 'clm' ? tok.bosTokenId! : tok.clsTokenId!];
  const enc = (xs: readonly LabelledText<number>[]) => encodeExamples(tok, xs, { maxLength: tc.shape.blockSize, prefix });
  const labelled = enc(o.train);
  const unlabelled = enc((o.pool ?? []).map((text) => ({ text, label: -100 })));
  const all = [...labelled, ...unlabelled];
  const soft = await teacherLogits(o.teacher, all, padId, device);
  const examples: SoftExample[] = all.map((e, i) => ({ ...e, soft: soft[i]! }));
  const [valEnc, testEnc] = [enc(o.validation), enc(o.test ?? [])];
  const collate = (b: readonly SoftExample[]) => ({ ...collateClassification(b, { padId }), teacher: tensor(b.map((e) => [...e.soft])) });
  const data = new DataLoader(examples, { batchSize: Math.min(o.batchSize ?? 16, examples.length), collateFn: collate, shuffle: true, generator: new Generator(o.seed ?? 0), groupByLength: { lengthOf: (e) => e.ids.length } });
  const steps = o.maxSteps ?? 400;
  const optimizer = new AdamW(decayGroups(model, o.weightDecay ?? 0.01), { lr: o.lr ?? 1e-3 });
  const { alpha = 0.5, temperature = 2 } = o;
  const lossOf = (b: ClassificationBatch & { teacher: Tensor }) => {
    const zs = model.forward(b.inputIds.to(device), { keyPaddingMask: b.attentionMask.logicalNot().to(device) });
    return distillationLoss(zs, b.teacher.to(device), b.labels.to(device), { alpha, temperature });
  };
  const valLabels = valEnc.map((e) => e.label);
  const result = await train({
    model, optimizer, data, steps, loss: lossOf,
    lrLambda: lrLambda(warmupLinear({ peak: 1, warmup: Math.max(1, Math.round(steps / 10)), total: steps + 1 })),
    gradClip: 1, evaluate: async () => ({ accuracy: accuracy(await predict(model, valEnc, padId), valLabels) }), evalEvery: Math.max(5, Math.round(steps / 8)),
    earlyStopping: { metric: 'accuracy', mode: 'max', patience: o.patience ?? 8, restoreBest: true },
    log: { label: 'distill', ...o.log },
  });
  const preds = testEnc.length ? await predict(model, testEnc, padId) : [];
  const labels = testEnc.map((e) => e.label);
  return {
    testAccuracy: testEnc.length ? accuracy(preds, labels) : NaN, testMacroF1: testEnc.length ? macroF1(preds, labels, o.numLabels) : NaN,
    validationAccuracy: result.best?.metrics['accuracy'] ?? NaN, model, config, result,
  };
}
