// Shared setup of the webgpu-mode GPU tests: Dawn (the `webgpu` package) on SwiftShader's Vulkan
// driver from Debian's chromium package. Without an adapter the tests skip with the reason, unless
// TSGRAD_REQUIRE_GPU=1 (CI), where a missing adapter fails them.

import { existsSync } from 'node:fs';
import { test } from 'vitest';
import { setBackend } from '@tsgrad/core';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Sets up the webgpu mode; resolves to null, or to why it is unavailable. */
export async function startWebGpu(): Promise<string | null> {
  const icd = process.env['VK_ICD_FILENAMES'] ? undefined : existsSync(SWIFTSHADER) ? SWIFTSHADER : undefined;
  try {
    await setBackend('gpu', { mode: 'webgpu', ...(icd ? { vulkanICD: icd } : {}) });
    return null;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

/** Registers a visible skip (or, with TSGRAD_REQUIRE_GPU=1, a failure) for a missing adapter or browser. */
export function reportUnavailable(what: string, reason: string): void {
  if (process.env['TSGRAD_REQUIRE_GPU'] === '1') {
    test(`${what}: required with TSGRAD_REQUIRE_GPU=1`, () => {
      throw new Error(reason);
    });
  } else {
    console.warn(`skipping ${what}: ${reason}`);
    test.skip(`${what} (skipped: ${reason})`, () => {});
  }
}
