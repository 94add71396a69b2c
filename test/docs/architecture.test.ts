// docs/architecture.md stays true: every path it names exists, and every source folder of the
// packages is named in it. A backticked name is a path when it has a slash or a file extension;
// it is relative to the repository root when it starts with a top-level folder; otherwise a file
// is relative to the last folder named earlier in its list item, and a folder (or a file with no
// such folder) to the folder of the nearest heading that names one.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './lib/extract.js';

const DOC = 'docs/architecture.md';
const TOP = /^(packages|docs|bench|test|\.ci)(\/|$)/;
const PATHLIKE = /^[\w.-]+(\/[\w.-]+)*\/?$/;
const FILE = /\.(ts|mjs|cjs|js|json|md)$/;

/** The paths the document names, resolved from the repository root, with their line numbers. */
function namedPaths(markdown: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  let base = '';
  let itemBase: string | undefined;
  let fence = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) fence = !fence;
    if (fence) return;
    const heading = /^#{2,}\s/.test(text);
    if (heading || text.trim() === '' || /^\s*-\s/.test(text)) itemBase = undefined;
    const tokens = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((t) => PATHLIKE.test(t) && (t.includes('/') || FILE.test(t)));
    tokens.forEach((t, k) => {
      const folder = t.endsWith('/') || !FILE.test(t);
      const path = (TOP.test(t) ? t : `${folder ? base : itemBase ?? base}${t}`).replace(/\/$/, '');
      out.push({ path, line: i + 1 });
      if (heading && k === 0 && folder) base = `${path}/`;
      else if (folder) itemBase = `${path}/`;
    });
  });
  return out;
}

/** `rel` and every folder under it, relative to the root. */
function folders(rel: string): string[] {
  const out = [rel];
  for (const name of readdirSync(join(ROOT, rel))) {
    if (statSync(join(ROOT, rel, name)).isDirectory()) out.push(...folders(`${rel}/${name}`));
  }
  return out;
}

describe('docs/architecture.md', () => {
  const markdown = readFileSync(join(ROOT, DOC), 'utf8');
  const named = namedPaths(markdown);

  test('names paths, and every one exists', () => {
    expect(named.length).toBeGreaterThan(60);
    const missing = named.filter((n) => !existsSync(join(ROOT, n.path))).map((n) => `${DOC}:${n.line}: ${n.path}`);
    expect(missing).toEqual([]);
  });

  test('names every source folder of the packages', () => {
    const mentioned = new Set(named.map((n) => n.path));
    const all = ['core', 'nn', 'train'].flatMap((p) => folders(`packages/${p}/src`));
    expect(all.filter((f) => !mentioned.has(f))).toEqual([]);
  });

  test('a name that is not there is reported', () => {
    const paths = namedPaths('## `packages/core/src/`\n- `tensor.ts` and `no-such-file.ts`\n- `ops/`: `define.ts`\n- `shape.ts`').map((n) => n.path);
    expect(paths).toEqual(['packages/core/src', 'packages/core/src/tensor.ts', 'packages/core/src/no-such-file.ts', 'packages/core/src/ops', 'packages/core/src/ops/define.ts', 'packages/core/src/shape.ts']);
    expect(paths.filter((p) => !existsSync(join(ROOT, p)))).toEqual(['packages/core/src/no-such-file.ts']);
  });
});
