// tsgrad translate train|eval|translate, run as a user would, on a TSV of toy pairs: a trained
// checkpoint scores and translates, --resume continues a run, every subcommand has --help, and bad
// input gets one clear line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tsgrad = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
const tmp = () => mkdtempSync(join(tmpdir(), 'tsgrad-translate-'));

describe('tsgrad translate', () => {
  test('train on a TSV, then eval and translate with the checkpoint', () => {
    const dir = tmp();
    const tsv = join(dir, 'pairs.tsv');
    const [en, es] = [['one', 'two', 'three', 'four'], ['uno', 'dos', 'tres', 'cuatro']];
    writeFileSync(tsv, Array.from({ length: 80 }, (_, i) => `${en[i % 4]} and ${en[(i >> 2) % 4]}\t${es[i % 4]} y ${es[(i >> 2) % 4]}`).join('\n'));
    const out = join(dir, 'mt');
    const r = tsgrad('translate', 'train', '--data', tsv, '--preset', 'tiny', '--vocab', '300', '--steps', '3', '--batch-size', '8', '--beam', '2', '--baseline', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(res).toMatchObject({ task: 'translate', trainPairs: 72, steps: 3, checkpoint: join(out, 'model.safetensors') });
    for (const k of ['validation', 'test']) expect(res[k].bleu).toBeGreaterThanOrEqual(0), expect(res[k].chrf).toBeGreaterThanOrEqual(0);
    expect(res.dictionaryBaseline.test.bleu).toBeGreaterThanOrEqual(0);
    const ev = tsgrad('translate', 'eval', '--from', res.checkpoint, '--data', tsv, '--split', 'validation', '--beam', '1');
    expect(ev.status, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ task: 'translate', split: 'validation', pairs: 4 });
    const tr = tsgrad('translate', 'translate', '--from', res.checkpoint, '--text', 'two and four');
    expect(tr.status, tr.stderr).toBe(0);
    expect(tr.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const again = tsgrad('translate', 'train', '--data', tsv, '--preset', 'tiny', '--steps', '1', '--out', out);
    expect(again.status).not.toBe(0); // an earlier run's folder is not overwritten without --force
    // the resumable checkpoint continues the run (here at its last step: nothing left to train)
    const resumed = tsgrad('translate', 'train', '--data', tsv, '--preset', 'tiny', '--vocab', '300', '--steps', '3', '--batch-size', '8', '--beam', '2', '--out', out, '--resume', join(out, 'checkpoint.safetensors'));
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').at(-1)!)).toMatchObject({ steps: 3, validation: res.validation, test: res.test });
  });

  test('every subcommand has --help; bad input gets one line naming the problem', () => {
    for (const sub of ['train', 'eval', 'translate']) {
      const h = tsgrad('translate', sub, '--help');
      expect(h.status).toBe(0);
      expect(h.stdout).toMatch(new RegExp(`^tsgrad translate ${sub}: `));
    }
    expect(tsgrad('translate', '--help').stdout).toMatch(/subcommands:[\s\S]*translate train[\s\S]*translate eval[\s\S]*translate translate/);
    const cases: [string[], RegExp][] = [
      [['translate', 'train', '--data', 'x.tsv'], /--out/],
      [['translate', 'train', '--label-smoothing', '1', '--out', join(tmp(), 'o')], /--label-smoothing must be in \[0, 1\), got 1/],
      [['translate', 'translate', '--from', 'x', '--text', 'a', '--file', 'b'], /exactly one of --text TEXT and --file FILE/],
      [['translate', 'fly'], /unknown subcommand 'fly'/],
      [['translate', 'train', '--data', join(tmp(), 'missing.tsv'), '--out', join(tmp(), 'o')], /missing\.tsv/],
    ];
    for (const [args, msg] of cases) {
      const r = tsgrad(...args);
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(msg);
    }
    const notMt = join(tmp(), 'x.safetensors');
    writeFileSync(notMt, 'junk');
    expect(tsgrad('translate', 'eval', '--from', notMt).stderr).toMatch(/x\.safetensors/);
  });
});
