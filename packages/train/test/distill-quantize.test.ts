// Distillation and quantisation in the recipes: distillationLoss on hand-worked values and its
// gradient against finite differences (random shapes, temperatures, weights, unlabelled rows);
// the student's DistilBERT initialisation; and, through the CLI as a user runs it, a classifier
// quantised to an int8 checkpoint that evaluate reads, an int8 language model that generate reads,
// and a student distilled from a teacher checkpoint.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { fromArray, manualSeed, tensor } from '@tsgrad/core';
import { allclose, gradcheck } from '@tsgrad/core/testing';
import { QuantizedLinear } from '@tsgrad/nn';
import { distillationLoss } from '../src/distillation.js';
import { loadCheckpoint } from '../src/checkpoint.js';
import { initStudentFromTeacher } from '../src/recipes/distill.js';
import { classifierFor, MODEL_PRESETS } from '../src/recipes/models.js';
import { checkpointModel, checkpointQuantization } from '../src/recipes/quantize.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tsgrad = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
const tmp = () => mkdtempSync(join(tmpdir(), 'tsgrad-kd-'));

describe('distillationLoss', () => {
  test('hand-worked: T^2 KL of the softened distributions, plus cross-entropy where there are labels', () => {
    const zs = tensor([[0, 0], [0, 0]]), zt = tensor([[2 * Math.log(3), 0], [0, 0]]);
    // T = 2: the teacher's first row softens to softmax([ln 3, 0]) = (0.75, 0.25), the student's to (0.5, 0.5);
    // KL = 0.75 ln 1.5 + 0.25 ln 0.5 for row 0 and 0 for row 1: batchmean halves it; T^2 = 4
    const kl = (0.75 * Math.log(1.5) + 0.25 * Math.log(0.5)) / 2;
    expect(distillationLoss(zs, zt, null, { temperature: 2 }).item()).toBeCloseTo(4 * kl, 6);
    // labels [1, -100]: the cross-entropy averages over the one labelled row (ln 2)
    const labels = tensor([1, -100], { dtype: 'int32' });
    expect(distillationLoss(zs, zt, labels, { temperature: 2, alpha: 0.25 }).item()).toBeCloseTo(0.25 * 4 * kl + 0.75 * Math.log(2), 6);
    // no labelled row: the cross-entropy term is 0, not NaN
    expect(distillationLoss(zs, zt, tensor([-100, -100], { dtype: 'int32' }), { temperature: 2, alpha: 0.25 }).item()).toBeCloseTo(0.25 * 4 * kl, 6);
    // alpha 0 is plain cross-entropy; equal logits make the soft term 0
    expect(distillationLoss(zs, zt, tensor([0, 1], { dtype: 'int32' }), { alpha: 0 }).item()).toBeCloseTo(Math.log(2), 6);
    expect(distillationLoss(zt, zt, null).item()).toBeCloseTo(0, 7);
  });

  test('names the problem on bad input', () => {
    expect(() => distillationLoss(tensor([[0, 0]]), tensor([[0, 0, 0]]), null)).toThrow(/distillationLoss.*\(B, C\)/s);
    expect(() => distillationLoss(tensor([[0, 0]]), tensor([[0, 0]]), tensor([0, 1], { dtype: 'int32' }))).toThrow(/labels must be \(B\)/);
    expect(() => distillationLoss(tensor([[0, 0]]), tensor([[0, 0]]), null, { temperature: 0 })).toThrow(/temperature must be > 0/);
    expect(() => distillationLoss(tensor([[0, 0]]), tensor([[0, 0]]), null, { alpha: 2 })).toThrow(/alpha must be in \[0, 1\]/);
  });

  test('its gradient matches finite differences (float64, random batch, classes, temperature, weights, unlabelled rows)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 5 }), fc.constantFrom(0.5, 1, 2, 4), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer(),
      (B, C, T, alpha, seed) => {
        let s = seed | 0;
        const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 8) / (1 << 24);
        const logits = () => fromArray(Float64Array.from({ length: B * C }, () => 4 * rnd() - 2), [B, C], { dtype: 'float64' }).requiresGrad_();
        const labels = fromArray(Int32Array.from({ length: B }, () => (rnd() < 0.3 ? -100 : Math.floor(rnd() * C))), [B], { dtype: 'int32' });
        const [zs, zt] = [logits(), logits()];
        expect(gradcheck((a, b) => distillationLoss(a, b, labels, { alpha, temperature: T }), [zs, zt], { eps: 1e-6, atol: 1e-6 })).toBe(true);
      }), { seed: 20261204, numRuns: 30 });
  });
});

describe('initStudentFromTeacher', () => {
  test('copies the embeddings and head, and student block i from teacher block i * L_t / L_s', () => {
    manualSeed(0);
    const cfg = { objective: 'mlm' as const, vocabSize: 300, padId: 0, shape: { ...MODEL_PRESETS.tiny, nLayer: 4 } };
    const teacher = classifierFor(cfg, 2), student = classifierFor({ ...cfg, shape: { ...cfg.shape, nLayer: 2 } }, 2);
    initStudentFromTeacher(student, teacher);
    const [t, s] = [teacher.stateDict(), student.stateDict()];
    const key = (i: number) => Object.keys(s).find((k) => k.includes(`.layers.${i}.linear1.weight`))!;
    expect(allclose(s[key(1)]!, t[key(1).replace('.layers.1.', '.layers.2.')]!)).toBe(true); // block 1 <- 2 (every other)
    expect(allclose(s[key(0)]!, t[key(0)]!)).toBe(true);
    expect(allclose(s['transformer.wte.weight']!, t['transformer.wte.weight']!)).toBe(true);
    expect(allclose(s['classifier.weight']!, t['classifier.weight']!)).toBe(true);
    expect(() => initStudentFromTeacher(teacher, student)).toThrow(/more blocks \(4\) than the teacher \(2\)/);
  });
});

