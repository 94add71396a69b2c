// The browser demo (docs/demo) in headless Chromium, driven by playwright-core: it is built with
// Vite, served on localhost from this test, trains a character-level GPT for a few steps with the
// loss falling, draws the loss chart and the attention heatmap, generates text, trains the sentiment
// classifier and draws the explanation of a typed sentence, and loads nothing
// from anywhere but the local server. Screenshots go to test/artifacts/.
// Without Chromium the tests skip with the reason; TSGRAD_REQUIRE_BROWSER=1 makes that a failure.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import type { ClassifierState } from '../../docs/demo/src/explain-panel.js';
import { ROOT } from './lib/extract.js';

const CANDIDATES = process.env['CHROMIUM_PATH'] ? [process.env['CHROMIUM_PATH']] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const CHROMIUM = CANDIDATES.find((p) => existsSync(p));
const ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-gpu-sandbox'];
/** Lets headless Chromium offer WebGPU on SwiftShader (its software Vulkan). */
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const ARTIFACTS = join(ROOT, 'test/artifacts');
const DEMO = join(ROOT, 'docs/demo');

interface DemoState {
  phase: string;
  backend: string;
  notes: string[];
  losses: number[];
  heatmapCells: number;
  sample: string;
  error?: string;
  classifier: ClassifierState;
}

