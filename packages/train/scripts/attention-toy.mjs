#!/usr/bin/env node
// How fast does a model learn to attend to another position? A synthetic text where every other
// word follows a fixed cycle of 20 names and the words between are random colours:
// "alpha red bravo navy charlie teal ...". A cycle word is predictable only from the cycle word two
// positions away, so the loss falls below the no-context level (about ln 21 = 3.0 per token for
// the causal LM, the unigram entropy for the masked LM) only once attention finds that position.
// Same tiny model size (1 layer, d 32, 2 heads), AdamW at lr 1e-3, batch 16 x 32, no dropout.
//
// usage: node packages/train/scripts/attention-toy.mjs [clm|mlm|bert-causal|bert-next] [--steps 600]
//   clm          GPT, next token (causal attention)
//   mlm          BERT, 15% of tokens masked, loss at the masked positions (bidirectional attention)
//   bert-causal  the same BERT body and head, trained as a causal LM (causal attention)
//   bert-next    the same BERT body, bidirectional, predicting the next token, which it can see:
//                copying position i+1 takes the loss to zero once attention finds it

import { crossEntropy, manualSeed, scope, tensor } from '@tsgrad/core';
import { AdamW, MODEL_PRESETS, packSequences, pretrainingModel, trainRecipeTokenizer } from '@tsgrad/train';

const args = process.argv.slice(2);
const si = args.indexOf('--steps');
const STEPS = si >= 0 ? Number(args.splice(si, 2)[1]) : 600;
const mode = args[0] ?? 'clm';
const CYCLE = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango'.split(' ');
const NOISE = 'red green blue cyan pink gray black white brown olive navy teal lime gold rose plum jade ruby sand wine'.split(' ');
let s = 1;
const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const line = () => {
  const start = Math.floor(rnd() * 20);
  return Array.from({ length: 8 }, (_, i) => `${CYCLE[(start + i) % 20]} ${NOISE[Math.floor(rnd() * 20)]}`).join(' ') + '.';
};
const docs = Array.from({ length: 200 }, () => Array.from({ length: 20 }, line).join('\n'));
const tok = trainRecipeTokenizer(docs, 600); // every word one token
const stream = packSequences(docs.map((d) => tok.encode(d)), { eosId: tok.eosTokenId });
const [T, B] = [32, 16];
manualSeed(0);
const m = pretrainingModel({ objective: mode === 'clm' ? 'clm' : 'mlm', vocabSize: tok.vocabSize, padId: 0, shape: { ...MODEL_PRESETS.tiny, dropout: 0 } });
const opt = new AdamW(m.parameters(), { lr: 1e-3, weightDecay: 0 });
const logitsOf = (x) => {
  if (mode === 'clm' || mode === 'mlm') return m.forward(x);
  const b = m.transformer; // the BERT body by hand, to choose its attention
  const h = b.encoder.forward(b.drop.forward(b.ln_emb.forward(b.wpe.forward(b.wte.forward(x)))), { isCausal: mode === 'bert-causal' });
  return m.mlm_head.forward(h, b.wte.weight);
};
m.train();
for (let step = 1; step <= STEPS; step++) {
  const xs = [];
  const ys = [];
  for (let b = 0; b < B; b++) {
    const o = Math.floor(rnd() * (stream.length - T - 1));
    xs.push(...stream.slice(o, o + T));
    ys.push(...stream.slice(o + 1, o + T + 1));
  }
  let [inp, lab] = [xs, ys];
  if (mode === 'mlm') {
    inp = xs.slice();
    lab = xs.map(() => -100);
    for (let i = 0; i < inp.length; i++) if (rnd() < 0.15) [lab[i], inp[i]] = [inp[i], tok.maskTokenId];
  }
  let loss = 0;
  scope(() => {
    const l = crossEntropy(logitsOf(tensor(inp, { shape: [B, T], dtype: 'int32' })).reshape([-1, tok.vocabSize]), tensor(lab, { dtype: 'int32' }), { ignoreIndex: -100 });
    l.backward();
    loss = l.item();
  });
  opt.step();
  opt.zeroGrad();
  if (step % 100 === 0) console.log(`${mode} step ${step}: loss ${loss.toFixed(3)}`);
}
