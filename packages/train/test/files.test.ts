// User data files: JSONL, CSV and plain text, and the errors bad files give (file, line, what was expected).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ValueError } from '@tsgrad/core';
import { DataError, labelsToIds, loadCsv, loadJsonl, loadText, parseCsv } from '@tsgrad/train';

let dir = '';
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'tsgrad-data-')); });

describe('JSONL', () => {
  test('reads text and label, skipping blank lines', () => {
    const p = file('ok.jsonl', '{"text": "good", "label": 1}\n\n{"text": "bad", "label": 0, "extra": true}\r\n');
    expect(loadJsonl(p)).toEqual([{ text: 'good', label: 1 }, { text: 'bad', label: 0 }]);
    expect(loadJsonl(file('named.jsonl', '{"review": "x", "stars": "5"}'), { textField: 'review', labelField: 'stars' })).toEqual([{ text: 'x', label: '5' }]);
  });

  test('errors name the file, the line and what was expected', () => {
    const bad = file('bad.jsonl', '{"text": "a", "label": 1}\n{"text": "b", "label": }\n');
    expect(() => loadJsonl(bad)).toThrow(DataError);
    expect(() => loadJsonl(bad)).toThrow(/^loadJsonl: /);
    expect(() => loadJsonl(bad)).toThrow(`${bad}:2: malformed JSON`);
    const missing = file('missing.jsonl', '{"text": "a", "label": 1}\n{"text": "b"}\n');
    expect(() => loadJsonl(missing)).toThrow(`${missing}:2: field "label" must be a string or a number; it is missing`);
    const noText = file('notext.jsonl', '{"label": 1}\n');
    expect(() => loadJsonl(noText)).toThrow(`${noText}:1: field "text" must be a string; it is missing`);
    expect(() => loadJsonl(file('array.jsonl', '[1, 2]\n'))).toThrow(/:1: expected a JSON object with "text" and "label", got an array/);
    expect(() => loadJsonl(file('empty.jsonl', '\n\n'))).toThrow(/no examples/);
    expect(() => loadJsonl(join(dir, 'nope.jsonl'))).toThrow(`${join(dir, 'nope.jsonl')}: no such file`);
    expect(() => loadJsonl(dir)).toThrow(/is a directory/);
    try { loadJsonl(bad); } catch (e) {
      expect(e).toBeInstanceOf(ValueError);
      expect((e as DataError).line).toBe(2);
      expect((e as DataError).source).toBe(bad);
    }
  });
});

describe('CSV', () => {
  test('quoted fields hold commas, doubled quotes and newlines; CRLF rows', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",3\n')).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['two\nlines', '3']]);
    expect(parseCsv('a,,c\n\n""\n')).toEqual([['a', '', 'c'], ['']]); // an empty field; a blank line is skipped; "" is a field
    expect(parseCsv('a;b\n1;2', { delimiter: ';' })).toEqual([['a', 'b'], ['1', '2']]);
    const p = file('ok.csv', '\uFEFFid,text,label\n1,"great, really",pos\n2,"multi\nline",neg\n');
    expect(loadCsv(p)).toEqual([{ text: 'great, really', label: 'pos' }, { text: 'multi\nline', label: 'neg' }]);
  });

  test('errors give the line a bad row starts on', () => {
    const p = file('bad.csv', 'text,label\n"spans\ntwo lines",1\nno label here\n');
    expect(() => loadCsv(p)).toThrow(`${p}:4: expected 2 fields like the header, got 1`);
    const q = file('open.csv', 'text,label\n"never closed,1\n');
    expect(() => loadCsv(q)).toThrow(`${q}:2: unterminated quoted field`);
    expect(() => parseCsv('x\n"a"b,c')).toThrow('parseCsv: line 2: unexpected "b" after a closing quote');
    expect(() => loadCsv(file('cols.csv', 'body,y\nx,1\n'))).toThrow(/no column "text" in the header \[body, y\]/);
    expect(() => loadCsv(file('head.csv', 'text,label\n'))).toThrow(/no examples \(only a header\)/);
  });
});

test('plain text, and labels to class ids', () => {
  expect(loadText(file('corpus.txt', 'one\ntwo\n'))).toBe('one\ntwo\n');
  expect(() => loadText(file('void.txt', ''))).toThrow(/the file is empty/);
  // CSV gives strings: whole numbers are ordered numerically, so '10' comes after '9'.
  const stars = Array.from({ length: 10 }, (_, i) => ({ text: `r${i}`, label: String(10 - i) }));
  const { examples, classNames } = labelsToIds([...stars, { text: 'c', label: 2 }]);
  expect(classNames).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  expect(examples.map((x) => x.label)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1]);
  // integer labels with a gap, a negative one, or starting above 1 are mistakes, named with their example
  expect(() => labelsToIds([{ text: 'a', label: 0 }, { text: 'b', label: 1 }, { text: 'c', label: 7 }])).toThrow(/example 2 has label 7: integer labels must be consecutive and not negative .*\[0, 1, 7\]/);
  expect(() => labelsToIds([{ text: 'a', label: -1 }, { text: 'b', label: 1 }])).toThrow(/example 0 has label -1/);
  expect(() => labelsToIds([{ text: 'a', label: '10' }, { text: 'b', label: '2' }])).toThrow(/must start at 0 or 1, found \[2, 10\]/);
  expect(labelsToIds([{ text: 'a', label: 'pos' }, { text: 'b', label: 'neg' }]).examples.map((x) => x.label)).toEqual([1, 0]);
  expect(() => labelsToIds([{ text: 'a', label: 'meh' }], ['neg', 'pos'])).toThrow(/label "meh", which is not one of \[neg, pos\]/);
});
