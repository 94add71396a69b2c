#!/usr/bin/env node
// Linear-probe validation accuracy of pretraining checkpoints on the sentiment task (the pilots'
// yardstick: chosen and compared on validation only, never test). A random body of the same shape
// is the control. Prints one JSON line per checkpoint and label count.
//
// usage: node packages/train/scripts/probe-checkpoints.mjs CKPT... [--labels 200,0] [--seeds 0,1,2]

import { loadCheckpoint, linearProbe, sentimentSplits, takeLabelled, tokenizerFromJSON } from '@tsgrad/train';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : def;
};
const labelCounts = opt('labels', '200,0').split(',').map(Number);
const seeds = opt('seeds', '0,1,2').split(',').map(Number);
const splits = sentimentSplits(0);
for (const path of args) {
  const ck = await loadCheckpoint(path);
  const tokenizer = tokenizerFromJSON(ck.tokenizer);
  for (const body of ['pretrained', 'random']) {
    for (const n of labelCounts) {
      const accs = [];
      for (const seed of seeds) {
        const train = takeLabelled(splits.train, n > 0 ? n : splits.train.length, { seed, balanced: true });
        const init = body === 'pretrained' ? { checkpoint: ck } : { scratch: ck.modelConfig };
        accs.push((await linearProbe({ tokenizer, init, train, validation: splits.validation, seed })).validationAccuracy);
      }
      const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
      console.log(JSON.stringify({ checkpoint: path, body, labels: n || splits.train.length, validationAccuracy: +(100 * mean).toFixed(2), perSeed: accs.map((a) => +(100 * a).toFixed(1)) }));
    }
  }
}
