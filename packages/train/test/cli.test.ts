// The tsgrad command line, run as a user would (node on the built CLI): the quick experiment writes a
// well-formed report, finetune prints one JSON line, bad input gives one line and a non-zero exit
// without touching a good checkpoint, and a killed pretraining run resumes bit-identically.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadSafetensorsFile } from '@tsgrad/nn';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tsgrad = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
const tmp = () => mkdtempSync(join(tmpdir(), 'tsgrad-cli-'));

describe('tsgrad CLI', () => {
  test('experiment --quick writes the report folder: table, JSON, SVG charts, config', () => {
    const out = join(tmp(), 'report');
    const r = tsgrad('experiment', '--quick', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| labels \| pretrained \| from scratch \| margin \(points\) \| paired 95% interval \| Naive Bayes/);
    for (const f of ['results.md', 'results.json', 'config.json', 'accuracy-vs-labels.svg', 'loss-curves.svg', 'pretraining-curve.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toMatch(/Pretraining curve \(held-out loss, nats a token, by step\): [\d,]+: \d+\.\d\d/);
    const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(json.rows.map((x: { labels: number }) => x.labels)).toEqual([50, 200]);
    for (const row of json.rows) {
      for (const acc of [...row.pretrained.runs, ...row.scratch.runs]) expect(acc).toBeGreaterThanOrEqual(0), expect(acc).toBeLessThanOrEqual(1);
      expect(row.margin).toBeCloseTo(100 * (row.pretrained.mean - row.scratch.mean), 9);
    }
    expect(json.runs).toHaveLength(4); // 2 label counts x 1 seed x (pretrained, scratch)
    expect(json.seconds).toBeGreaterThan(0);
    expect(json.peakRssMiB).toBeGreaterThan(20); // a Node process holding a model: tens of MiB at least
    expect(r.stdout).toMatch(/min, peak RSS \d+ MiB/);
    for (const svg of ['accuracy-vs-labels.svg', 'loss-curves.svg', 'pretraining-curve.svg']) {
      const text = readFileSync(join(out, svg), 'utf8');
      expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(text.trim().endsWith('</svg>')).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({ name: 'quick', labelCounts: [50, 200], seeds: [0] });
  });

  test('experiment --jobs 2 (worker threads) gives the same runs, bit for bit, as --jobs 1 (one after another)', () => {
    const dir = tmp();
    const runsOf = (jobs: string) => {
      const r = tsgrad('experiment', '--quick', '--jobs', jobs, '--out', join(dir, jobs));
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(join(dir, jobs, 'results.json'), 'utf8')).runs.map(({ seconds: _s, ...rest }: { seconds: number }) => rest);
    };
    const one = runsOf('1');
    expect(one).toHaveLength(4);
    expect(runsOf('2')).toEqual(one);
    const bad = tsgrad('experiment', '--quick', '--jobs', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--jobs must be a positive whole number, got '0'/);
  });

  test('experiment --from a shipped-style checkpoint: the report names its tokens and corpus and draws its held-out curve from the metadata', async () => {
    const dir = tmp();
    const first = tsgrad('experiment', '--quick', '--labels', '20', '--out', join(dir, 'a'));
    expect(first.status, first.stderr).toBe(0);
    const ck = await loadCheckpoint(join(dir, 'a', 'pretrained.safetensors'));
    const shipped = join(dir, 'shipped.safetensors');
    await saveCheckpoint(shipped, { model: ck.model, modelConfig: ck.modelConfig, tokenizer: ck.tokenizer, extra: { steps: 40, corpus: ['sotu', 'brown'], tokensSeen: 40960, heldOutLoss: 5.25, heldOutCurve: [[20, 6.5], [40, 5.25]] } });
    const r = tsgrad('experiment', '--quick', '--labels', '20', '--from', shipped, '--out', join(dir, 'b'));
    expect(r.status, r.stderr).toBe(0);
    const md = readFileSync(join(dir, 'b', 'results.md'), 'utf8');
    expect(md).toMatch(/Pretrained weights: .*shipped\.safetensors: 40,960 tokens of sotu \+ brown, held-out loss 5\.250/);
    expect(md).toMatch(/Pretraining curve \(held-out loss, nats a token, by step\): 20: 6\.50 · 40: 5\.25/);
    expect(readFileSync(join(dir, 'b', 'pretraining-curve.svg'), 'utf8')).toMatch(/pretraining \(held out\)/);
  });

  test('finetune --scratch on a JSONL file prints one JSON line with test metrics', () => {
    const dir = tmp();
    const data = join(dir, 'data.jsonl');
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ text: i % 2 ? `great lovely film number ${i}` : `awful boring mess number ${i}`, label: i % 2 ? 'pos' : 'neg' }));
    writeFileSync(data, lines.join('\n'));
    const r = tsgrad('finetune', '--data', data, '--scratch', '--preset', 'tiny', '--vocab', '300', '--steps', '30', '--labels', '20', '--out', join(dir, 'ft'));
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out).toHaveLength(1);
    const m = JSON.parse(out[0]!);
    expect(m).toMatchObject({ labels: 20, init: 'scratch' });
    expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(dir, 'ft', 'model.safetensors'))).toBe(true);
    const ev = tsgrad('evaluate', '--from', join(dir, 'ft', 'model.safetensors'), '--data', data);
    expect(ev.status, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ examples: 60 });
    // labels that do not match the checkpoint: one line, non-zero, and the checkpoint is untouched
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, lines.map((l) => l.replace('"pos"', '"good"').replace('"neg"', '"bad"')).join('\n'));
    const before = statSync(join(dir, 'ft', 'model.safetensors')).mtimeMs;
    const bad = tsgrad('finetune', '--data', other, '--from', join(dir, 'ft', 'model.safetensors'), '--out', join(dir, 'ft'), '--force');
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim()).toBe("tsgrad finetune: the data's labels [bad, good] do not match the checkpoint's [neg, pos]");
    expect(statSync(join(dir, 'ft', 'model.safetensors')).mtimeMs).toBe(before);
  });

  test('finetune --save-dtype float16 writes the weights as F16, half the bytes, and the checkpoint still evaluates', async () => {
    const dir = tmp();
    const data = join(dir, 'data.jsonl');
    writeFileSync(data, Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: i % 2 ? `great film ${i}` : `awful mess ${i}`, label: i % 2 ? 'pos' : 'neg' })).join('\n'));
    const r = tsgrad('finetune', '--data', data, '--scratch', '--preset', 'tiny', '--vocab', '280', '--steps', '3', '--out', join(dir, 'ft'), '--save-dtype', 'float16');
    expect(r.status, r.stderr).toBe(0);
    const file = join(dir, 'ft', 'model.safetensors');
    const { tensors } = await loadSafetensorsFile(file, { keepHalf: true });
    const weights = Object.entries(tensors).filter(([k]) => k.startsWith('model.'));
    expect(weights.every(([, t]) => t.dtype === 'float16')).toBe(true);
    const float32Bytes = weights.reduce((n, [, t]) => n + 4 * t.numel(), 0);
    const bytes = readFileSync(file);
    const dataBytes = bytes.length - 8 - Number(bytes.readBigUInt64LE(0)); // after the length prefix and the JSON header
    expect(dataBytes).toBe(float32Bytes / 2); // 2 bytes a weight instead of 4
    const ev = tsgrad('evaluate', '--from', file, '--data', data);
    expect(ev.status, ev.stderr).toBe(0);
    expect(tsgrad('finetune', '--scratch', '--save-dtype', 'float8').stderr.trim()).toBe("tsgrad finetune: --save-dtype must be one of float32, float16, bfloat16, got 'float8'");
  });

  test('finetune --steps N runs N steps (it was capped at ten epochs: 100 here)', () => {
    const dir = tmp();
    const data = join(dir, 'data.jsonl');
    writeFileSync(data, Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: i % 2 ? `nice ${i}` : `bad ${i}`, label: i % 2 })).join('\n'));
    const r = tsgrad('finetune', '--data', data, '--scratch', '--preset', 'tiny', '--vocab', '280', '--steps', '150', '--labels', '20');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ labels: 20, steps: 150 });
  });

  test('--device gpu with no Vulkan device says what to install (not a browser hint)', () => {
    const r = spawnSync(process.execPath, [CLI, 'finetune', '--scratch', '--preset', 'tiny', '--vocab', '280', '--steps', '2', '--device', 'gpu'],
      { encoding: 'utf8', timeout: 120_000, env: { ...process.env, VK_ICD_FILENAMES: join(tmp(), 'no-driver.json'), TSGRAD_GPU_MODE: 'webgpu' } });
    expect(r.status).toBe(1);
    const err = r.stderr.trim().split('\n').at(-1)!; // Dawn itself may warn on the lines before
    expect(err).toMatch(/^tsgrad finetune: could not start the GPU backend: no WebGPU adapter: Dawn \(the webgpu package\) found no Vulkan device \(install a GPU's Vulkan driver; without a GPU, install Debian's chromium/);
    expect(err).not.toMatch(/headed|headless Chromium/);
  });

  test('--device gpu trains on the gpu.js backend and the process exits by itself', () => {
    const dir = tmp();
    const data = join(dir, 'data.jsonl');
    writeFileSync(data, Array.from({ length: 30 }, (_, i) => JSON.stringify({ text: i % 2 ? `fine day ${i}` : `sad day ${i}`, label: i % 2 })).join('\n'));
    const r = spawnSync(process.execPath, [CLI, 'finetune', '--data', data, '--scratch', '--preset', 'tiny', '--vocab', '280', '--steps', '4', '--device', 'gpu'],
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, TSGRAD_GPU_MODE: 'cpu' } });
    expect(r.error).toBeUndefined(); // no timeout: the GPU backend was shut down
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ init: 'scratch', steps: 4 });
  });

  test('g2p is its own command: its flags mean words and steps, and it prints error rates as one JSON line', () => {
    const r = tsgrad('g2p', '--words', '60', '--test-words', '5', '--steps', '2', '--batch-size', '16', '--preset', 'tiny', '--beam', '2');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out).toMatchObject({ task: 'g2p', trainWords: 60, testWords: 5, steps: 2 });
    for (const k of ['greedy', 'beam']) expect(out[k].wer).toBeGreaterThanOrEqual(0);
    expect(out.examples).toHaveLength(5);
    const old = tsgrad('finetune', '--task', 'g2p');
    expect(old.status).toBe(2);
    expect(old.stderr).toMatch(/^tsgrad finetune: Unknown option '--task'/);
  });

  test('bad input gives one line on stderr and a non-zero status, never a stack trace', () => {
    const dir = tmp();
    const cases: Array<[string[], RegExp, number]> = [
      [['finetune', '--data', join(dir, 'missing.jsonl'), '--scratch'], /^tsgrad finetune: no such file: .*missing\.jsonl$/, 1],
      [['finetune', '--data', 'sentiment'], /^tsgrad finetune: give --from CKPT \(a pretrained checkpoint\) or --scratch$/, 2],
      [['finetune', '--steps', 'ten', '--scratch'], /^tsgrad finetune: --steps must be an integer >= 1, got 'ten'$/, 2],
      [['evaluate', '--from', join(dir, 'nope.safetensors'), '--data', 'sentiment'], /^tsgrad evaluate: no checkpoint at .*nope\.safetensors$/, 1],
      // never a default data set picked silently
      [['evaluate', '--from', join(dir, 'nope.safetensors')], /^tsgrad evaluate: --data SRC \(what to evaluate on: 'sentiment', 'sotu' or a file\) is required$/, 2],
      // a negative number is the flag's value, and its check names it
      [['finetune', '--steps', '-3', '--scratch'], /^tsgrad finetune: --steps must be an integer >= 1, got '-3'$/, 2],
      [['pretrain', '--steps', '-3', '--out', join(dir, 'p')], /^tsgrad pretrain: --steps must be an integer >= 1, got '-3'$/, 2],
      // an --out that cannot be written fails before any work
      [['pretrain', '--out', '/dev/null/x', '--preset', 'tiny'], /^tsgrad pretrain: --out \/dev\/null\/x cannot be written \(\w+\); nothing was run$/, 2],
      [['finetune', '--scratch', '--out', '/dev/null/x'], /^tsgrad finetune: --out \/dev\/null\/x cannot be written \(\w+\); nothing was run$/, 2],
      [['frobnicate'], /^tsgrad: unknown command 'frobnicate'/, 2],
    ];
    writeFileSync(join(dir, 'empty.jsonl'), '');
    cases.push([['finetune', '--data', join(dir, 'empty.jsonl'), '--scratch'], /^tsgrad finetune: .*(no examples|empty)/, 1]);
    writeFileSync(join(dir, 'fields.jsonl'), '{"sentence": "hi", "y": 1}\n');
    cases.push([['finetune', '--data', join(dir, 'fields.jsonl'), '--scratch'], /^tsgrad finetune: .*text/, 1]);
    writeFileSync(join(dir, 'corrupt.safetensors'), 'garbage');
    cases.push([['finetune', '--from', join(dir, 'corrupt.safetensors')], /^tsgrad finetune: .*corrupt\.safetensors is not a readable checkpoint/, 1]);
    // an earlier run's folder is refused without --force or --resume
    writeFileSync(join(dir, 'held.txt'), 'x');
    cases.push([['pretrain', '--out', dir, '--preset', 'tiny'], /^tsgrad pretrain: --out .* already holds .*; pass --force to overwrite it or --resume CKPT to continue it$/, 2]);
    // a stray label in a 0/1 file is an error naming it, not a third class
    writeFileSync(join(dir, 'stray.jsonl'), Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `t ${i}`, label: i === 7 ? 7 : i % 2 })).join('\n'));
    cases.push([['finetune', '--data', join(dir, 'stray.jsonl'), '--scratch'], /^tsgrad finetune: example 7 has label 7: integer labels must be consecutive and not negative/, 1]);
    writeFileSync(join(dir, 'negative.jsonl'), Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `t ${i}`, label: i === 3 ? -1 : i % 2 })).join('\n'));
    cases.push([['finetune', '--data', join(dir, 'negative.jsonl'), '--scratch'], /^tsgrad finetune: example 3 has label -1/, 1]);
    for (const [args, pattern, status] of cases) {
      const r = tsgrad(...args);
      expect(r.status, args.join(' ')).toBe(status);
      const err = r.stderr.trim();
      expect(err.split('\n'), args.join(' ')).toHaveLength(1);
      expect(err, args.join(' ')).toMatch(pattern);
      expect(err).not.toMatch(/\s+at .*\(.*:\d+:\d+\)/);
    }
  });

  test('a language model: evaluate scores a whole text file or a JSONL file\'s texts; generate checks --top-p', () => {
    const dir = tmp();
    const r = tsgrad('pretrain', '--preset', 'tiny', '--vocab', '300', '--steps', '6', '--batch-size', '4', '--out', join(dir, 'lm'));
    expect(r.status, r.stderr).toBe(0);
    const ck = join(dir, 'lm', 'checkpoint.safetensors');
    const text = Array.from({ length: 40 }, (_, i) => `Paragraph ${i}: the union is strong and the people are free.`).join('\n\n');
    writeFileSync(join(dir, 'text.txt'), text);
    writeFileSync(join(dir, 'text.jsonl'), text.split('\n\n').map((t) => JSON.stringify({ text: t })).join('\n'));
    const a = tsgrad('evaluate', '--from', ck, '--data', join(dir, 'text.txt'));
    const b = tsgrad('evaluate', '--from', ck, '--data', join(dir, 'text.jsonl'));
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    // every window of the file, not a held-out tail: ~40 x 15 tokens in windows of 32
    expect(JSON.parse(a.stdout).tokens).toBeGreaterThan(400);
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout)); // the same texts, the same score
    const g = tsgrad('generate', '--from', ck, '--top-p', '7');
    expect(g.status).toBe(2);
    expect(g.stderr.trim()).toBe("tsgrad generate: --top-p must be in (0, 1] (the probability mass sampled from), got '7'");
  });

  test('Ctrl-C (SIGINT) prints one line naming the last checkpoint and its step', async () => {
    const dir = tmp();
    const ck = join(dir, 'run', 'checkpoint.safetensors');
    const child = spawn(process.execPath, [CLI, 'pretrain', '--preset', 'tiny', '--vocab', '300', '--steps', '400', '--batch-size', '4', '--checkpoint-every', '2', '--out', join(dir, 'run')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setInterval(() => {
        if (existsSync(ck)) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 5);
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(130);
    const line = stderr.trim().split('\n').at(-1)!;
    expect(line).toMatch(new RegExp(`^tsgrad pretrain: interrupted \\(SIGINT\\); the last checkpoint is .*checkpoint\\.safetensors \\(step \\d+\\); continue with --resume `));
  });

  test('a pretraining run killed after a checkpoint resumes to the same weights as an uninterrupted run', async () => {
    const dir = tmp();
    const args = ['pretrain', '--preset', 'tiny', '--vocab', '300', '--steps', '24', '--batch-size', '4', '--checkpoint-every', '4', '--seed', '3'];
    const full = tsgrad(...args, '--out', join(dir, 'full'));
    expect(full.status, full.stderr).toBe(0);
    const ck = join(dir, 'killed', 'checkpoint.safetensors');
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args, '--out', join(dir, 'killed')], { stdio: 'ignore' });
      const timer = setInterval(() => {
        if (existsSync(ck)) {
          child.kill('SIGKILL');
          clearInterval(timer);
        }
      }, 5);
      child.on('exit', (code, signal) => (signal === 'SIGKILL' || code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
    const resumed = tsgrad(...args, '--out', join(dir, 'killed'), '--resume', ck);
    expect(resumed.status, resumed.stderr).toBe(0);
    const a = await loadSafetensorsFile(join(dir, 'full', 'checkpoint.safetensors'));
    const b = await loadSafetensorsFile(ck);
    expect(JSON.parse(b.metadata['trainer']!).step).toBe(24);
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
    for (const k of Object.keys(a.tensors)) expect(Array.from(b.tensors[k]!.dataSync()), k).toEqual(Array.from(a.tensors[k]!.dataSync()));
  });
});
