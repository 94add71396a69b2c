// Runs every `@example` in the packages' JSDoc with all public exports in scope and checks its
// `expr; // value` lines (test/docs/lib/values.ts has the notation). Each runs in a fresh temp
// directory after manualSeed(0). Examples that cannot run here are listed below with the reason.

import { describe, expect, test } from 'vitest';
import { sourceExamples } from './lib/extract.js';
import { runInTemp } from './lib/run.js';

/** Examples that are not run, by id (`file#Owner`), each with the reason. */
const NOT_RUN: Record<string, string> = {
};

const examples = sourceExamples();

describe('@example blocks', () => {
  test('are found, and every listed exception names an existing example', () => {
    expect(examples.length).toBeGreaterThan(250);
    const ids = new Set(examples.map((e) => e.id));
    expect(Object.keys(NOT_RUN).filter((id) => !ids.has(id))).toEqual([]);
    expect(ids.size).toBe(examples.length);
  });

  for (const ex of examples) {
    const reason = NOT_RUN[ex.id];
    if (reason !== undefined) test.skip(`${ex.id} (not run: ${reason})`, () => {});
    else test(ex.id, async () => void (await runInTemp(ex, ex.file)));
  }
});
