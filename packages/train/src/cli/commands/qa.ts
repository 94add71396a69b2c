// tsgrad qa train|eval|ask: extractive question answering on the synthetic story set (or a JSONL
// file of questions): train the span head from a masked-LM checkpoint or from scratch, score a
// checkpoint with SQuAD's exact match and F1, or answer one question.

import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../../checkpoint.js';
import { loadText } from '../../data/node.js';
import { qaBaseline, QA_BASELINES } from '../../qa/baselines.js';
import { answerQuestions, qaModelFor, trainQa } from '../../qa/recipe.js';
import { squadScores } from '../../qa/squad-metrics.js';
import { syntheticQaSplits, type QaExample } from '../../qa/synthetic.js';
import { trainRecipeTokenizer } from '../../recipes/corpus.js';
import { MODEL_PRESETS, type RecipeModelConfig } from '../../recipes/models.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import type { Tokenizer } from '../../tokenizers/types.js';
import { CliError, choice, commandGroup, intOption, numberOption, required, type Command, type OptionSpec } from '../args.js';
import { useDevice } from '../device.js';
import { prepareOut } from '../out.js';

const DATA: Record<string, OptionSpec> = {
  stories: { type: 'string', default: '3000', help: 'synthetic training stories (validation and test: --eval-stories each)', arg: 'N' },
  'eval-stories': { type: 'string', default: '300', help: 'synthetic stories in each of validation and test', arg: 'N' },
  'data-seed': { type: 'string', default: '0', help: 'seed of the synthetic story simulator (the same seed, the same stories)', arg: 'N' },
};

function splitsOf(v: Record<string, unknown>) {
  const evalStories = intOption(v, 'eval-stories', 1);
  return syntheticQaSplits({ train: intOption(v, 'stories', 1), validation: evalStories, test: evalStories }, intOption(v, 'data-seed'));
}

/** Questions from a JSONL file: one {"context", "question", "answers": [...]} per line. */
function qaJsonl(path: string): QaExample[] {
  return loadText(path).split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let r: { context?: unknown; question?: unknown; answers?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      throw new CliError(`${path}:${i + 1}: not valid JSON`);
    }
    if (typeof r.context !== 'string' || typeof r.question !== 'string' || !Array.isArray(r.answers) || r.answers.length === 0 || !r.answers.every((a) => typeof a === 'string')) {
      throw new CliError(`${path}:${i + 1}: expected {"context": string, "question": string, "answers": [string, ...]}`);
    }
    return [{ storyId: i, context: r.context, question: r.question, answers: r.answers as string[], answerStart: -1, kind: 'where-person' as const }];
  });
}

async function qaCheckpoint(from: string): Promise<{ ck: CheckpointData; tok: Tokenizer; cfg: RecipeModelConfig }> {
  const ck = await loadCheckpoint(from);
  const cfg = ck.modelConfig as RecipeModelConfig | undefined;
  if (!ck.tokenizer || !cfg?.shape) throw new CliError(`${from} is not a tsgrad recipe checkpoint (it has no tokenizer or model config)`);
  return { ck, tok: tokenizerFromJSON(ck.tokenizer), cfg };
}

async function loadQaModel(from: string, device: string) {
  const { ck, tok, cfg } = await qaCheckpoint(from);
  if ((ck.extra as { task?: unknown } | undefined)?.task !== 'qa') throw new CliError(`${from} is not a question-answering checkpoint (train one with 'tsgrad qa train --out DIR')`);
  const model = qaModelFor(cfg);
  model.loadStateDict(ck.model);
  model.to(device);
  return { model, tok, cfg };
}

