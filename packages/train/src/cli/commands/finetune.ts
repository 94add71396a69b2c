// tsgrad finetune: fine-tunes a classifier on labelled text (any JSONL with text and label) from a
// pretrained checkpoint or from scratch, and prints one final JSON line with the test metrics.

import { join } from 'node:path';
import { loadCheckpoint, saveCheckpoint, type CheckpointData } from '../../checkpoint.js';
import { takeLabelled } from '../../data/split.js';
import { trainRecipeTokenizer } from '../../recipes/corpus.js';
import { finetuneClassifier } from '../../recipes/finetune.js';
import { MODEL_PRESETS, type RecipeModelConfig } from '../../recipes/models.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import type { Tokenizer } from '../../tokenizers/types.js';
import { CliError, choice, intOption, numberOption, type Command } from '../args.js';
import { useDevice } from '../device.js';
import { prepareOut } from '../out.js';
import { labelledData } from './data.js';

/** The checkpoint's label names, when it is a fine-tuned classifier. */
function checkpointLabels(ck: CheckpointData): string[] | undefined {
  const names = (ck.extra as { classNames?: unknown } | undefined)?.classNames;
  return Array.isArray(names) ? names.map(String) : undefined;
}

export const finetuneCommand: Command = {
  name: 'finetune',
  summary: 'fine-tune a sequence classifier and print its test metrics as one JSON line',
  usage: 'tsgrad finetune --data sentiment|FILE.jsonl|FILE.csv (--from CKPT | --scratch) [--labels N] [--out DIR]',
  options: {
    data: { type: 'string', default: 'sentiment', help: "'sentiment' or a .jsonl/.csv file with 'text' and 'label' fields (split 70/15/15)", arg: 'SRC' },
    labels: { type: 'string', help: 'use only N labelled training examples (balanced by class)', arg: 'N' },
    'keep-duplicates': { type: 'boolean', help: 'keep repeated texts (by default later copies are removed before splitting, so no text is in two splits; the count is reported)' },
    from: { type: 'string', help: 'start from this checkpoint (pretrained or fine-tuned)', arg: 'CKPT' },
    scratch: { type: 'boolean', help: 'start from random weights (the same architecture)' },
    preset: { type: 'string', default: 'small', help: "model size with --scratch: 'tiny', 'small' or 'base'", arg: 'NAME' },
    vocab: { type: 'string', default: '4096', help: 'tokenizer vocabulary with --scratch', arg: 'N' },
    steps: { type: 'string', default: '400', help: 'optimizer steps (early stopping on validation accuracy may end sooner)', arg: 'N' },
    'lr-body': { type: 'string', default: '0.0002', help: 'learning rate of the pretrained body', arg: 'LR' },
    'lr-head': { type: 'string', default: '0.002', help: 'learning rate of the classifier head', arg: 'LR' },
    freeze: { type: 'string', default: 'none', help: "'none', 'body' (linear probe) or 'embeddings'", arg: 'PART' },
    'layer-decay': { type: 'string', default: '1', help: 'layer-wise LR decay factor (lower layers learn slower)', arg: 'F' },
    out: { type: 'string', help: 'write the fine-tuned checkpoint to DIR/model.safetensors', arg: 'DIR' },
    'save-dtype': { type: 'string', default: 'float32', help: "dtype of the saved weights: 'float32', or 'float16'/'bfloat16' for a file half the size", arg: 'DTYPE' },
    force: { type: 'boolean', help: 'overwrite an --out folder that holds an earlier run' },
  },
  async run(v) {
    const seed = intOption(v, 'seed');
    const from = typeof v['from'] === 'string' ? v['from'] : undefined;
    if (!from && !v['scratch']) throw new CliError('give --from CKPT (a pretrained checkpoint) or --scratch', 2);
    if (from && v['scratch']) throw new CliError('--from and --scratch exclude each other', 2);
    const freeze = choice(v, 'freeze', ['none', 'body', 'embeddings'] as const);
    const saveDtype = choice(v, 'save-dtype', ['float32', 'float16', 'bfloat16'] as const);
    const maxSteps = intOption(v, 'steps', 1);
    if (typeof v['out'] === 'string') prepareOut(v['out'], 'out', { force: Boolean(v['force']) });
    const { splits, classNames } = labelledData(String(v['data']), seed, { keepDuplicates: Boolean(v['keep-duplicates']) });
    let tokenizer: Tokenizer;
    let init: { checkpoint: CheckpointData } | { scratch: RecipeModelConfig };
    if (from) {
      const ck = await loadCheckpoint(from);
      const cfg = ck.modelConfig as RecipeModelConfig | undefined;
      if (!ck.tokenizer || !cfg?.shape) throw new CliError(`${from} is not a tsgrad recipe checkpoint (it has no tokenizer or model config)`);
      const saved = checkpointLabels(ck);
      if (saved && (saved.length !== classNames.length || saved.some((n, i) => n !== classNames[i]))) {
        throw new CliError(`the data's labels [${classNames.join(', ')}] do not match the checkpoint's [${saved.join(', ')}]`);
      }
      tokenizer = tokenizerFromJSON(ck.tokenizer);
      init = { checkpoint: ck };
    } else {
      const preset = choice(v, 'preset', ['tiny', 'small', 'base'] as const);
      tokenizer = trainRecipeTokenizer(splits.train.map((e) => e.text), intOption(v, 'vocab', 262));
      init = { scratch: { objective: 'clm', vocabSize: tokenizer.vocabSize, padId: tokenizer.padTokenId ?? 0, shape: MODEL_PRESETS[preset] } };
    }
    const device = await useDevice(String(v['device']));
    const n = typeof v['labels'] === 'string' ? intOption(v, 'labels', 1) : splits.train.length;
    if (n > splits.train.length) throw new CliError(`--labels ${n} exceeds the ${splits.train.length} training examples`);
    const train = takeLabelled(splits.train, n, { seed, balanced: true });
    if (splits.duplicatesRemoved > 0) process.stderr.write(`removed ${splits.duplicatesRemoved} repeated texts before splitting (--keep-duplicates keeps them)\n`);
    const r = await finetuneClassifier({
      tokenizer, init, train, validation: splits.validation, test: splits.test, numLabels: classNames.length, seed, maxSteps, minSteps: maxSteps, freeze, device,
      lrBody: numberOption(v, 'lr-body', 0), lrHead: numberOption(v, 'lr-head', 0), layerwiseDecay: numberOption(v, 'layer-decay', 0),
      log: { progress: 'auto' },
    });
    let checkpoint: string | undefined;
    if (typeof v['out'] === 'string') {
      checkpoint = join(v['out'], 'model.safetensors');
      const cfg = 'checkpoint' in init ? (init.checkpoint.modelConfig as RecipeModelConfig) : init.scratch;
      await saveCheckpoint(checkpoint, { model: r.model.stateDict(), modelConfig: cfg, tokenizer: tokenizer.toJSON(), extra: { task: 'classification', classNames, pooling: r.model.config.pooling } }, { dtype: saveDtype });
    }
    process.stdout.write(`${JSON.stringify({
      testAccuracy: r.testAccuracy, testMacroF1: r.testMacroF1, validationAccuracy: r.validationAccuracy,
      labels: train.length, init: from ? 'pretrained' : 'scratch', steps: r.result.step, seconds: Math.round(r.result.seconds), ...(checkpoint ? { checkpoint } : {}),
    })}\n`);
  },
};
