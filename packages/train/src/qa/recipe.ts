// The question-answering recipe: a BERT body (from a masked-LM checkpoint or from scratch) with the
// span head, AdamW, warmup + linear decay, early stopping on validation F1 with the best weights
// restored, and SQuAD exact match and F1 on test.

import { Generator, ValueError, fromArray, manualSeed, noGrad, scopeData, type Tensor } from '@tsgrad/core';
import { QuestionAnswering, bestSpan, spanLoss } from '@tsgrad/nn';
import type { CheckpointData } from '../checkpoint.js';
import { DataLoader } from '../data/dataloader.js';
import { train, type TrainResult } from '../loop.js';
import { AdamW } from '../optim/adam.js';
import { decayGroups } from '../recipes/param-groups.js';
import type { RecipeModelConfig } from '../recipes/models.js';
import { lrLambda, warmupLinear } from '../schedule.js';
import type { Tokenizer } from '../tokenizers/types.js';
import { encodeQa, qaAnswerText, type EncodedQa } from './encode.js';
import { squadScores, type SquadScores } from './squad-metrics.js';
import type { QaExample } from './synthetic.js';
import type { LogOptions } from '../loop-types.js';

/**
 * The span model whose BERT body matches a masked-LM recipe config, so pretrained `transformer.*` weights load by name.
 * @param cfg - The recipe model config (objective 'mlm').
 * @returns A fresh QuestionAnswering model.
 * @example
 * qaModelFor({ objective: 'mlm', vocabSize: 300, padId: 0, shape: MODEL_PRESETS.tiny }).qa_outputs.weight.shape; // [2, 32]
 */
export function qaModelFor(cfg: RecipeModelConfig): QuestionAnswering {
  if (cfg.objective !== 'mlm') throw new ValueError('qaModelFor', `the span head needs a bidirectional (masked-LM) body, got objective '${String(cfg.objective)}'`, {}, 'pretrain with --objective mlm');
  const s = cfg.shape;
  return new QuestionAnswering({ body: { arch: 'bert', vocabSize: cfg.vocabSize, maxPositions: s.blockSize, nLayer: s.nLayer, nHead: s.nHead, nEmbd: s.nEmbd, dropout: s.dropout, dimFeedforward: s.dimFeedforward, padId: cfg.padId, normFirst: true } });
}

interface QaBatch { ids: Tensor; outside: Tensor; start: Tensor; end: Tensor }

function collate(xs: readonly EncodedQa[], padId: number): QaBatch {
  const T = Math.max(...xs.map((x) => x.ids.length));
  const ids = new Int32Array(xs.length * T).fill(padId);
  const outside = new Uint8Array(xs.length * T).fill(1);
  xs.forEach((x, b) => {
    ids.set(x.ids, b * T);
    outside.fill(0, b * T + x.contextFrom, b * T + x.contextTo);
  });
  const pos = (k: 'start' | 'end') => fromArray(Int32Array.from(xs.map((x) => x[k])), [xs.length]);
  return { ids: fromArray(ids, [xs.length, T]), outside: fromArray(outside, [xs.length, T], { dtype: 'bool' }), start: pos('start'), end: pos('end') };
}

/**
 * Answers questions with a span model: the best span inside each context (at most `maxAnswerLen` tokens).
 * @param model - The span model (put in eval mode).
 * @param tok - Its tokenizer.
 * @param items - Questions with their contexts.
 * @param opts - `maxLength` (the model's context) and `maxAnswerLen` (default 8 tokens).
 * @returns One answer text per question.
 * @example
 * const tok = trainRecipeTokenizer(['Mary went to the kitchen.'], 300);
 * const m = qaModelFor({ objective: 'mlm', vocabSize: tok.vocabSize, padId: 0, shape: MODEL_PRESETS.tiny });
 * (await answerQuestions(m, tok, [{ question: 'Where is Mary?', context: 'Mary went to the kitchen.' }], { maxLength: 32 })).length; // 1
 */
export async function answerQuestions(model: QuestionAnswering, tok: Tokenizer, items: readonly { question: string; context: string }[], opts: { maxLength: number; maxAnswerLen?: number }): Promise<string[]> {
  model.eval();
  const device = model.parameters()[0]?.device ?? 'cpu';
  const out: string[] = [];
  for (let i = 0; i < items.length; i += 64) {
    const chunk = items.slice(i, i + 64);
    const enc = chunk.map((x) => encodeQa(tok, x.question, x.context, { maxLength: opts.maxLength }));
    const b = collate(enc, tok.padTokenId ?? 0);
    const logits = await noGrad(() => scopeData(() => model.forward(b.ids.to(device)))); // (B, T, 2)
    const T = b.ids.shape[1]!;
    enc.forEach((e, k) => {
      const row = logits.subarray(k * T * 2, (k + 1) * T * 2);
      const st = Array.from({ length: T }, (_, t) => row[2 * t]!);
      const en = Array.from({ length: T }, (_, t) => row[2 * t + 1]!);
      const span = bestSpan(st, en, { maxAnswerLen: opts.maxAnswerLen ?? 8, from: e.contextFrom, to: e.contextTo });
      out.push(qaAnswerText(chunk[k]!.context, e, span.start, span.end));
    });
  }
  return out;
}

