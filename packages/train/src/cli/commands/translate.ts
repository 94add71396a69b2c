// tsgrad translate train|eval|translate: English -> Spanish (or any pair from a TSV) with the
// encoder-decoder Transformer: train on the Bible (KJV / Reina-Valera 1909, split by book) or a
// TSV of pairs, score a checkpoint with BLEU and chrF, or translate text.

import { join } from 'node:path';
import { loadCheckpoint } from '../../checkpoint.js';
import { loadText } from '../../data/node.js';
import { loadTranslator, saveTranslator, scoreTranslations, trainTranslator, translate } from '../../recipes/translate.js';
import { tokenizerFromJSON } from '../../tokenizers/from-json.js';
import { loadBibleParallel, loadPairsTsv, samplePairs, splitPairs, type ParallelSplits } from '../../translation/data.js';
import { learnDictionary } from '../../translation/dictionary.js';
import { CliError, choice, commandGroup, intOption, numberOption, required, type Command, type OptionSpec } from '../args.js';
import { useDevice } from '../device.js';
import { noteCheckpoint, prepareOut } from '../out.js';

const DATA: Record<string, OptionSpec> = {
  data: { type: 'string', default: 'bible', help: "'bible' (the installed SWORD modules engKJV2006eb and spaRV1909eb, split by book) or a TSV of source<TAB>target pairs", arg: 'SRC' },
};
const DECODE: Record<string, OptionSpec> = {
  beam: { type: 'string', default: '4', help: 'beam width (1: greedy)', arg: 'N' },
  'length-penalty': { type: 'string', default: '0.6', help: "beam search's length penalty alpha ((5 + len) / 6)^alpha", arg: 'A' },
};

function splitsOf(v: Record<string, unknown>): ParallelSplits {
  const src = String(v['data']);
  return splitPairs(src === 'bible' ? loadBibleParallel() : loadPairsTsv(src));
}

const decodeOpts = (v: Record<string, unknown>) => ({ beam: intOption(v, 'beam', 1), lengthPenalty: numberOption(v, 'length-penalty', 0) });

const trainCommand: Command = {
  name: 'translate train',
  summary: 'train an encoder-decoder translator; print validation and test BLEU/chrF and the dictionary baseline as one JSON line',
  usage: 'tsgrad translate train [--data bible|FILE.tsv] [--pairs N] [--steps N] [--from MLM-CKPT | --tokenizer CKPT] [--resume CKPT] --out DIR',
  options: {
    ...DATA,
    pairs: { type: 'string', default: '0', help: 'train on N training pairs drawn at random with --seed (0: all)', arg: 'N' },
    from: { type: 'string', help: "initialise the encoder from this masked-LM checkpoint ('tsgrad pretrain --objective mlm'; its tokenizer reads the source)", arg: 'CKPT' },
    tokenizer: { type: 'string', help: 'without --from: read the source with this checkpoint\'s tokenizer (default: train a BPE on the source side)', arg: 'CKPT' },
    preset: { type: 'string', default: 'small', help: "model size: 'tiny', 'small' or 'base'", arg: 'NAME' },
    vocab: { type: 'string', default: '4096', help: 'BPE vocabulary of each tokenizer trained here', arg: 'N' },
    steps: { type: 'string', default: '3000', help: 'optimizer steps', arg: 'N' },
    'batch-size': { type: 'string', default: '32', help: 'sentence pairs per batch', arg: 'N' },
    lr: { type: 'string', default: '0.001', help: 'peak learning rate (warmup, then cosine decay)', arg: 'LR' },
    'label-smoothing': { type: 'string', default: '0.1', help: 'label smoothing of the cross-entropy', arg: 'EPS' },
    ...DECODE,
    baseline: { type: 'boolean', help: 'also score the word-by-word dictionary baseline (IBM Model 1 on the training pairs)' },
    out: { type: 'string', help: 'write the translator to DIR/model.safetensors (and the resumable run to DIR/checkpoint.safetensors)', arg: 'DIR' },
    'checkpoint-every': { type: 'string', default: '500', help: 'steps between resumable checkpoints', arg: 'N' },
    resume: { type: 'string', help: 'continue from this checkpoint (same data and options)', arg: 'CKPT' },
    force: { type: 'boolean', help: 'overwrite an --out folder that holds an earlier run' },
  },
  async run(v) {
    const out = required(v, 'out', '(a folder for the translator)');
    const resume = typeof v['resume'] === 'string' ? v['resume'] : undefined;
    if (v['from'] && v['tokenizer']) throw new CliError('--from and --tokenizer exclude each other (--from brings its own tokenizer)', 2);
    const opts = { steps: intOption(v, 'steps', 1), batchSize: intOption(v, 'batch-size', 1), lr: numberOption(v, 'lr', 0), labelSmoothing: numberOption(v, 'label-smoothing'), vocabSize: intOption(v, 'vocab', 262), preset: choice(v, 'preset', ['tiny', 'small', 'base'] as const) };
    if (opts.labelSmoothing < 0 || opts.labelSmoothing >= 1) throw new CliError(`--label-smoothing must be in [0, 1), got ${opts.labelSmoothing}`, 2);
    const dec = decodeOpts(v);
    const every = intOption(v, 'checkpoint-every', 1);
    prepareOut(out, 'out', { force: Boolean(v['force']), resume: resume !== undefined });
    const s = splitsOf(v);
    const n = intOption(v, 'pairs');
    const trainPairs = samplePairs(s.train, n, intOption(v, 'seed'));
    const pretrained = typeof v['from'] === 'string' ? await loadCheckpoint(v['from']) : undefined;
    const tok = typeof v['tokenizer'] === 'string' ? (await loadCheckpoint(v['tokenizer'])).tokenizer : undefined;
    const device = await useDevice(String(v['device']));
    const ckPath = join(out, 'checkpoint.safetensors');
    noteCheckpoint(ckPath); // an interrupted run names it
    const { translator, result, skipped } = await trainTranslator(trainPairs, {
      ...opts, seed: intOption(v, 'seed'), device, log: { progress: 'auto' },
      checkpoint: { path: ckPath, every }, resumeFrom: resume,
      ...(pretrained ? { pretrained } : tok ? { srcTokenizer: tokenizerFromJSON(tok) } : {}),
    });
    const score = async (pairs: typeof s.test) => (pairs.length ? scoreTranslations(await translate(translator, pairs.map((p) => p.src), dec), pairs.map((p) => p.tgt)) : undefined);
    const fmt = (x: Awaited<ReturnType<typeof score>>) => x && { bleu: x.bleu.score, chrf: x.chrf, precisions: x.bleu.precisions, bp: x.bleu.bp };
    const [validation, test] = [fmt(await score(s.validation)), fmt(await score(s.test))];
    let baseline;
    if (v['baseline']) {
      const d = learnDictionary(trainPairs);
      baseline = fmt(scoreTranslations(s.test.map((p) => d.translate(p.src)), s.test.map((p) => p.tgt)));
    }
    const checkpoint = join(out, 'model.safetensors');
    await saveTranslator(translator, checkpoint, { data: String(v['data']), trainPairs: trainPairs.length, init: pretrained ? 'pretrained' : 'scratch', validation, test });
    process.stdout.write(`${JSON.stringify({ task: 'translate', trainPairs: trainPairs.length, skipped, steps: result.step, seconds: Math.round(result.seconds), validation, test, ...(baseline ? { dictionaryBaseline: { test: baseline } } : {}), checkpoint })}\n`);
  },
};

