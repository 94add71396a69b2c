// Runs a snippet the way the doc tests do: in a fresh temp directory (so files it writes land
// there), with the default generator seeded to 0, every public export in scope and, for an
// `@example`, the exports of its own source file too (so an internal helper's example can run).
// A GPU backend the snippet started is shut down afterwards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './extract.js';
import { docScope } from './scope.js';
import { runSnippet, type RunResult, type Snippet } from './snippet.js';

const scope = docScope();
const core = scope.packages['@tsgrad/core'] as { manualSeed(n: number): void; hasBackend(d: string): boolean; shutdownBackend(): Promise<void> };

/**
 * Runs `s` (or several snippets in order, each in its own scope) in one temp directory that is
 * removed afterwards; `ownFile` adds that module's exports to the scope.
 */
export async function runInTemp(s: Snippet | readonly Snippet[], ownFile?: string): Promise<RunResult> {
  const local = ownFile ? ((await import(/* @vite-ignore */ join(ROOT, ownFile))) as Record<string, unknown>) : {};
  const dir = mkdtempSync(join(tmpdir(), 'tsgrad-doc-'));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    core.manualSeed(0);
    const result: RunResult = { checks: 0, logs: [] };
    for (const one of Array.isArray(s) ? s : [s as Snippet]) {
      const r = await runSnippet(one, { ...scope, names: { ...local, ...scope.names } });
      result.checks += r.checks;
      result.logs.push(...r.logs);
    }
    return result;
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    if (core.hasBackend('gpu')) await core.shutdownBackend();
  }
}
