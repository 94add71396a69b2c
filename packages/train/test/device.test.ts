// Training on the GPU backend (gpu.js 'cpu' mode, so it runs anywhere): the trainer's loss falls,
// device memory stays flat across steps (each step's intermediates freed), checkpoints save from
// the device, and a fine-tuned classifier predicts on the device.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { gpuStats, setBackend, shutdownBackend } from '@tsgrad/core';
import { CharTokenizer } from '../src/tokenizers/char.js';
import { MODEL_PRESETS } from '../src/recipes/models.js';
import { pretrain } from '../src/recipes/pretrain.js';
import { finetuneClassifier } from '../src/recipes/finetune.js';

const TEXT = 'good film. bad film. great plot. awful plot. '.repeat(30);
const tok = CharTokenizer.fromText(TEXT, { specialTokens: ['<pad>', '<bos>', '<eos>', '<unk>', '<mask>', '<cls>'] });

describe('training on the gpu device', () => {
  beforeAll(async () => {
    await setBackend('gpu', { mode: 'cpu' });
  });
  afterAll(async () => {
    await shutdownBackend();
  });

  test('pretraining on the device lowers the loss with a flat live-buffer count', async () => {
    const live: number[] = [];
    const r = await pretrain({
      objective: 'clm', tokenizer: tok, documents: { train: [TEXT.slice(0, 1000)], validation: [TEXT.slice(1000)] },
      model: { ...MODEL_PRESETS.tiny, blockSize: 16 }, steps: 12, batchSize: 4, lr: 5e-3, evalEvery: 4, device: 'gpu', log: { progress: 'none' },
      onStep: () => live.push(gpuStats().liveBuffers),
    });
    expect(r.model.parameters()[0]!.device).toBe('gpu');
    expect(r.result.evals.at(-1)!['loss']).toBeLessThan(r.result.evals[0]!['loss']!);
    expect(live.length).toBe(12);
    expect(new Set(live.slice(2)).size).toBe(1); // after the optimizer state exists, nothing accumulates
  });

  test('fine-tuning and prediction run on the device', async () => {
    const ex = (t: string, label: number) => ({ text: t, label });
    const data = Array.from({ length: 16 }, (_, i) => (i % 2 ? ex('great film', 1) : ex('awful plot', 0)));
    const r = await finetuneClassifier({
      tokenizer: tok, init: { scratch: { objective: 'clm', vocabSize: tok.vocabSize, padId: 0, shape: { ...MODEL_PRESETS.tiny, blockSize: 16 } } },
      train: data, validation: data.slice(0, 4), test: data.slice(0, 6), minSteps: 6, maxSteps: 6, device: 'gpu', log: { progress: 'none' },
    });
    expect(r.model.parameters()[0]!.device).toBe('gpu');
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(r.testAccuracy).toBeLessThanOrEqual(1);
  });
});
