#!/usr/bin/env node
// The translation report's runs: KJV -> Reina-Valera 1909, split by book (validation: Joel,
// Habakkuk, Colossians, 1 Peter; test: Ruth, Esther, Jonah, Philippians, James). One line of JSON
// per run appended to OUT.jsonl: validation BLEU/chrF (greedy and beam), test BLEU/chrF (beam),
// examples, and the translator saved to --save.
//
// usage: node packages/train/scripts/translation-experiment.mjs OUT.jsonl --baselines
//        node packages/train/scripts/translation-experiment.mjs OUT.jsonl --init scratch|pretrained
//          --ckpt MLM.safetensors [--pairs N] [--steps N] [--batch-size N] [--lr LR] [--preset small]
//          [--seed N] [--save PATH] [--log FILE.jsonl] [--skip-greedy]
//          [--checkpoint PATH [--checkpoint-every N]] [--resume PATH]
// --ckpt gives the source tokenizer (scratch too, so both tokenize alike) and, with --init
// pretrained, the encoder's initial weights. --pairs N trains on the first N training pairs
// after a seeded shuffle (0: all). --skip-greedy leaves out the greedy decoding of validation
// (decoding an under-trained model to full length takes as long as a short training run).
// --checkpoint writes a resumable checkpoint every --checkpoint-every steps (default 500); a run
// stopped part-way continues with the same arguments plus --resume PATH (trainSeconds then counts
// only the resumed part, and the record names the checkpoint it resumed from).

import { appendFileSync } from 'node:fs';
import { BIBLE_SPLIT, samplePairs, learnDictionary, loadBibleParallel, loadCheckpoint, saveTranslator, scoreTranslations, splitPairs, tokenizerFromJSON, trainTranslator, translate } from '@tsgrad/train';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : def;
};
const flag = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args.splice(i, 1), true) : false;
};
const baselines = flag('baselines');
const init = opt('init', 'scratch');
const ckptPath = opt('ckpt', 'docs/results/pretrain-main/stage.safetensors');
const nPairs = Number(opt('pairs', '0'));
const steps = Number(opt('steps', '3000'));
const batchSize = Number(opt('batch-size', '32'));
const lr = Number(opt('lr', '1e-3'));
const preset = opt('preset', 'small');
const seed = Number(opt('seed', '0'));
const save = opt('save', '');
const logFile = opt('log', '');
const skipGreedy = flag('skip-greedy');
const checkpointPath = opt('checkpoint', '');
const checkpointEvery = Number(opt('checkpoint-every', '500'));
const resumeFrom = opt('resume', '');
const [out] = args;
if (!out) throw new Error('usage: translation-experiment.mjs OUT.jsonl [--baselines | --init scratch|pretrained ...]');
const s = splitPairs(loadBibleParallel());
const val = { src: s.validation.map((p) => p.src), ref: s.validation.map((p) => p.tgt) };
const test = { src: s.test.map((p) => p.src), ref: s.test.map((p) => p.tgt) };
const fmt = (x) => ({ bleu: +x.bleu.score.toFixed(2), precisions: x.bleu.precisions.map((p) => +p.toFixed(1)), bp: +x.bleu.bp.toFixed(3), chrf: +x.chrf.toFixed(2) });
const record = (rec) => {
  const line = { date: new Date().toISOString(), split: BIBLE_SPLIT, trainPairs: s.train.length, ...rec };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
  console.log(JSON.stringify(line));
};
if (baselines) {
  record({ run: 'copy', validation: fmt(scoreTranslations(val.src, val.ref)), test: fmt(scoreTranslations(test.src, test.ref)) });
  const t0 = performance.now();
  const d = learnDictionary(s.train, { iterations: 5 });
  const dv = val.src.map((x) => d.translate(x));
  const dt = test.src.map((x) => d.translate(x));
  record({ run: 'dictionary (IBM Model 1, 5 EM iterations)', seconds: Math.round((performance.now() - t0) / 1000), validation: fmt(scoreTranslations(dv, val.ref)), test: fmt(scoreTranslations(dt, test.ref)), examples: test.src.slice(0, 3).map((x, i) => ({ src: x, ref: test.ref[i], hyp: dt[i] })) });
} else {
  const ck = await loadCheckpoint(ckptPath);
  const trainPairs = samplePairs(s.train, nPairs, seed);
  const t0 = performance.now();
  const { translator, result, skipped } = await trainTranslator(trainPairs, {
    preset, steps, batchSize, lr, seed, log: { progress: 'none', ...(logFile ? { jsonl: logFile } : {}) },
    ...(checkpointPath ? { checkpoint: { path: checkpointPath, every: checkpointEvery } } : {}), ...(resumeFrom ? { resumeFrom } : {}),
    ...(init === 'pretrained' ? { pretrained: ck } : { srcTokenizer: tokenizerFromJSON(ck.tokenizer) }),
  });
  const trainSeconds = Math.round((performance.now() - t0) / 1000);
  const greedy = skipGreedy ? undefined : await translate(translator, val.src, { beam: 1 });
  const beam = await translate(translator, val.src, { beam: 4 });
  const testBeam = await translate(translator, test.src, { beam: 4 });
  const rec = {
    run: `${init}, ${nPairs || 'all'} pairs`, init, pairs: trainPairs.length, skipped, steps, batchSize, lr, preset, seed, checkpoint: ckptPath, trainSeconds, ...(resumeFrom ? { resumedFrom: resumeFrom } : {}),
    finalLoss: result.history.at(-1)?.loss,
    validation: { ...(greedy ? { greedy: fmt(scoreTranslations(greedy, val.ref)) } : {}), beam4: fmt(scoreTranslations(beam, val.ref)) },
    test: { beam4: fmt(scoreTranslations(testBeam, test.ref)) },
    examples: test.src.slice(0, 3).map((x, i) => ({ src: x, ref: test.ref[i], hyp: testBeam[i] })),
  };
  if (save) await saveTranslator(translator, save, { command: process.argv.join(' '), validation: rec.validation, test: rec.test });
  record(rec);
}
