// tsgrad qa train|eval|ask as a user runs it: help, a short training run that writes a checkpoint,
// scoring and asking with it, and one-line errors for bad input.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tsgrad = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });

test('qa: help lists the subcommands; train, eval and ask work on one checkpoint; bad input is one line', () => {
  const help = tsgrad('qa', '--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/qa train .*\n.*qa eval .*\n.*qa ask /);
  expect(tsgrad('qa', 'train', '--help').stdout).toMatch(/--eval-stories N/);
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-qa-'));
  const out = join(dir, 'run');
  const r = tsgrad('qa', 'train', '--scratch', '--preset', 'tiny', '--vocab', '300', '--stories', '30', '--eval-stories', '5', '--steps', '3', '--out', out);
  expect(r.status, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout.trim());
  expect(j).toMatchObject({ task: 'qa', init: 'scratch', steps: 3 });
  expect(Object.keys(j.baselines)).toEqual(['first-of-type', 'last-of-type', 'window-overlap']);
  for (const k of ['exactMatch', 'f1']) expect(j.test[k]).toBeGreaterThanOrEqual(0);
  const ck = join(out, 'model.safetensors');
  const ev = tsgrad('qa', 'eval', '--from', ck, '--stories', '30', '--eval-stories', '5');
  expect(ev.status, ev.stderr).toBe(0);
  // the same test split as training scored: the same numbers
  expect(JSON.parse(ev.stdout.trim())).toEqual({ task: 'qa', questions: j.testQuestions, exactMatch: j.test.exactMatch, f1: j.test.f1 });
  const file = join(dir, 'q.jsonl');
  writeFileSync(file, `${JSON.stringify({ context: 'Mary went to the kitchen.', question: 'Where is Mary?', answers: ['kitchen'] })}\n`);
  const evf = tsgrad('qa', 'eval', '--from', ck, '--data', file);
  expect(JSON.parse(evf.stdout.trim()).questions).toBe(1);
  const ask = tsgrad('qa', 'ask', '--from', ck, '--context', 'Mary went to the kitchen.', '--question', 'Where is Mary?');
  expect(ask.status, ask.stderr).toBe(0);
  expect('Mary went to the kitchen.').toContain(ask.stdout.trim());
  writeFileSync(join(dir, 'bad.jsonl'), '{"context": "x"}\n');
  const cases: Array<[string[], RegExp, number]> = [
    [['qa'], /subcommands:/, 2],
    [['qa', 'fly'], /^tsgrad qa: unknown subcommand 'fly' \(qa train, qa eval, qa ask\)\n$/, 2],
    [['qa', 'train'], /^tsgrad qa train: give --from CKPT \(a masked-LM checkpoint\) or --scratch\n$/, 2],
    [['qa', 'train', '--scratch', '--steps', '0'], /^tsgrad qa train: --steps must be an integer >= 1, got '0'\n$/, 2],
    [['qa', 'ask', '--from', ck, '--question', 'Who?'], /^tsgrad qa ask: --context \(the text to answer from\) is required\n$/, 2],
    [['qa', 'eval', '--from', ck, '--data', join(dir, 'bad.jsonl')], /bad\.jsonl:1: expected \{"context": string, "question": string, "answers": \[string, \.\.\.\]\}\n$/, 1],
    [['qa', 'eval', '--from', ck, '--labels', '3'], /^tsgrad qa eval: Unknown option '--labels'/, 2],
  ];
  for (const [args, re, code] of cases) {
    const c = tsgrad(...args);
    expect(`${c.stdout}${c.stderr}`, args.join(' ')).toMatch(re);
    expect(c.status, args.join(' ')).toBe(code);
  }
});