const trainCommand: Command = {
  name: 'qa train',
  summary: 'train the span head on synthetic stories; print test exact match/F1 and the shortcut baselines as one JSON line',
  usage: 'tsgrad qa train (--from CKPT | --scratch) [--stories N] [--steps N] [--out DIR]',
  options: {
    from: { type: 'string', help: 'start from this masked-LM checkpoint (its tokenizer is used)', arg: 'CKPT' },
    scratch: { type: 'boolean', help: 'start from random weights' },
    preset: { type: 'string', default: 'small', help: "model size with --scratch: 'tiny', 'small' or 'base'", arg: 'NAME' },
    vocab: { type: 'string', default: '1024', help: 'tokenizer vocabulary with --scratch (trained on the training stories)', arg: 'N' },
    tokenizer: { type: 'string', help: 'with --scratch: take the tokenizer of this checkpoint instead (so both starts read the same tokens)', arg: 'CKPT' },
    ...DATA,
    steps: { type: 'string', default: '600', help: 'optimizer steps (early stopping on validation F1 may end sooner)', arg: 'N' },
    'batch-size': { type: 'string', default: '32', help: 'questions per batch', arg: 'N' },
    lr: { type: 'string', default: '0.0005', help: 'peak learning rate', arg: 'LR' },
    out: { type: 'string', help: 'write the trained checkpoint to DIR/model.safetensors', arg: 'DIR' },
    force: { type: 'boolean', help: 'overwrite an --out folder that holds an earlier run' },
  },
  async run(v) {
    const from = typeof v['from'] === 'string' ? v['from'] : undefined;
    if (!from && !v['scratch']) throw new CliError('give --from CKPT (a masked-LM checkpoint) or --scratch', 2);
    if (from && v['scratch']) throw new CliError('--from and --scratch exclude each other', 2);
    const steps = intOption(v, 'steps', 1);
    const lr = numberOption(v, 'lr', 0);
    const batchSize = intOption(v, 'batch-size', 1);
    if (typeof v['out'] === 'string') prepareOut(v['out'], 'out', { force: Boolean(v['force']) });
    const splits = splitsOf(v);
    let tokenizer: Tokenizer;
    let init: { checkpoint: CheckpointData } | { scratch: RecipeModelConfig };
    if (from) {
      const { ck, tok } = await qaCheckpoint(from);
      [tokenizer, init] = [tok, { checkpoint: ck }];
    } else {
      const preset = choice(v, 'preset', ['tiny', 'small', 'base'] as const);
      tokenizer = typeof v['tokenizer'] === 'string' ? (await qaCheckpoint(v['tokenizer'])).tok : trainRecipeTokenizer(splits.train.map((x) => `${x.context} ${x.question}`), intOption(v, 'vocab', 262));
      init = { scratch: { objective: 'mlm', vocabSize: tokenizer.vocabSize, padId: tokenizer.padTokenId ?? 0, shape: MODEL_PRESETS[preset] } };
    }
    const device = await useDevice(String(v['device']));
    const seed = intOption(v, 'seed');
    const r = await trainQa({ tokenizer, init, train: splits.train, validation: splits.validation, test: splits.test, steps, lr, batchSize, seed, device, log: { progress: 'auto' } });
    const byKind = (xs: QaExample[], answer: (x: QaExample) => string) => Object.fromEntries(['where-person', 'where-object', 'who'].map((k) => {
      const ks = xs.filter((x) => x.kind === k);
      return [k, squadScores(ks.map(answer), ks.map((x) => x.answers)).exactMatch];
    }));
    const cfg = 'checkpoint' in init ? (init.checkpoint.modelConfig as RecipeModelConfig) : init.scratch;
    const preds = await answerQuestions(r.model, tokenizer, splits.test, { maxLength: cfg.shape.blockSize });
    const baselines = Object.fromEntries(QA_BASELINES.map((b) => {
      const ans = splits.test.map((x) => qaBaseline(b, x.question, x.context));
      return [b, { ...squadScores(ans, splits.test.map((x) => x.answers)), exactMatchByKind: byKind(splits.test, (x) => ans[splits.test.indexOf(x)]!) }];
    }));
    let checkpoint: string | undefined;
    if (typeof v['out'] === 'string') {
      checkpoint = join(v['out'], 'model.safetensors');
      const data = { stories: intOption(v, 'stories', 1), evalStories: intOption(v, 'eval-stories', 1), dataSeed: intOption(v, 'data-seed') };
      await saveCheckpoint(checkpoint, { model: r.model.stateDict(), modelConfig: cfg, tokenizer: tokenizer.toJSON(), extra: { task: 'qa', init: from ? 'pretrained' : 'scratch', data } });
    }
    process.stdout.write(`${JSON.stringify({
      task: 'qa', init: from ? 'pretrained' : 'scratch', test: { ...r.test, exactMatchByKind: byKind(splits.test, (x) => preds[splits.test.indexOf(x)]!) }, validation: r.validation, baselines,
      trainQuestions: splits.train.length, truncated: r.truncated, testQuestions: splits.test.length, steps: r.result.step, seconds: Math.round(r.result.seconds), ...(checkpoint ? { checkpoint } : {}),
    })}\n`);
  },
};

const evalCommand: Command = {
  name: 'qa eval',
  summary: 'score a question-answering checkpoint: SQuAD exact match and F1 as one JSON line',
  usage: 'tsgrad qa eval --from CKPT [--data FILE.jsonl | --stories N --eval-stories N --data-seed N]',
  options: {
    from: { type: 'string', help: "a checkpoint written by 'tsgrad qa train --out'", arg: 'CKPT' },
    data: { type: 'string', help: 'questions to score: JSONL of {"context", "question", "answers": [...]} (default: the synthetic test split)', arg: 'FILE' },
    ...DATA,
  },
  async run(v) {
    const from = required(v, 'from', '(a question-answering checkpoint)');
    const device = await useDevice(String(v['device']));
    const { model, tok, cfg } = await loadQaModel(from, device);
    const xs = typeof v['data'] === 'string' ? qaJsonl(v['data']) : splitsOf(v).test;
    if (xs.length === 0) throw new CliError('no questions to score');
    const preds = await answerQuestions(model, tok, xs, { maxLength: cfg.shape.blockSize });
    process.stdout.write(`${JSON.stringify({ task: 'qa', questions: xs.length, ...squadScores(preds, xs.map((x) => x.answers)) })}\n`);
  },
};

const askCommand: Command = {
  name: 'qa ask',
  summary: 'answer one question about a context with a question-answering checkpoint',
  usage: 'tsgrad qa ask --from CKPT --context TEXT --question TEXT',
  options: {
    from: { type: 'string', help: "a checkpoint written by 'tsgrad qa train --out'", arg: 'CKPT' },
    context: { type: 'string', help: 'the text to find the answer in', arg: 'TEXT' },
    question: { type: 'string', help: 'the question', arg: 'TEXT' },
  },
  async run(v) {
    const from = required(v, 'from', '(a question-answering checkpoint)');
    const context = required(v, 'context', '(the text to answer from)');
    const question = required(v, 'question', '(the question)');
    const device = await useDevice(String(v['device']));
    const { model, tok, cfg } = await loadQaModel(from, device);
    const [answer] = await answerQuestions(model, tok, [{ question, context }], { maxLength: cfg.shape.blockSize });
    process.stdout.write(`${answer}\n`);
  },
};

export const qaCommand = commandGroup('qa', 'extractive question answering: train, eval or ask (see tsgrad qa <sub> --help)', [trainCommand, evalCommand, askCommand]);
