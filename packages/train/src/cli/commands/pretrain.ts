// tsgrad pretrain: trains a tokenizer and a causal-LM (GPT) or masked-LM (BERT) model on text,
// with periodic atomic checkpoints that `--resume` continues exactly.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../checkpoint.js';
import { MODEL_PRESETS } from '../../recipes/models.js';
import { pretrain } from '../../recipes/pretrain.js';
import { trainRecipeTokenizer } from '../../recipes/corpus.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import { CliError, choice, intOption, numberOption, type Command } from '../args.js';

/** A number option in [0, 1). */
function probability(v: Record<string, unknown>, name: string): number {
  const p = numberOption(v, name, 0);
  if (p >= 1) throw new CliError(`--${name} must be in [0, 1), got ${p}`, 2);
  return p;
}
import { useDevice } from '../device.js';
import { noteCheckpoint, prepareOut } from '../out.js';
import { pretrainingDocuments } from './data.js';

export const pretrainCommand: Command = {
  name: 'pretrain',
  summary: 'pretrain a Transformer language model on raw text',
  usage: 'tsgrad pretrain [--data sotu[,brown,moby-dick,nlp-corpus]|FILE.txt] [--objective clm|mlm] [--preset small] [--steps N] --out DIR',
  options: {
    data: { type: 'string', default: 'sotu', help: "built-in corpora joined by commas (sotu, brown, moby-dick, nlp-corpus) or a text file (documents separated by blank lines)", arg: 'SRC' },
    objective: { type: 'string', default: 'clm', help: "'clm' (causal LM, GPT) or 'mlm' (masked LM, BERT)", arg: 'OBJ' },
    preset: { type: 'string', default: 'small', help: "model size: 'tiny', 'small' or 'base'", arg: 'NAME' },
    vocab: { type: 'string', default: '4096', help: 'BPE vocabulary size', arg: 'N' },
    'task-text': { type: 'string', help: 'also train the tokenizer on this labelled .jsonl/.csv file\'s texts (or \'sentiment\')', arg: 'SRC' },
    steps: { type: 'string', default: '2000', help: 'optimizer steps', arg: 'N' },
    dropout: { type: 'string', help: "dropout while pretraining (default: the preset's, 0.1)", arg: 'P' },
    'batch-size': { type: 'string', default: '32', help: 'sequences per step', arg: 'N' },
    lr: { type: 'string', default: '0.001', help: 'peak learning rate (warmup + cosine)', arg: 'LR' },
    'checkpoint-every': { type: 'string', default: '500', help: 'steps between checkpoints', arg: 'N' },
    'eval-every': { type: 'string', help: 'steps between held-out evaluations (default: a fifth of --steps)', arg: 'N' },
    resume: { type: 'string', help: 'continue from this checkpoint (same data and options)', arg: 'CKPT' },
    force: { type: 'boolean', help: 'overwrite an --out folder that holds an earlier run' },
    out: { type: 'string', help: 'output folder (checkpoint.safetensors, metrics.jsonl)', arg: 'DIR' },
  },
  async run(v) {
    const out = typeof v['out'] === 'string' ? v['out'] : '';
    if (!out) throw new CliError('--out DIR is required (the checkpoint is written there)', 2);
    const objective = choice(v, 'objective', ['clm', 'mlm'] as const);
    const preset = choice(v, 'preset', ['tiny', 'small', 'base'] as const);
    const steps = intOption(v, 'steps', 1);
    const seed = intOption(v, 'seed');
    const device = await useDevice(String(v['device']));
    const resume = typeof v['resume'] === 'string' ? v['resume'] : undefined;
    prepareOut(out, 'out', { force: Boolean(v['force']), resume: resume !== undefined });
    const documents = pretrainingDocuments(String(v['data']));
    let tokenizer;
    if (resume) {
      const ck = await loadCheckpoint(resume);
      if (!ck.tokenizer) throw new CliError(`${resume} has no tokenizer to resume with`);
      tokenizer = tokenizerFromJSON(ck.tokenizer);
    } else {
      const extra = typeof v['task-text'] === 'string' ? (await import('./data.js')).labelledData(v['task-text'], seed).splits.train.map((e) => e.text) : [];
      tokenizer = trainRecipeTokenizer([...documents.train, ...extra], intOption(v, 'vocab', 262));
    }
    const path = join(out, 'checkpoint.safetensors');
    noteCheckpoint(path);
    if (!resume) rmSync(join(out, 'metrics.jsonl'), { force: true }); // --force: a new run starts a new log
    const r = await pretrain({
      objective, tokenizer, documents, model: { ...MODEL_PRESETS[preset], ...(v['dropout'] !== undefined ? { dropout: probability(v, 'dropout') } : {}) }, steps, batchSize: intOption(v, 'batch-size', 1), lr: numberOption(v, 'lr', 0), seed,
      checkpoint: { path, every: intOption(v, 'checkpoint-every', 1), extra: { command: `tsgrad ${process.argv.slice(2).join(' ')}`, corpus: documents.sources ?? String(v['data']) } }, resumeFrom: resume, device, evalEvery: v['eval-every'] === undefined ? undefined : intOption(v, 'eval-every', 1), log: { jsonl: join(out, 'metrics.jsonl') },
    });
    const last = r.result.evals.at(-1) ?? {};
    process.stdout.write(`${JSON.stringify({ checkpoint: path, steps: r.result.step, tokensSeen: r.tokensSeen, ...last, seconds: Math.round(r.result.seconds) })}\n`);
  },
};
