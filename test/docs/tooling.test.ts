// The documentation builds: typedoc converts and validates the three packages and the guides with
// zero warnings (treatWarningsAsErrors, validation of not-exported types, links and undocumented
// symbols), and the demo and these tests type-check (docs/tsconfig.json, which `tsc -b` does not
// cover). `pnpm run docs` writes the site; here nothing is emitted.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './lib/extract.js';

/** Runs a Node script of an installed package; resolves to its exit code and output. */
function node(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('documentation tooling', () => {
  test('typedoc: all packages and guides, zero warnings', async () => {
    const { code, output } = await node('node_modules/typedoc/bin/typedoc', ['--options', 'docs/typedoc.json', '--emit', 'none']);
    const problems = output.split('\n').filter((l) => /\[(warning|error)\]/.test(l));
    expect(problems).toEqual([]);
    expect(code).toBe(0);
  }, 180_000);

  test('the demo and the documentation tests type-check', async () => {
    const { code, output } = await node('node_modules/typescript/bin/tsc', ['-p', 'docs/tsconfig.json']);
    expect(output.trim()).toBe('');
    expect(code).toBe(0);
  }, 180_000);
});
