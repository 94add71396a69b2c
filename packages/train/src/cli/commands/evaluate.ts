// tsgrad evaluate: metrics of a checkpoint on data — accuracy and macro F1 for a fine-tuned
// classifier, held-out loss and perplexity for a pretrained language model.

import { ValueError } from '@tsgrad/core';
import { loadCheckpoint } from '../../checkpoint.js';
import { encodeExamples } from '../../data/collate.js';
import { labelsToIds } from '../../data/records.js';
import { loadCsv, loadJsonl, loadText } from '../../data/node.js';
import { accuracy, macroF1 } from '../../metrics.js';
import { predict } from '../../recipes/finetune.js';
import type { RecipeModelConfig } from '../../recipes/models.js';
import { checkpointModel } from '../../recipes/quantize.js';
import type { SequenceClassifier } from '@tsgrad/nn';
import { evaluateLanguageModel } from '../../recipes/lm-eval.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import { CliError, required, type Command } from '../args.js';
import { useDevice } from '../device.js';
import { labelledData, pretrainingDocuments } from './data.js';

/** The `text` field of every line of a JSONL file (labels not needed), with the line of a bad one. */
function jsonlTexts(path: string): string[] {
  return loadText(path).split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      throw new CliError(`${path}:${i + 1}: not valid JSON`);
    }
    const text = (rec as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new CliError(`${path}:${i + 1}: no string "text" field`);
    return [text];
  });
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'evaluate a checkpoint: classifier accuracy/macro F1, or language-model perplexity',
  usage: 'tsgrad evaluate --from CKPT --data sentiment|sotu|FILE',
  options: {
    from: { type: 'string', help: 'the checkpoint to evaluate', arg: 'CKPT' },
    data: { type: 'string', help: "classifiers: 'sentiment' (its test split) or a .jsonl/.csv file (all of it); language models: 'sotu' (its held-out speeches), a text file (all of it) or a .jsonl file (its text fields)", arg: 'SRC' },
  },
  async run(v) {
    const from = required(v, 'from', 'CKPT');
    const src = required(v, 'data', "SRC (what to evaluate on: 'sentiment', 'sotu' or a file)");
    const ck = await loadCheckpoint(from);
    const cfg = ck.modelConfig as RecipeModelConfig | undefined;
    if (!ck.tokenizer || !cfg?.shape) throw new CliError(`${from} is not a tsgrad recipe checkpoint (it has no tokenizer or model config)`);
    const device = await useDevice(String(v['device']));
    const tokenizer = tokenizerFromJSON(ck.tokenizer);
    const extra = ck.extra as { task?: string; classNames?: string[]; pooling?: never } | undefined;
    if (extra?.task === 'classification') {
      const raw = src === 'sentiment' ? labelledData(src, 0).splits.test : src.endsWith('.csv') ? loadCsv(src) : loadJsonl(src);
      let examples;
      try {
        examples = labelsToIds(raw, extra.classNames).examples;
      } catch (e) {
        throw new CliError(`the data's labels do not match the checkpoint's [${(extra.classNames ?? []).join(', ')}]: ${(e as Error).message.split('\n')[0]}`);
      }
      if (examples.length === 0) throw new CliError(`${src} holds no examples`);
      let model: SequenceClassifier;
      try {
        model = checkpointModel(ck) as SequenceClassifier; // float, or int8 from tsgrad quantize
      } catch (e) {
        throw new CliError(`${from} does not fit its own config: ${(e as Error).message.split('\n')[0]}`);
      }
      const prefix = [cfg.objective === 'clm' ? tokenizer.bosTokenId! : tokenizer.clsTokenId!];
      const enc = encodeExamples(tokenizer, examples, { maxLength: cfg.shape.blockSize, prefix });
      model.to(device);
      const preds = await predict(model, enc, tokenizer.padTokenId ?? 0);
      const labels = enc.map((e) => e.label);
      process.stdout.write(`${JSON.stringify({ examples: enc.length, accuracy: accuracy(preds, labels), macroF1: macroF1(preds, labels, extra.classNames!.length) })}\n`);
      return;
    }
    // a language model: 'sotu' scores its held-out speeches; a file is scored whole (a .jsonl by its text fields)
    const docs = src === 'sotu' ? pretrainingDocuments(src).validation
      : src.endsWith('.jsonl') ? jsonlTexts(src)
      : loadText(src).split(/\n\s*\n/).filter((d) => d.trim().length > 0);
    try {
      process.stdout.write(`${JSON.stringify(await evaluateLanguageModel(ck, tokenizer, docs, 16, device))}\n`);
    } catch (e) {
      if (e instanceof ValueError) throw new CliError(e.message.split('\n')[0]!);
      throw e;
    }
  },
};
