// The packages as a user installs them: packed as pnpm publishes them (workspace: ranges become
// the versions; done here by copying each package and packing it with npm, so nothing downloads),
// installed offline with npm from the tarballs into an empty project, then used from an ES module,
// from CommonJS (a clear error: the packages are ES modules) and from TypeScript with no ambient
// types (`types: []`). The install must run no scripts and stay small.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tsgrad-packed-'));
const packs = join(dir, 'packs');
const project = join(dir, 'project');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });

function sizeOf(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

/** npm-packs a copy of packages/NAME whose workspace: ranges are the exact versions, as pnpm pack writes them. */
function pack(name: string): void {
  const src = join(ROOT, 'packages', name);
  const copy = join(dir, 'src', name);
  const pkg = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')) as { files: string[]; dependencies?: Record<string, string> };
  mkdirSync(copy, { recursive: true });
  for (const f of pkg.files) cpSync(join(src, f), join(copy, f), { recursive: true });
  for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
    if (range.startsWith('workspace:')) pkg.dependencies![dep] = JSON.parse(readFileSync(join(ROOT, 'packages', dep.replace('@tsgrad/', ''), 'package.json'), 'utf8')).version;
  }
  writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['pack', '--pack-destination', packs, '--silent'], copy);
}

beforeAll(() => {
  mkdirSync(packs, { recursive: true });
  for (const name of ['core', 'nn', 'train']) pack(name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
}, 240_000);

describe('the packed packages, installed with npm from their tarballs', () => {
  test('core + nn: no install scripts, at most 5 MB; all three at most 40 MB', () => {
    const tgz = (name: string) => join(packs, readdirSync(packs).find((f) => f.startsWith(`tsgrad-${name}-`))!);
    const npm = (names: string[]) => run('npm', ['install', '--offline', '--ignore-scripts=false', '--no-audit', '--no-fund', ...names.map(tgz)], project);
    const out = npm(['core', 'nn']);
    expect(out).not.toMatch(/node-gyp|install script/i);
    const coreNn = sizeOf(join(project, 'node_modules'));
    expect(readdirSync(join(project, 'node_modules')).filter((f) => !f.startsWith('.'))).toEqual(['@tsgrad']); // nothing else is pulled in
    expect(coreNn).toBeLessThanOrEqual(5 * 2 ** 20);
    npm(['core', 'nn', 'train']);
    const all = sizeOf(join(project, 'node_modules'));
    expect(all).toBeLessThanOrEqual(40 * 2 ** 20);
    console.log(`node_modules: core + nn ${(coreNn / 2 ** 20).toFixed(1)} MiB; all three ${(all / 2 ** 20).toFixed(1)} MiB`);
  });

  test('an ES module uses all three', () => {
    writeFileSync(join(project, 'main.mjs'), [
      "import { tensor } from '@tsgrad/core';",
      "import { Linear } from '@tsgrad/nn';",
      "import { CharTokenizer } from '@tsgrad/train';",
      'const y = new Linear(2, 1).forward(tensor([[1, 2]]));',
      "console.log(JSON.stringify({ shape: y.shape, vocab: CharTokenizer.fromText('abc').vocabSize }));",
    ].join('\n'));
    expect(JSON.parse(run(process.execPath, ['main.mjs'], project))).toEqual({ shape: [1, 1], vocab: 3 });
  });

  test('CommonJS require gets a clear error that says how to import', () => {
    writeFileSync(join(project, 'main.cjs'), "require('@tsgrad/core');\n");
    const r = spawnSync(process.execPath, ['main.cjs'], { cwd: project, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/@tsgrad\/core is an ES module: use `import \.\.\. from '@tsgrad\/core'`, or from CommonJS `const tsgrad = await import\('@tsgrad\/core'\)`/);
  });

  test('TypeScript with no ambient types (types: []) type-checks against the published .d.ts', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: [], skipLibCheck: false, lib: ['es2022', 'dom'] }, files: ['use.ts'] }));
    writeFileSync(join(project, 'use.ts'), [
      "import { randn, type Tensor } from '@tsgrad/core';",
      "import { GPT } from '@tsgrad/nn';",
      "import { AdamW, Progress } from '@tsgrad/train';",
      'const x: Tensor = randn(2, 3);',
      'const m = new GPT({ vocabSize: 8, blockSize: 4, nLayer: 1, nHead: 1, nEmbd: 4 });',
      'new AdamW(m.namedParameters(), { lr: 1e-3 });',
      "new Progress(1, 'none');",
      'export const shape: readonly number[] = x.shape;',
    ].join('\n'));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
