// tsgrad explain as a user runs it on a fine-tuned classifier: the table, JSON whose attributions
// sum to the logit difference, the HTML file, and one-line errors.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const tsgrad = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });

test('explain: table, JSON, HTML and errors on a fine-tuned checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-explain-'));
  const data = join(dir, 'data.jsonl');
  writeFileSync(data, Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: i % 2 ? `great lovely film ${i}` : `awful boring mess ${i}`, label: i % 2 ? 'pos' : 'neg' })).join('\n'));
  const ft = tsgrad('finetune', '--data', data, '--scratch', '--preset', 'tiny', '--vocab', '300', '--steps', '5', '--out', join(dir, 'ft'));
  expect(ft.status, ft.stderr).toBe(0);
  const ck = join(dir, 'ft', 'model.safetensors');
  const table = tsgrad('explain', '--from', ck, '--text', 'a lovely film');
  expect(table.status, table.stderr).toBe(0);
  expect(table.stdout).toMatch(/^predicted: (pos|neg) \(p = 0\.\d{3}\); explaining: (pos|neg)\n/);
  expect(table.stdout).toMatch(/"<bos>" +-?\d+\.\d{4} +\d\.\d{4}\n/);
  const html = join(dir, 'e.html');
  const j = tsgrad('explain', '--from', ck, '--text', 'a lovely film', '--target', 'neg', '--json', '--steps', '256', '--out', html);
  expect(j.status, j.stderr).toBe(0);
  const e = JSON.parse(j.stdout.trim());
  expect(e.target).toBe('neg');
  expect(e.tokens.map((t: { token: string }) => t.token).join('')).toBe('<bos>a lovely film');
  const sum = e.tokens.reduce((s: number, t: { ig: number }) => s + t.ig, 0);
  expect(Math.abs(sum - (e.logit - e.baselineLogit))).toBeLessThanOrEqual(e.completenessError * Math.abs(e.logit - e.baselineLogit) + 1e-6);
  expect(readFileSync(html, 'utf8')).toMatch(/<span title="IG -?\d/);
  const cases: Array<[string[], RegExp, number]> = [
    [['explain', '--text', 'x'], /^tsgrad explain: --from \(a fine-tuned classifier checkpoint\) is required\n$/, 2],
    [['explain', '--from', ck, '--text', 'x', '--target', 'meh'], /^tsgrad explain: --target must be one of neg, pos \(or 0\.\.1\), got 'meh'\n$/, 2],
    [['explain', '--from', ck, '--text', 'x', '--baseline', 'noise'], /^tsgrad explain: --baseline must be one of zeros, pad, got 'noise'\n$/, 2],
    [['explain', '--from', ck, '--text', 'x', '--out', join(dir, 'e.svg')], /--out must name an \.html file/, 2],
    [['explain', '--from', ck, '--text', 'word '.repeat(60)], /^tsgrad explain: the text takes \d+ tokens, more than the model's 32/, 1],
  ];
  for (const [args, re, code] of cases) {
    const c = tsgrad(...args);
    expect(c.stderr, args.join(' ')).toMatch(re);
    expect(c.status, args.join(' ')).toBe(code);
  }
});
