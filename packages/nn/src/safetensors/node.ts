// Node file helpers for safetensors: an atomic save (temp file, fsync, rename) and a load. `node:fs`
// is imported lazily inside the functions, so bundles for the browser never load it.

import type { Tensor } from '@tsgrad/core';
import { SafetensorsError } from './errors.js';
import { parseSafetensors, type ParseOptions, type SafetensorsContents } from './parse.js';
import { serializeSafetensors, type SerializeOptions } from './serialize.js';

type Fs = typeof import('node:fs/promises');
type PathLib = typeof import('node:path');

async function nodeLibs(): Promise<{ fs: Fs; path: PathLib }> {
  const [fs, path] = await Promise.all([
    import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises'),
    import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path'),
  ]);
  return { fs, path };
}

/** fsyncs a directory so a rename inside it survives a crash; skipped where directories cannot be opened (Windows). */
async function syncDir(fs: Fs, dir: string): Promise<void> {
  let handle: Awaited<ReturnType<Fs['open']>> | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the file itself is already synced
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `tensors` and `metadata` to `file` as safetensors, atomically: the bytes go to a temp file
 * in the same directory, which is fsynced and then renamed over `file`. A failure or crash at any
 * point leaves either the old file or the complete new one at `file`, and removes the temp file
 * (a crash may leave a `.<name>.<random>.tmp` beside it). An existing file's permissions are kept;
 * a symlink at `file` is replaced by the new file, not written through.
 * Serialization errors are SafetensorsError; file-system errors are Node's, unchanged.
 *
 * @example
 * ```ts
 * import { tensor } from '@tsgrad/core';
 * import { loadSafetensorsFile, saveSafetensorsFile } from '@tsgrad/nn';
 * await saveSafetensorsFile('model.safetensors', { w: tensor([1, 2, 3]) }, { format: 'pt' });
 * const { tensors } = await loadSafetensorsFile('model.safetensors');
 * console.log(tensors.w!.tolist()); // [1, 2, 3]
 * ```
 * @param file - Destination path (Node only).
 * @param tensors - Tensors by name.
 * @param metadata - Optional `__metadata__` strings.
 * @param opts - `storeAs`: int32 tensors to write as I8, by name (see serializeSafetensors).
 */
export async function saveSafetensorsFile(file: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>, opts: SerializeOptions = {}): Promise<void> {
  const bytes = serializeSafetensors(tensors, metadata, opts); // fails before the disk is touched
  const { fs, path } = await nodeLibs();
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file).slice(0, 100)}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  const mode = await fs.stat(file).then((s) => s.mode & 0o777, () => undefined);
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
  await syncDir(fs, dir);
}

/**
 * Reads a safetensors file from disk with `parseSafetensors` (see it for the dtypes read). A broken
 * file throws SafetensorsError whose message starts with the path; file-system errors are Node's.
 *
 * @example
 * ```ts
 * import { tensor } from '@tsgrad/core';
 * import { loadSafetensorsFile, saveSafetensorsFile } from '@tsgrad/nn';
 * await saveSafetensorsFile('ids.safetensors', { ids: tensor([3, 1, 4], { dtype: 'int32' }) });
 * const { tensors, metadata } = await loadSafetensorsFile('ids.safetensors');
 * tensors.ids!.dtype; // 'int32'
 * metadata; // {}
 * ```
 * @param file - Path of a .safetensors file (Node only).
 * @param opts - `keepHalf` (see {@link parseSafetensors}).
 * @returns The tensors and metadata.
 */
export async function loadSafetensorsFile(file: string, opts: ParseOptions = {}): Promise<SafetensorsContents> {
  const { fs } = await nodeLibs();
  const bytes = await fs.readFile(file);
  try {
    return parseSafetensors(bytes, opts);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    throw new SafetensorsError('loadSafetensorsFile', `${file}: ${e.reason}`, e.args, e.hint);
  }
}
