// One vitest run for the whole monorepo. Packages resolve to their TypeScript sources, so tests
// need no build step and always test the code in the tree.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`../packages/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tsgrad\/core\/testing\/conformance$/, replacement: src('core/src/testing/conformance.ts') },
      { find: /^@tsgrad\/core\/testing\/arbitraries$/, replacement: src('core/src/testing/arbitraries.ts') },
      { find: /^@tsgrad\/core\/testing$/, replacement: src('core/src/testing/index.ts') },
      { find: /^@tsgrad\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@tsgrad\/nn$/, replacement: src('nn/src/index.ts') },
      { find: /^@tsgrad\/train\/browser$/, replacement: src('train/src/browser.ts') },
      { find: /^@tsgrad\/train$/, replacement: src('train/src/index.ts') },
    ],
  },
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