describe('tsgrad quantize, evaluate, generate and distill', () => {
  const dir = tmp();
  const data = join(dir, 'data.jsonl');
  writeFileSync(data, Array.from({ length: 80 }, (_, i) => JSON.stringify({ text: i % 2 ? `great lovely film ${i}` : `awful boring mess ${i}`, label: i % 2 ? 'pos' : 'neg' })).join('\n'));

  test('a fine-tuned classifier quantises to an int8 checkpoint (I8 weights), which evaluate reads', async () => {
    const ft = tsgrad('finetune', '--data', data, '--scratch', '--preset', 'tiny', '--vocab', '300', '--steps', '20', '--out', join(dir, 'ft'));
    expect(ft.status, ft.stderr).toBe(0);
    const q = tsgrad('quantize', '--from', join(dir, 'ft', 'model.safetensors'), '--out', join(dir, 'q'));
    expect(q.status, q.stderr).toBe(0);
    const report = JSON.parse(q.stdout);
    expect(report.layers).toBe(6); // wte, self_attn (in-projection), out_proj, linear1, linear2, classifier
    expect(report.int8Bytes).toBe(statSync(join(dir, 'q', 'model.safetensors')).size);
    // the weights take a quarter of their bytes; the tokenizer in the metadata is the same in both files
    expect(report.int8Bytes / report.floatBytes).toBeLessThan(0.45);
    const ck = await loadCheckpoint(join(dir, 'q', 'model.safetensors'));
    expect(checkpointQuantization(ck)!.modules).toContain('classifier');
    expect(checkpointModel(ck).classifier).toBeInstanceOf(QuantizedLinear);
    const bytes = readFileSync(join(dir, 'q', 'model.safetensors'));
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as Record<string, { dtype: string }>;
    expect(header['model.transformer.wte.weight_int8']!.dtype).toBe('I8');
    expect(header['model.transformer.h.0.self_attn.in_proj_weight_int8']!.dtype).toBe('I8');
    expect(header['model.classifier.weight_scale']!.dtype).toBe('F32');
    const [a, b] = ['ft', 'q'].map((d) => tsgrad('evaluate', '--from', join(dir, d, 'model.safetensors'), '--data', data));
    expect(a!.status, a!.stderr).toBe(0);
    expect(b!.status, b!.stderr).toBe(0);
    expect(JSON.parse(b!.stdout)).toMatchObject({ examples: 80 });
    expect(Math.abs(JSON.parse(b!.stdout).accuracy - JSON.parse(a!.stdout).accuracy)).toBeLessThanOrEqual(0.05); // at most 4 of 80 flip
    // an int8 checkpoint is for inference: fine-tuning or quantising it again is refused in one line
    const again = tsgrad('quantize', '--from', join(dir, 'q', 'model.safetensors'), '--out', join(dir, 'q2'));
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toMatch(/^tsgrad quantize: .*is already quantised/);
    const ftq = tsgrad('finetune', '--data', data, '--from', join(dir, 'q', 'model.safetensors'));
    expect(ftq.status).toBe(1);
    expect(ftq.stderr.trim()).toMatch(/^tsgrad finetune: the checkpoint is int8-quantised, for inference only/);
  });

  test('an int8 language model generates text', () => {
    const lm = tsgrad('pretrain', '--preset', 'tiny', '--vocab', '300', '--steps', '4', '--batch-size', '4', '--out', join(dir, 'lm'));
    expect(lm.status, lm.stderr).toBe(0);
    const q = tsgrad('quantize', '--from', join(dir, 'lm', 'checkpoint.safetensors'), '--out', join(dir, 'lmq'));
    expect(q.status, q.stderr).toBe(0);
    const g = tsgrad('generate', '--from', join(dir, 'lmq', 'model.safetensors'), '--max-new-tokens', '5', '--temperature', '0');
    expect(g.status, g.stderr).toBe(0);
    expect(g.stdout.length).toBeGreaterThan('The state of the Union'.length);
  });

  test('distill trains a student from the teacher checkpoint, with unlabelled texts and with the teacher-layer start', () => {
    const r = tsgrad('distill', '--teacher', join(dir, 'ft', 'model.safetensors'), '--data', data, '--student-preset', 'tiny', '--steps', '10', '--labels', '10',
      '--unlabelled', 'rest', '--out', join(dir, 'kd'));
    expect(r.status, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m).toMatchObject({ labels: 10, unlabelled: 56 - 10 }); // 70% of 80 for training, 10 of them labelled
    expect(m.parameters).toBe(m.teacherParameters); // the tiny preset at the tiny teacher's size
    expect(m.bytes).toBe(statSync(join(dir, 'kd', 'model.safetensors')).size);
    const ev = tsgrad('evaluate', '--from', join(dir, 'kd', 'model.safetensors'), '--data', data);
    expect(ev.status, ev.stderr).toBe(0);
    const init = tsgrad('distill', '--teacher', join(dir, 'ft', 'model.safetensors'), '--data', data, '--init-from-teacher', '--steps', '5', '--alpha', '1');
    expect(init.status, init.stderr).toBe(0);
    const bad = tsgrad('distill', '--teacher', join(dir, 'lm', 'checkpoint.safetensors'), '--data', data);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toMatch(/^tsgrad distill: .* is not a fine-tuned classifier/);
  });
});
