// The browser demo's model code, in Node on the CPU backend: it trains, and the attention maps it
// reads out of the model are those of the model's own forward pass (causal rows that sum to 1, from
// a residual stream that reproduces GPTModel.forward).

import { allclose } from '@tsgrad/core/testing';
import { manualSeed, noGrad, tensor } from '@tsgrad/core';
import { describe, expect, test } from 'vitest';
import { CORPUS } from '../../docs/demo/src/corpus.js';
import { CharLM, MODEL_CONFIG } from '../../docs/demo/src/model.js';

describe('demo model (docs/demo/src/model.ts)', () => {
  test('the loss falls over 40 AdamW steps', async () => {
    manualSeed(0);
    const lm = new CharLM(CORPUS, 'cpu');
    const losses: number[] = [];
    for (let s = 0; s < 40; s++) losses.push(await lm.step());
    expect(losses[0]).toBeCloseTo(Math.log(lm.tokenizer.vocabSize), 0);
    expect(losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(losses[0]! - 0.5);
  }, 60_000);

  test('the hidden states match GPTModel.forward, and every head is causal and normalised', async () => {
    manualSeed(1);
    const lm = new CharLM(CORPUS, 'cpu');
    const ids = tensor([lm.tokenizer.encode('Shall I compare thee')], { dtype: 'int32' });
    noGrad(() => {
      const manual = lm.model.transformer.ln_f.forward(lm.hiddenBefore(ids, MODEL_CONFIG.nLayer));
      expect(allclose(manual, lm.model.transformer.forward(ids), { atol: 1e-6 })).toBe(true);
    });
    for (let layer = 0; layer < MODEL_CONFIG.nLayer; layer++) {
      const map = await lm.attention('Shall I compare thee', layer);
      const T = map.tokens.length;
      expect(map.tokens.join('')).toBe('Shall I compare thee');
      expect(map.heads).toBe(MODEL_CONFIG.nHead);
      for (let h = 0; h < map.heads; h++) {
        for (let i = 0; i < T; i++) {
          const row = map.weights.subarray((h * T + i) * T, (h * T + i + 1) * T);
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          expect(row.subarray(i + 1).every((w) => w === 0)).toBe(true); // no attention to later characters
        }
      }
    }
  });
});
