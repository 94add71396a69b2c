#!/usr/bin/env node
// Does a pretrained language model use its context? Prints its top predictions for a few fixed
// prompts: the masked word for a masked LM (`<mask>` where the prompt says [M]), the next token
// for a causal LM (the prompt up to [M]). A model that predicts the same frequent tokens whatever
// the context has learned token frequencies, not language.
//
// usage: node packages/train/scripts/context-probe.mjs CKPT [--top 6]

import { noGrad, softmax, tensor, topk } from '@tsgrad/core';
import { loadCheckpoint, pretrainingModel, tokenizerFromJSON } from '@tsgrad/train';

const args = process.argv.slice(2);
const ti = args.indexOf('--top');
const top = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 6;
const [path] = args;
if (!path) throw new Error('usage: context-probe.mjs CKPT [--top N]');
const ck = await loadCheckpoint(path);
const tok = tokenizerFromJSON(ck.tokenizer);
const model = pretrainingModel(ck.modelConfig);
model.loadStateDict(ck.model);
model.eval();
const mlm = ck.modelConfig.objective === 'mlm';
const PROMPTS = [
  'The United States of [M] is a great nation.',
  'Ladies and gentlemen of the [M].',
  'He opened the door and walked into the [M].',
  'The whale swam in the [M].',
  'I think the movie was very [M].',
  'This phone is [M], I love it!',
];
console.log(`${path}: ${ck.modelConfig.objective}, ${mlm ? 'the masked word' : 'the next token after the text before [M]'}`);
for (const p of PROMPTS) {
  const [before, after] = p.split('[M]');
  const ids = mlm ? [tok.clsTokenId, ...tok.encode(before.trimEnd()), tok.maskTokenId, ...tok.encode(after)] : [tok.bosTokenId, ...tok.encode(before.trimEnd())];
  const at = mlm ? ids.indexOf(tok.maskTokenId) : ids.length - 1;
  const logits = noGrad(() => model.forward(tensor([ids], { dtype: 'int32' })));
  const { values, indices } = topk(softmax(logits.select(0, 0).select(0, at), -1), top);
  const probs = values.tolist();
  console.log(`${p.padEnd(48)} -> ${indices.tolist().map((id, i) => `${JSON.stringify(tok.decode([id]))} ${probs[i].toFixed(2)}`).join(', ')}`);
}
