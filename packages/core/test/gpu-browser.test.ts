// The conformance suite in headless Chromium (playwright-core), through a small page that vite
// serves from the sources: gpu.js webgl2 and webgpu modes, both on Chromium's SwiftShader.
// Without Chromium it skips with the reason (TSGRAD_REQUIRE_GPU=1 makes that a failure).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { reportUnavailable } from './gpu-webgpu-setup.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const FLAGS = ['--no-sandbox', '--disable-background-networking', '--headless', '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

const PAGE = `
import { gpuStats, setBackend, shutdownBackend, synchronize } from '/packages/core/src/index.ts';
import { runConformance } from '/packages/core/src/testing/conformance.ts';
window.runSuite = async (mode) => {
  await setBackend('gpu', { mode });
  const live = async () => { await synchronize(); return gpuStats().liveBuffers; };
  try {
    return await runConformance({ device: 'gpu', numRuns: 2, liveBuffers: live });
  } finally {
    await shutdownBackend();
  }
};
window.suiteReady = true;
`;
const HTML = '<!doctype html><script>window.onerror = (m) => { window.suiteError = String(m); };</script>'
  + '<script type="module" src="/@conformance-page.js" onerror="window.suiteError = \'the page module failed to load\'"></script>';

let server: ViteDevServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;

if (!CHROMIUM) reportUnavailable('browser conformance', 'no Chromium found (set CHROMIUM_PATH or install chromium)');
else {
  beforeAll(async () => {
    const { createServer } = await import('vite');
    server = await createServer({
      root: ROOT, configFile: false, logLevel: 'error', cacheDir: join(tmpdir(), 'tsgrad-gpu-browser-vite'),
      server: { host: '127.0.0.1', port: 0 },
      plugins: [{
        name: 'conformance-page',
        configureServer: (s) => void s.middlewares.use((req, res, next) => (req.url === '/' ? res.setHeader('content-type', 'text/html').end(HTML) : next())),
        resolveId: (id) => (id === '/@conformance-page.js' ? '\0conformance-page.js' : null),
        load: (id) => (id === '\0conformance-page.js' ? PAGE : null),
      }],
    });
    await server.listen();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage();
    await page.goto(server.resolvedUrls!.local[0]!);
    await page.waitForFunction(() => (window as { suiteReady?: boolean; suiteError?: string }).suiteReady || (window as { suiteError?: string }).suiteError, null, { timeout: 120_000 });
    const error = await page.evaluate(() => (window as { suiteError?: string }).suiteError);
    if (error) throw new Error(`conformance page: ${error}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const mode of ['webgl2', 'webgpu'] as const) {
    test(`conformance suite in headless Chromium, gpu.js ${mode} (SwiftShader)`, async () => {
      const failures = await page!.evaluate((m) => (window as unknown as { runSuite(m: string): Promise<unknown[]> }).runSuite(m), mode);
      expect(failures).toEqual([]);
    }, 600_000);
  }
}
