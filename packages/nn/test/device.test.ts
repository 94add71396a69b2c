// Modules are device-agnostic: a GPT moved to the gpu backend (gpu.js `cpu` mode, so it runs
// anywhere) keeps its Parameter objects, matches the CPU numbers, generates, trains and saves.

import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, setBackend, shutdownBackend, synchronize, tensor } from '@tsgrad/core';
import { GPT, readModelFile, saveModel } from '@tsgrad/nn';

beforeAll(async () => {
  await setBackend('gpu', { mode: 'cpu' });
});
afterAll(() => shutdownBackend());

test('GPT on the gpu device: same logits and generations, gradients on the device, back with toAsync', async () => {
  manualSeed(0);
  const gpt = new GPT({ vocabSize: 9, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, positional: 'rope' }).eval();
  const ids = tensor([[1, 2, 3]], { dtype: 'int32' });
  const ref = Array.from(gpt.forward(ids).dataSync());
  const refGen = await gpt.generate([1, 2, 3], { maxNewTokens: 4, temperature: 0 });
  const w = gpt.transformer.wte.weight;
  gpt.to('gpu');
  expect(gpt.transformer.wte.weight).toBe(w);
  expect(gpt.parameters().every((p) => p.device === 'gpu' && p.requiresGrad)).toBe(true);
  expect(gpt.transformer.rotary!.cos.device).toBe('gpu');
  const y = Array.from(await gpt.forward(ids.to('gpu')).data());
  y.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-5));
  expect(await gpt.generate([1, 2, 3], { maxNewTokens: 4, temperature: 0 })).toEqual(refGen);
  gpt.forward(ids.to('gpu')).sum().backward();
  expect(w.grad!.device).toBe('gpu');
  const dir = await mkdtemp(join(tmpdir(), 'tsgrad-nn-'));
  try {
    await saveModel(join(dir, 'g.safetensors'), gpt); // reads the device tensors back asynchronously
    expect(Object.keys((await readModelFile(join(dir, 'g.safetensors'))).state).sort()).toEqual(Object.keys(gpt.stateDict()).sort());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await gpt.toAsync('cpu');
  expect(w.device).toBe('cpu');
  expect(w.grad!.device).toBe('cpu');
  expect(Array.from(gpt.forward(ids).dataSync())).toEqual(ref);
  await synchronize();
});
