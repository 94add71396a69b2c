// The BERT-style encoder and MLM head against a plain-JS reference, padding behaviour, pooling
// (hand values), and the fine-tuning heads loading a pretrained body.

import { describe, expect, test } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, tensor } from '@tsgrad/core';
import { assertClose } from '@tsgrad/core/testing';
import { BertMLM, GPT, QuestionAnswering, Seq2SeqTransformer, SequenceClassifier, TokenClassifier, loadModel, poolHidden, saveModel } from '@tsgrad/nn';
import { encoderLayerState, encoderLayerWeights, mat, t64 } from './helpers/fixtures.js';
import { type Mat, affine, encoderLayerRef, geluExact, layerNormRows, map, values } from './helpers/reference.js';

const bertCfg = { vocabSize: 6, maxPositions: 5, nLayer: 1, nHead: 2, nEmbd: 4, dimFeedforward: 6, padId: 0 };

describe('BertMLM', () => {
  test('golden: LN(wte + wpe), post-norm gelu layer with padding masked, MLM head tied to wte', () => {
    const mlm = BertMLM.fromConfig(bertCfg).to('float64').eval();
    const wte = mat(6, 4, 1, 1).map((r, i) => (i === 0 ? r.map(() => 0) : r));
    const wpe = mat(5, 4, 2, 1);
    const [ge, be] = [values(4, 3, 0.3).map((v) => 1 + v), values(4, 4, 0.2)];
    const layer = encoderLayerWeights(4, 6, 5);
    const Wd = mat(4, 4, 6);
    const bd = values(4, 7, 0.2);
    const [gh, bh] = [values(4, 8, 0.3).map((v) => 1 + v), values(4, 9, 0.2)];
    const bias = values(6, 10, 0.2);
    mlm.loadStateDict({
      'transformer.wte.weight': t64(wte), 'transformer.wpe.weight': t64(wpe), 'transformer.ln_emb.weight': t64(ge), 'transformer.ln_emb.bias': t64(be),
      ...encoderLayerState(layer, 'transformer.encoder.layers.0.'),
      'mlm_head.dense.weight': t64(Wd), 'mlm_head.dense.bias': t64(bd), 'mlm_head.norm.weight': t64(gh), 'mlm_head.norm.bias': t64(bh), 'mlm_head.bias': t64(bias),
    });
    const ids = [3, 5, 1, 0]; // the last token is padding
    const logits = mlm.forward(tensor([ids], { dtype: 'int32' }));
    const emb = layerNormRows(ids.map((id, t) => wte[id]!.map((v, j) => v + wpe[t]![j]!)), ge, be);
    const padMask: Mat = ids.map(() => ids.map((id) => (id === 0 ? -Infinity : 0)));
    const h = encoderLayerRef(emb, layer, 2, false, geluExact, padMask);
    const ref = affine(layerNormRows(map(affine(h, Wd, bd), geluExact), gh, bh), wte, bias);
    assertClose(logits.select(0, 0), ref.flat(), { rtol: 1e-9, atol: 1e-11 });
  });

  test('extra padding does not change the outputs at real tokens', () => {
    manualSeed(1);
    const mlm = BertMLM.fromConfig({ ...bertCfg, nLayer: 2 }).to('float64').eval();
    const a = mlm.forward(tensor([[2, 3, 4]], { dtype: 'int32' }));
    const b = mlm.forward(tensor([[2, 3, 4, 0, 0]], { dtype: 'int32' })).narrow(1, 0, 3);
    assertClose(b, a, { rtol: 1e-12, atol: 1e-12 });
  });
});

describe('pooling', () => {
  test('cls, last, mean, max and mean+max over the non-padding tokens', () => {
    const h = tensor([[[1, 2], [3, -4], [100, 100]], [[0, 1], [2, 3], [4, 5]]]);
    const pad = tensor([[false, false, true], [false, false, false]]);
    expect(poolHidden(h, 'cls', pad).tolist()).toEqual([[1, 2], [0, 1]]);
    expect(poolHidden(h, 'last', pad).tolist()).toEqual([[3, -4], [4, 5]]);
    expect(poolHidden(h, 'mean', pad).tolist()).toEqual([[2, -1], [2, 3]]);
    expect(poolHidden(h, 'max', pad).tolist()).toEqual([[3, 2], [4, 5]]);
    expect(poolHidden(h, 'mean+max', pad).tolist()).toEqual([[2, -1, 3, 2], [2, 3, 4, 5]]);
    expect(poolHidden(h, 'last').tolist()).toEqual([[100, 100], [4, 5]]);
    expect(poolHidden(h, 'mean').tolist()).toEqual([[104 / 3, 98 / 3].map(Math.fround), [2, 3]]);
  });
});

