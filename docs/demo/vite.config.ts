// Vite config of the browser demo: the tsgrad packages resolve to their TypeScript sources (ESM), so
// the demo always runs the code in the tree. `pnpm demo` serves it; `pnpm demo:build` writes dist/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sentimentData } from './sentiment-data.js';

const pkg = (p: string) => fileURLToPath(new URL(`../../packages/${p}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [sentimentData()],
  resolve: {
    alias: [
      { find: /^@tsgrad\/core$/, replacement: pkg('core/src/index.ts') },
      { find: /^@tsgrad\/nn$/, replacement: pkg('nn/src/index.ts') },
      { find: /^@tsgrad\/train\/browser$/, replacement: pkg('train/src/browser.ts') },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { host: '127.0.0.1' },
});
