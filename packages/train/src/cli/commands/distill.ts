// tsgrad distill: knowledge distillation of a fine-tuned classifier checkpoint into a smaller
// student (soft labels on the training texts and, optionally, on unlabelled texts), printing one
// JSON line with the student's test metrics, size and parameters.

import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { SequenceClassifier } from '@tsgrad/nn';
import { loadCheckpoint, saveCheckpoint } from '../../checkpoint.js';
import { loadText } from '../../data/node.js';
import { takeLabelled } from '../../data/split.js';
import { distillClassifier } from '../../recipes/distill.js';
import { MODEL_PRESETS, type RecipeModelConfig } from '../../recipes/models.js';
import { checkpointModel } from '../../recipes/quantize.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import { CliError, choice, intOption, numberOption, required, type Command } from '../args.js';
import { useDevice } from '../device.js';
import { prepareOut } from '../out.js';
import { labelledData } from './data.js';

/** Unlabelled texts: one per line of a .txt file, or the `text` fields of a .jsonl file. */
function textsOf(path: string): string[] {
  const lines = loadText(path).split('\n').filter((l) => l.trim() !== '');
  if (extname(path).toLowerCase() !== '.jsonl') return lines;
  return lines.map((l, i) => {
    const t = (JSON.parse(l) as { text?: unknown }).text;
    if (typeof t !== 'string') throw new CliError(`${path}:${i + 1}: no string "text" field`);
    return t;
  });
}

export const distillCommand: Command = {
  name: 'distill',
  summary: 'distil a fine-tuned classifier into a smaller student and print its test metrics as one JSON line',
  usage: 'tsgrad distill --teacher CKPT --student-preset tiny|small [--init-from-teacher] [--labels N] [--unlabelled rest|FILE] [--out DIR]',
  options: {
    teacher: { type: 'string', help: 'a fine-tuned classifier checkpoint (tsgrad finetune, float or int8)', arg: 'CKPT' },
    'student-preset': { type: 'string', default: 'tiny', help: "the student's size: 'tiny' or 'small'", arg: 'NAME' },
    'init-from-teacher': { type: 'boolean', help: "start from the teacher's embeddings, head and every (L_t/L_s)-th block, at the teacher's width with the preset's depth (DistilBERT)" },
    data: { type: 'string', default: 'sentiment', help: "'sentiment' or the .jsonl/.csv file the teacher was fine-tuned on (the same 70/15/15 split)", arg: 'SRC' },
    labels: { type: 'string', help: 'the student sees the labels of only N training examples (balanced by class)', arg: 'N' },
    unlabelled: { type: 'string', help: "texts the teacher alone labels: 'rest' (the training texts whose labels --labels hides) or a .txt (one a line) / .jsonl file", arg: 'SRC' },
    alpha: { type: 'string', default: '0.5', help: 'weight of the teacher term (0 = train on labels alone)', arg: 'A' },
    temperature: { type: 'string', default: '2', help: 'softmax temperature', arg: 'T' },
    steps: { type: 'string', default: '400', help: 'optimizer steps (early stopping on validation accuracy may end sooner)', arg: 'N' },
    lr: { type: 'string', default: '0.001', help: 'peak learning rate', arg: 'LR' },
    'keep-duplicates': { type: 'boolean', help: 'keep repeated texts (as finetune --keep-duplicates)' },
    out: { type: 'string', help: 'write the student checkpoint to DIR/model.safetensors', arg: 'DIR' },
    force: { type: 'boolean', help: 'overwrite an --out folder that holds an earlier run' },
  },
  async run(v) {
    const seed = intOption(v, 'seed');
    const teacherPath = required(v, 'teacher', 'CKPT');
    const preset = choice(v, 'student-preset', ['tiny', 'small'] as const);
    if (typeof v['out'] === 'string') prepareOut(v['out'], 'out', { force: Boolean(v['force']) });
    const ck = await loadCheckpoint(teacherPath);
    const extra = ck.extra as { task?: string; classNames?: string[] } | undefined;
    if (extra?.task !== 'classification' || !ck.tokenizer) throw new CliError(`${teacherPath} is not a fine-tuned classifier (tsgrad finetune --out)`);
    const { splits, classNames } = labelledData(String(v['data']), seed, { keepDuplicates: Boolean(v['keep-duplicates']) });
    if (classNames.length !== extra.classNames!.length || classNames.some((n, i) => n !== extra.classNames![i])) {
      throw new CliError(`the data's labels [${classNames.join(', ')}] do not match the teacher's [${extra.classNames!.join(', ')}]`);
    }
    const n = typeof v['labels'] === 'string' ? intOption(v, 'labels', 1) : splits.train.length;
    if (n > splits.train.length) throw new CliError(`--labels ${n} exceeds the ${splits.train.length} training examples`);
    const labelled = takeLabelled(splits.train, n, { seed, balanced: true });
    const src = typeof v['unlabelled'] === 'string' ? v['unlabelled'] : undefined;
    const seen = new Set(labelled.map((e) => e.text));
    const pool = src === undefined ? [] : src === 'rest' ? splits.train.filter((e) => !seen.has(e.text)).map((e) => e.text) : textsOf(src);
    const device = await useDevice(String(v['device']));
    const teacher = checkpointModel(ck) as SequenceClassifier;
    teacher.to(device);
    const tokenizer = tokenizerFromJSON(ck.tokenizer);
    const initFromTeacher = Boolean(v['init-from-teacher']);
    const r = await distillClassifier({
      teacher, teacherConfig: ck.modelConfig as RecipeModelConfig, tokenizer, student: MODEL_PRESETS[preset], initFromTeacher,
      train: labelled, pool, validation: splits.validation, test: splits.test, numLabels: classNames.length, seed, device,
      alpha: numberOption(v, 'alpha', 0), temperature: numberOption(v, 'temperature', 0), maxSteps: intOption(v, 'steps', 1), lr: numberOption(v, 'lr', 0),
      log: { progress: 'auto' },
    });
    let checkpoint: string | undefined;
    let bytes: number | undefined;
    if (typeof v['out'] === 'string') {
      checkpoint = join(v['out'], 'model.safetensors');
      await saveCheckpoint(checkpoint, {
        model: r.model.stateDict(), modelConfig: r.config, tokenizer: ck.tokenizer,
        extra: { task: 'classification', classNames, pooling: r.model.config.pooling, distilledFrom: teacherPath },
      });
      bytes = statSync(checkpoint).size;
    }
    process.stdout.write(`${JSON.stringify({
      testAccuracy: r.testAccuracy, testMacroF1: r.testMacroF1, validationAccuracy: r.validationAccuracy, parameters: r.model.numParameters(),
      teacherParameters: teacher.numParameters(), labels: labelled.length, unlabelled: pool.length, steps: r.result.step, seconds: Math.round(r.result.seconds),
      ...(checkpoint ? { checkpoint, bytes } : {}),
    })}\n`);
  },
};