if (!CHROMIUM) {
  if (process.env['TSGRAD_REQUIRE_BROWSER'] === '1') {
    test('Chromium is installed (TSGRAD_REQUIRE_BROWSER=1)', () => {
      throw new Error(`no Chromium at ${CANDIDATES.join(' or ')} (set CHROMIUM_PATH), but TSGRAD_REQUIRE_BROWSER=1 requires the browser tests`);
    });
  } else {
    console.warn(`browser demo tests skipped: no Chromium at ${CANDIDATES.join(' or ')} (install chromium or set CHROMIUM_PATH)`);
    test.skip(`browser demo (skipped: no Chromium at ${CANDIDATES.join(' or ')}; install chromium or set CHROMIUM_PATH)`, () => {});
  }
} else {
  let outDir = '';
  let server: PreviewServer | undefined;
  let origin = '';
  const browsers: Browser[] = [];

  beforeAll(async () => {
    const { build, preview } = await import('vite');
    outDir = mkdtempSync(join(tmpdir(), 'tsgrad-demo-'));
    const configFile = join(DEMO, 'vite.config.ts');
    await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    server = await preview({ configFile, logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    origin = new URL(server.resolvedUrls!.local[0]!).origin;
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens the demo with `query`, recording every request and page error. */
  async function open(query: string, extraArgs: string[] = []): Promise<{ page: Page; requests: string[]; errors: string[] }> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, ...extraArgs] });
    browsers.push(browser);
    const page = await browser.newPage({ viewport: { width: 1100, height: 1100 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => void requests.push(r.url()));
    page.on('pageerror', (e) => void errors.push(e.message));
    await page.goto(`${origin}/?${query}`);
    return { page, requests, errors };
  }

  const demoState = (page: Page) => page.evaluate(() => (window as unknown as { tsgradDemo: DemoState }).tsgradDemo);
  const finished = (page: Page, timeout: number) =>
    page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { tsgradDemo?: DemoState }).tsgradDemo?.phase ?? ''), null, { timeout });

  /** Pixels of a canvas that are not (near) white: something was drawn. */
  const inkedPixels = (page: Page, id: string) => page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200)) n++;
    return n;
  }, id);

  describe('browser demo (headless Chromium)', () => {
    test('trains on the CPU backend with the loss falling, draws the chart and the heatmap, generates', async () => {
      const { page, requests, errors } = await open('backend=cpu&steps=60&autostart=1');
      await finished(page, 120_000);
      const s = await demoState(page);
      expect(s.error).toBeUndefined();
      expect(s.phase).toBe('done');
      expect(s.backend).toMatch(/^CPU/);
      expect(s.losses).toHaveLength(60);
      expect(s.losses[0]).toBeGreaterThan(3); // about ln(vocabulary size) at the start
      const last = s.losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
      expect(last).toBeLessThan(s.losses[0]! - 0.5);
      expect(s.heatmapCells).toBe(32 * 32); // the default text fills the 32-character context
      expect(await inkedPixels(page, 'loss-chart')).toBeGreaterThan(300);
      expect(await inkedPixels(page, 'heatmap')).toBeGreaterThan(10_000);
      await page.selectOption('#layer', '1');
      await page.selectOption('#head', '3');
      await page.waitForTimeout(50);
      expect(await inkedPixels(page, 'heatmap')).toBeGreaterThan(10_000);
      await page.click('#generate');
      await page.waitForFunction(() => (window as unknown as { tsgradDemo: DemoState }).tsgradDemo.sample.length > 0, null, { timeout: 60_000 });
      const sample = (await demoState(page)).sample;
      expect(sample.startsWith('Shall I ')).toBe(true);
      expect(sample.length).toBe('Shall I '.length + 200);
      await page.screenshot({ path: join(ARTIFACTS, 'demo-cpu.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    }, 180_000);

    test('trains on the GPU backend (WebGPU, else WebGL2, on SwiftShader) and matches the CPU loss', async () => {
      const { page, requests, errors } = await open('backend=auto&steps=3&autostart=1', WEBGPU_ARGS);
      await finished(page, 300_000);
      const s = await demoState(page);
      expect(s.error).toBeUndefined();
      expect(s.backend).toMatch(/^GPU \(gpu\.js (webgpu|webgl2)\)$/);
      expect(s.losses).toHaveLength(3);
      // the same seed on the CPU gives 3.99309 at step 1 (float32 kernels agree to about 1e-5)
      expect(s.losses[0]).toBeCloseTo(3.99309, 3);
      expect(s.heatmapCells).toBe(32 * 32);
      expect(await inkedPixels(page, 'heatmap')).toBeGreaterThan(10_000);
      await page.screenshot({ path: join(ARTIFACTS, 'demo-gpu.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    }, 360_000);
    test('trains the sentiment classifier and explains a typed sentence token by token', async () => {
      const { page, requests, errors } = await open('clfSteps=60&explain=1');
      const classifierDone = () => page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { tsgradDemo?: DemoState }).tsgradDemo?.classifier.phase ?? ''), null, { timeout: 120_000 });
      await classifierDone();
      const c = (await demoState(page)).classifier;
      expect(c.error).toBeUndefined();
      expect(c.explainError).toBeUndefined();
      expect(c.losses).toHaveLength(60);
      expect(c.accuracy).toBeGreaterThan(0.6); // 300 held-out sentences, half positive
      const e = c.explanation!;
      expect(e.text).toBe('The food was great but the service was terrible.');
      expect(e.tokens.map((t) => t.token).join('')).toBe(`<cls>${e.text}`);
      expect(e.completenessError).toBeLessThan(0.01);
      expect(e.tokens.reduce((s, t) => s + t.rollout, 0)).toBeCloseTo(1, 4);
      expect(c.cells).toBe(2 * e.tokens.length);
      expect(await page.locator('#attributions .attr-token').count()).toBe(2 * e.tokens.length);
      // the visitor types a sentence and asks again
      await page.fill('#explain-text', 'I loved this phone');
      await page.click('#explain');
      await page.waitForFunction(() => (window as unknown as { tsgradDemo: DemoState }).tsgradDemo.classifier.explanation?.text === 'I loved this phone', null, { timeout: 30_000 });
      const again = (await demoState(page)).classifier.explanation!;
      expect(again.tokens.map((t) => t.token).join('')).toBe('<cls>I loved this phone');
      expect(['positive', 'negative']).toContain(again.predicted);
      expect(await page.locator('#attributions').textContent()).toContain(`Prediction: ${again.predicted}`);
      await page.locator('section.explain').screenshot({ path: join(ARTIFACTS, 'demo-explain.png') });
      expect(errors).toEqual([]);
      expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
    }, 180_000);
  });
}
