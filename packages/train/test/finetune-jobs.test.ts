// runFinetuneJobs' own checks: a worker count that is not a positive integer, and worker threads
// asked for on another device, are errors that name the value (before any run starts).

import { describe, expect, test } from 'vitest';
import { runFinetuneJobs } from '../src/recipes/finetune-jobs.js';

describe('runFinetuneJobs', () => {
  test('rejects a worker count that is not a positive integer, and worker threads off the CPU', async () => {
    await expect(runFinetuneJobs([], { workers: 0 })).rejects.toThrow(/workers must be a positive integer, got 0/);
    await expect(runFinetuneJobs([], { workers: 1.5 })).rejects.toThrow(/workers must be a positive integer, got 1\.5/);
    const job = { tokenizer: {} as never, init: { checkpointPath: 'none' }, train: [], validation: [], seed: 0, options: {} };
    await expect(runFinetuneJobs([job, job], { workers: 2, device: 'gpu' })).rejects.toThrow(/worker threads train on the CPU, but device is 'gpu'/);
  });
});