describe('fine-tuning heads', () => {
  test('a SequenceClassifier loads a pretrained GPT LM (strict: false) and classifies from pooled states', () => {
    manualSeed(2);
    const body = { vocabSize: 10, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 };
    const lm = new GPT(body);
    const clf = SequenceClassifier.fromConfig({ body: { arch: 'gpt', ...body }, numLabels: 3, pooling: 'mean+max' });
    expect(clf.loadStateDict(lm.stateDict(), { strict: false })).toEqual({ missingKeys: ['classifier.weight', 'classifier.bias'], unexpectedKeys: [], mismatched: [] });
    expect(clf.transformer.wte.weight.tolist()).toEqual(lm.transformer.wte.weight.tolist());
    clf.eval();
    const ids = tensor([[1, 2, 3, 0], [4, 5, 0, 0]], { dtype: 'int32' });
    const pad = tensor([[false, false, false, true], [false, false, true, true]]);
    const logits = clf.forward(ids, { keyPaddingMask: pad });
    expect(logits.shape).toEqual([2, 3]);
    const pooled = poolHidden(lm.transformer.forward(ids), 'mean+max', pad); // right padding: the causal body never sees it
    assertClose(logits, clf.classifier.forward(pooled), { rtol: 1e-5, atol: 1e-6 });
  });

  test('a BERT body derives the padding mask from padId; TokenClassifier labels every position', () => {
    manualSeed(3);
    const mlm = BertMLM.fromConfig(bertCfg);
    const clf = new SequenceClassifier({ body: { arch: 'bert', ...bertCfg }, numLabels: 2, pooling: 'cls' });
    expect(clf.loadStateDict(mlm.stateDict(), { strict: false }).unexpectedKeys).toEqual([
      'mlm_head.bias', 'mlm_head.dense.weight', 'mlm_head.dense.bias', 'mlm_head.norm.weight', 'mlm_head.norm.bias',
    ]);
    clf.eval();
    const ids = tensor([[2, 3, 0]], { dtype: 'int32' });
    const explicit = clf.forward(ids, { keyPaddingMask: tensor([[false, false, true]]) });
    expect(clf.forward(ids).tolist()).toEqual(explicit.tolist());
    const tagger = TokenClassifier.fromConfig({ body: { arch: 'bert', ...bertCfg }, numLabels: 5 });
    tagger.eval();
    expect(tagger.forward(ids).tolist()).toEqual(tagger.classifier.forward(tagger.transformer.forward(ids)).tolist());
    expect(tagger.forward(ids).shape).toEqual([1, 3, 5]);
    expect(Object.keys(tagger.stateDict()).slice(-2)).toEqual(['classifier.weight', 'classifier.bias']);
  });

  test('a classifier checkpoint keeps its nested config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsgrad-nn-'));
    try {
      const clf = new SequenceClassifier({ body: { arch: 'bert', ...bertCfg }, numLabels: 2 });
      const file = join(dir, 'clf.safetensors');
      await saveModel(file, clf);
      const back = (await loadModel(file)) as SequenceClassifier;
      expect(back.config).toEqual(clf.config);
      const ids = tensor([[2, 3, 0]], { dtype: 'int32' });
      expect(back.eval().forward(ids).tolist()).toEqual(clf.eval().forward(ids).tolist());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  test('question-answering and seq2seq models rebuild from their files alone, with the same outputs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsgrad-nn-'));
    try {
      const qa = new QuestionAnswering({ body: { arch: 'bert', ...bertCfg } });
      await saveModel(join(dir, 'qa.safetensors'), qa);
      const qaBack = (await loadModel(join(dir, 'qa.safetensors'))) as QuestionAnswering;
      expect(qaBack).toBeInstanceOf(QuestionAnswering);
      expect(qaBack.config).toEqual(qa.config);
      const ids = tensor([[2, 3, 4, 0]], { dtype: 'int32' });
      expect(qaBack.eval().forward(ids).tolist()).toEqual(qa.eval().forward(ids).tolist());
      const mt = new Seq2SeqTransformer({ srcVocab: 9, tgtVocab: 7, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0, maxLen: 6, padId: 0 });
      await saveModel(join(dir, 'mt.safetensors'), mt);
      const mtBack = (await loadModel(join(dir, 'mt.safetensors'))) as Seq2SeqTransformer;
      const [src, tgt] = [tensor([[3, 4, 5]], { dtype: 'int32' }), tensor([[1, 2]], { dtype: 'int32' })];
      expect(mtBack.eval().forward(src, tgt).tolist()).toEqual(mt.eval().forward(src, tgt).tolist());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