const evalCommand: Command = {
  name: 'translate eval',
  summary: 'score a translator on the test pairs (or a TSV): BLEU and chrF as one JSON line',
  usage: 'tsgrad translate eval --from CKPT [--data bible|FILE.tsv] [--split test|validation|all]',
  options: {
    from: { type: 'string', help: "a checkpoint written by 'tsgrad translate train'", arg: 'CKPT' },
    ...DATA,
    split: { type: 'string', default: 'test', help: "which pairs: 'test', 'validation' or 'all' (all of a TSV)", arg: 'NAME' },
    ...DECODE,
  },
  async run(v) {
    const from = required(v, 'from', '(a translation checkpoint)');
    const split = choice(v, 'split', ['test', 'validation', 'all'] as const);
    const dec = decodeOpts(v);
    const t = await loadTranslator(from, await useDevice(String(v['device'])));
    const s = splitsOf(v);
    const pairs = split === 'all' ? [...s.train, ...s.validation, ...s.test] : s[split];
    if (pairs.length === 0) throw new CliError(`no pairs in the ${split} split`);
    const r = scoreTranslations(await translate(t, pairs.map((p) => p.src), dec), pairs.map((p) => p.tgt));
    process.stdout.write(`${JSON.stringify({ task: 'translate', split, pairs: pairs.length, bleu: r.bleu.score, chrf: r.chrf, precisions: r.bleu.precisions, bp: r.bleu.bp })}\n`);
  },
};

const translateCommand: Command = {
  name: 'translate translate',
  summary: 'translate text with a trained translator, one line in, one line out',
  usage: 'tsgrad translate translate --from CKPT (--text TEXT | --file FILE)',
  options: {
    from: { type: 'string', help: "a checkpoint written by 'tsgrad translate train'", arg: 'CKPT' },
    text: { type: 'string', help: 'one sentence to translate', arg: 'TEXT' },
    file: { type: 'string', help: 'a file of sentences, one per line', arg: 'FILE' },
    ...DECODE,
  },
  async run(v) {
    const from = required(v, 'from', '(a translation checkpoint)');
    if (Boolean(v['text']) === Boolean(v['file'])) throw new CliError('give exactly one of --text TEXT and --file FILE', 2);
    const lines = typeof v['text'] === 'string' ? [v['text']] : loadText(String(v['file'])).split(/\r?\n/).filter((l) => l.trim());
    if (lines.length === 0) throw new CliError('nothing to translate');
    const t = await loadTranslator(from, await useDevice(String(v['device'])));
    for (const line of await translate(t, lines, decodeOpts(v))) process.stdout.write(`${line}\n`);
  },
};

export const translationCommand = commandGroup('translate', 'encoder-decoder translation: train, eval or translate (see tsgrad translate <sub> --help)', [trainCommand, evalCommand, translateCommand]);
