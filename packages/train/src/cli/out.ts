// Output folders and interruptions: a command's --out is checked before any work (it can be
// created and written, and it holds no earlier run unless --force or --resume says so), and
// SIGINT/SIGTERM print where the last checkpoint is.

import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './args.js';

/**
 * Creates `dir` if needed and checks it is a writable folder; refuses one that already holds files
 * unless `force` (overwrite) or `resume` (continue the run that is there).
 * @param dir - The folder a command writes to.
 * @param flag - The flag's name, for messages.
 * @param opts - `force`, `resume`.
 */
export function prepareOut(dir: string, flag: string, opts: { force?: boolean; resume?: boolean } = {}): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new CliError(`--${flag} ${dir} is a file, not a folder`, 2);
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.tsgrad-write-test-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (e) {
    throw new CliError(`--${flag} ${dir} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); nothing was run`, 2);
  }
  const held = readdirSync(dir).filter((f) => !f.startsWith('.'));
  if (held.length > 0 && !opts.force && !opts.resume) {
    throw new CliError(`--${flag} ${dir} already holds ${held.slice(0, 3).join(', ')}${held.length > 3 ? ', ...' : ''}; pass --force to overwrite it${opts.resume === undefined ? '' : ' or --resume CKPT to continue it'}`, 2);
  }
}

/** The optimizer step a checkpoint file was written at, read from its header alone (undefined if unreadable). */
export function checkpointStep(path: string): number | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(8);
      readSync(fd, head, 0, 8, 0);
      const n = Number(head.readBigUInt64LE(0));
      if (n > 100_000_000) return undefined;
      const json = Buffer.alloc(n);
      readSync(fd, json, 0, n, 8);
      const meta = (JSON.parse(json.toString('utf8')) as { __metadata__?: Record<string, string> }).__metadata__;
      const trainer = meta?.['trainer'] ? (JSON.parse(meta['trainer']) as { step?: number }) : undefined;
      return trainer?.step;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

let checkpointPath: string | undefined;

/** Tells the interrupt handler where this run writes its checkpoint. */
export function noteCheckpoint(path: string): void {
  checkpointPath = path;
}

/** On SIGINT/SIGTERM: one line naming the last checkpoint and its step, then exit 130/143. */
export function onInterrupt(command: string): void {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      const step = checkpointPath && existsSync(checkpointPath) ? checkpointStep(checkpointPath) : undefined;
      const where = checkpointPath && step !== undefined
        ? `the last checkpoint is ${checkpointPath} (step ${step}); continue with --resume ${checkpointPath}`
        : 'no checkpoint was written yet';
      process.stderr.write(`\ntsgrad ${command}: interrupted (${signal}); ${where}\n`);
      process.exit(code);
    });
  }
}
