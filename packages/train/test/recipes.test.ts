// Recipe pieces: the masked-LM loss on masked positions equals the loss over all positions with
// ignored labels; pretraining lowers held-out loss for both objectives; a pretrained body loads
// into the classifier by name.

import { describe, expect, test } from 'vitest';
import { Generator, crossEntropy, manualSeed } from '@tsgrad/core';
import { BertMLM } from '@tsgrad/nn';
import { collateLM } from '../src/data/packing.js';
import { maskTokens } from '../src/data/mlm.js';
import { CharTokenizer } from '../src/tokenizers/char.js';
import { maskedLmLoss } from '../src/recipes/lm-loss.js';
import { classifierFor, MODEL_PRESETS } from '../src/recipes/models.js';
import { pretrain } from '../src/recipes/pretrain.js';

const TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
const tok = CharTokenizer.fromText(TEXT, { specialTokens: ['<pad>', '<bos>', '<eos>', '<unk>', '<mask>', '<cls>'] });
const docs = { train: [TEXT.slice(0, 1500)], validation: [TEXT.slice(1500)] };

describe('recipes', () => {
  test('masked-LM loss on the masked rows equals cross-entropy over all rows with -100 labels', () => {
    manualSeed(1);
    const model = new BertMLM({ vocabSize: tok.vocabSize, maxPositions: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0, padId: 0 });
    model.eval();
    const windows = [0, 1, 2].map((k) => Int32Array.from(tok.encode(TEXT.slice(k * 20, k * 20 + 17))));
    const b = collateLM(windows);
    const fast = maskedLmLoss(model, b, tok, new Generator(7))!;
    const m = maskTokens(b.inputIds, tok, { generator: new Generator(7) });
    const full = crossEntropy(model.forward(m.inputIds).reshape([-1, tok.vocabSize]), m.labels.reshape([-1]), { ignoreIndex: -100 });
    expect(fast.item()).toBeCloseTo(full.item(), 5);
  });

  for (const objective of ['clm', 'mlm'] as const) {
    test(`pretraining (${objective}) lowers the held-out loss and its body loads into a classifier`, async () => {
      const r = await pretrain({ objective, tokenizer: tok, documents: docs, model: { ...MODEL_PRESETS.tiny, blockSize: 16 }, steps: 40, batchSize: 8, lr: 3e-3, evalEvery: 10, log: { progress: 'none' } });
      const first = r.result.evals[0]!['loss']!;
      const last = r.result.evals.at(-1)!['loss']!;
      expect(last).toBeLessThan(first);
      const clf = classifierFor(r.config, 3);
      const report = clf.loadStateDict(r.model.stateDict(), { strict: false }) as { missingKeys: string[]; unexpectedKeys: string[] };
      expect(report.missingKeys.every((k) => k.startsWith('classifier.'))).toBe(true);
      expect(report.unexpectedKeys.every((k) => k.startsWith('mlm_head.') || k.startsWith('lm_head.'))).toBe(true);
    });
  }
});