/** Options of {@link trainQa}. */
export interface TrainQaOptions {
  /** The tokenizer (the checkpoint's, when starting from one). */
  tokenizer: Tokenizer;
  /** A masked-LM checkpoint, or a scratch config. */
  init: {
    /** A masked-LM recipe checkpoint (weights, model config). */
    checkpoint: CheckpointData;
  } | {
    /** Train from random weights with this config. */
    scratch: RecipeModelConfig;
  };
  /** Training examples. */
  train: readonly QaExample[];
  /** Validation examples (model selection on F1). */
  validation: readonly QaExample[];
  /** Test examples (reported). */
  test?: readonly QaExample[];
  /** Optimizer steps (default 600). */
  steps?: number;
  /** Examples per batch (default 32). */
  batchSize?: number;
  /** Peak learning rate (default 5e-4). */
  lr?: number;
  /** Evaluations without improvement before stopping (default 6). */
  patience?: number;
  /** Seed of the head, the data order and dropout. */
  seed?: number;
  /** 'cpu' (default) or 'gpu'. */
  device?: string;
  /** Progress display and JSONL log. */
  log?: LogOptions;
}

/** What {@link trainQa} returns. */
export interface TrainQaResult {
  /** The model with the best validation weights. */
  model: QuestionAnswering;
  /** SQuAD scores on validation at the best step. */
  validation: SquadScores;
  /** SQuAD scores on test (NaN without test examples). */
  test: SquadScores;
  /** Training examples dropped because the answer was cut off by the context length. */
  truncated: number;
  /** The training history. */
  result: TrainResult;
}

/**
 * Trains the span head and its body on QA examples; selects the step with the best validation F1.
 * @param o - Tokenizer, initialisation, splits and training options.
 * @returns The model, validation and test scores and the history.
 * @example
 * const s = syntheticQaSplits({ train: 8, validation: 2, test: 2 }, 0);
 * const tokenizer = trainRecipeTokenizer(s.train.map((x) => `${x.context} ${x.question}`), 300);
 * const r = await trainQa({ tokenizer, init: { scratch: { objective: 'mlm', vocabSize: tokenizer.vocabSize, padId: 0, shape: { ...MODEL_PRESETS.tiny, blockSize: 96 } } },
 *   train: s.train, validation: s.validation, test: s.test, steps: 4, log: { progress: 'none' } });
 * r.test.f1 >= 0 && r.test.f1 <= 100; // true
 */
export async function trainQa(o: TrainQaOptions): Promise<TrainQaResult> {
  manualSeed(o.seed ?? 0);
  const cfg = 'checkpoint' in o.init ? (o.init.checkpoint.modelConfig as RecipeModelConfig) : o.init.scratch;
  if (!cfg?.shape) throw new ValueError('trainQa', 'the checkpoint has no recipe model config (objective, vocabSize, shape)');
  if (cfg.vocabSize !== o.tokenizer.vocabSize) throw new ValueError('trainQa', `the model's vocabulary (${cfg.vocabSize}) does not match the tokenizer's (${o.tokenizer.vocabSize})`, {}, 'use the tokenizer saved in the checkpoint');
  const model = qaModelFor(cfg);
  if ('checkpoint' in o.init) {
    const report = model.loadStateDict(o.init.checkpoint.model, { strict: false }) as { missingKeys: string[] };
    const lacking = report.missingKeys.filter((k) => k.startsWith('transformer.'));
    if (lacking.length > 0) throw new ValueError('trainQa', `the checkpoint lacks body weights: ${lacking.slice(0, 3).join(', ')}`, {}, 'start from a masked-LM checkpoint');
  }
  const device = o.device ?? 'cpu';
  model.to(device);
  const maxLength = cfg.shape.blockSize;
  const enc = o.train.map((x) => encodeQa(o.tokenizer, x.question, x.context, { maxLength, answer: x.answers[0], answerStart: x.answerStart }));
  const usable = enc.filter((e) => e.start >= 0);
  if (usable.length === 0) throw new ValueError('trainQa', `no training answer fits in the model's ${maxLength} tokens`, {}, 'use shorter contexts or a longer context length');
  const padId = o.tokenizer.padTokenId ?? 0;
  const data = new DataLoader(usable, { batchSize: Math.min(o.batchSize ?? 32, usable.length), collateFn: (b) => collate(b, padId), shuffle: true, generator: new Generator(o.seed ?? 0) });
  const steps = o.steps ?? 600;
  const optimizer = new AdamW(decayGroups(model, 0.01), { lr: o.lr ?? 5e-4 });
  const score = async (xs: readonly QaExample[]) => squadScores(await answerQuestions(model, o.tokenizer, xs, { maxLength }), xs.map((x) => x.answers));
  const loss = (b: QaBatch) => {
    const logits = model.forward(b.ids.to(device)).maskedFill(b.outside.to(device).unsqueeze(-1), -Infinity); // answers only in the context
    return spanLoss(logits, b.start.to(device), b.end.to(device));
  };
  const result = await train({
    model, optimizer, data, steps, loss, gradClip: 1,
    lrLambda: lrLambda(warmupLinear({ peak: 1, warmup: Math.max(1, Math.round(steps / 10)), total: steps + 1 })),
    evaluate: async () => ({ f1: (await score(o.validation)).f1 }), evalEvery: Math.max(5, Math.round(steps / 8)),
    earlyStopping: { metric: 'f1', mode: 'max', patience: o.patience ?? 6, restoreBest: true },
    log: { label: 'qa', ...o.log },
  });
  const validation = await score(o.validation);
  const test = o.test?.length ? await score(o.test) : { exactMatch: NaN, f1: NaN };
  return { model, validation, test, truncated: enc.length - usable.length, result };
}
