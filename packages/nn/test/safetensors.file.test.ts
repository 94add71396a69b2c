// Safetensors files on disk: save and load round trip, and saves are atomic: a failed save (bad
// input, a failing write, a failing rename) leaves the old file intact and no temp file behind.

import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import * as realFs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, type Tensor } from '@tsgrad/core';
import { loadSafetensorsFile, SafetensorsError, saveSafetensorsFile, serializeSafetensors } from '@tsgrad/nn';

// Switches that make the next save's temp-file write or fsync fail, to simulate a full disk or an I/O error.
const fault = vi.hoisted(() => ({ write: false, sync: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const open = async (...args: Parameters<typeof real.open>) => {
    const handle = await real.open(...args);
    if (args[1] !== 'wx') return handle;
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'writeFile' && fault.write) {
          return async (data: Uint8Array) => {
            await target.write(data.subarray(0, data.length >> 1)); // half the bytes reach the disk
            throw Object.assign(new Error('ENOSPC: no space left on device (simulated)'), { code: 'ENOSPC' });
          };
        }
        if (key === 'sync' && fault.sync) return async () => { throw Object.assign(new Error('EIO: i/o error (simulated)'), { code: 'EIO' }); };
        const v: unknown = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  };
  return { ...real, open, default: { ...real, open } };
});

let dir: string;
beforeEach(async () => {
  dir = await realFs.mkdtemp(join(tmpdir(), 'tsgrad-safetensors-'));
  fault.write = false;
  fault.sync = false;
});
afterEach(async () => {
  await realFs.rm(dir, { recursive: true, force: true });
});

const weights = () => ({ w: tensor([[1, 2], [3, 4]]), step: tensor([7], { dtype: 'int32' }) });

describe('save and load', () => {
  test('a saved file holds exactly the serialized bytes and loads back', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, weights(), { format: 'pt' });
    expect(new Uint8Array(await realFs.readFile(path))).toEqual(serializeSafetensors(weights(), { format: 'pt' }));
    const { tensors, metadata } = await loadSafetensorsFile(path);
    expect(tensors.w!.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(tensors.step!.tolist()).toEqual([7]);
    expect(metadata).toEqual({ format: 'pt' });
    expect(await realFs.readdir(dir)).toEqual(['model.safetensors']);
  });

  test('saving over a file replaces it and keeps its permissions', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, { a: tensor([1]) });
    await realFs.chmod(path, 0o640);
    await saveSafetensorsFile(path, { b: tensor([2, 3]) });
    expect(Object.keys((await loadSafetensorsFile(path)).tensors)).toEqual(['b']);
    expect((await realFs.stat(path)).mode & 0o777).toBe(0o640);
    expect(await realFs.readdir(dir)).toEqual(['model.safetensors']);
  });

  test('a broken file names its path in the SafetensorsError', async () => {
    const path = join(dir, 'broken.safetensors');
    await realFs.writeFile(path, new Uint8Array([1, 2, 3]));
    const err = await loadSafetensorsFile(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as Error).message).toMatch(/^loadSafetensorsFile: .*broken\.safetensors: the file has 3 bytes/);
  });

  test('a missing file rejects with the file-system error', async () => {
    await expect(loadSafetensorsFile(join(dir, 'nope.safetensors'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('a failed save leaves the old file intact and no temp file', () => {
  let path: string;
  let before: Uint8Array;
  beforeEach(async () => {
    path = join(dir, 'model.safetensors');
    await saveSafetensorsFile(path, weights(), { format: 'pt' });
    before = new Uint8Array(await realFs.readFile(path));
  });
  const unchanged = async () => {
    expect(new Uint8Array(await realFs.readFile(path))).toEqual(before);
    expect(await realFs.readdir(dir)).toEqual(['model.safetensors']);
  };

  test('serialization fails (a value that is not a tensor)', async () => {
    const bad = { w: tensor([1]), oops: 'not a tensor' as unknown as Tensor };
    await expect(saveSafetensorsFile(path, bad)).rejects.toThrow(SafetensorsError);
    await unchanged();
  });

  test('the write fails half-way (disk full)', async () => {
    fault.write = true;
    await expect(saveSafetensorsFile(path, { big: tensor(new Array(1000).fill(1)) })).rejects.toThrow(/ENOSPC/);
    await unchanged();
  });

  test('fsync fails', async () => {
    fault.sync = true;
    await expect(saveSafetensorsFile(path, { other: tensor([5]) })).rejects.toThrow(/EIO/);
    await unchanged();
  });

  test('the rename fails (a non-empty directory is in the way)', async () => {
    const target = join(dir, 'model.safetensors.d');
    await realFs.mkdir(target);
    await realFs.writeFile(join(target, 'keep'), 'x');
    await expect(saveSafetensorsFile(target, weights())).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST|EPERM)$/) });
    expect(await realFs.readdir(target)).toEqual(['keep']);
    expect((await realFs.readdir(dir)).sort()).toEqual(['model.safetensors', 'model.safetensors.d']);
    await realFs.rm(target, { recursive: true });
    await unchanged();
  });
});
