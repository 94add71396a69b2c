// The tokenizers and the browser-safe data helpers must not import Node built-ins; only data/node* may.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));
const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

test('tokenizers/ and data/ (but data/node*) import no Node built-in and nothing Node-only', () => {
  const files = [...walk(join(src, 'tokenizers')), ...walk(join(src, 'data'))].filter((f) => f.endsWith('.ts'));
  const browser = files.filter((f) => !relative(src, f).startsWith(join('data', 'node')));
  expect(browser.length).toBeGreaterThan(10);
  for (const f of browser) {
    const imports = [...readFileSync(f, 'utf8').matchAll(/(?:import|export)[^'"]*from\s*'([^']+)'/g)].map((m) => m[1]!);
    for (const spec of imports) {
      expect(spec, `${relative(src, f)} imports ${spec}`).not.toMatch(/^node:|^(fs|path|os|module|url)$/);
      expect(spec, `${relative(src, f)} imports ${spec}`).not.toMatch(/\/node(\.js|\/)/);
    }
  }
  const nodeOnly = files.filter((f) => relative(src, f).startsWith(join('data', 'node')));
  expect(nodeOnly.some((f) => readFileSync(f, 'utf8').includes("from 'node:fs'"))).toBe(true);
});
