// Training progress output: a one-line progress bar on a terminal, plain log lines otherwise, and
// JSONL metric records appended to a file.

import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** How progress is shown: a bar (terminal), lines (logs, CI), or nothing. 'auto' picks by TTY. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

/** Where progress is written: anything with `write` (process.stderr, a file stream, a test sink). */
export interface ProgressSink {
  /**
   * Writes a piece of text.
   * @param text - The text.
   * @returns Anything (ignored).
   */
  write(text: string): unknown;
  /** A terminal (a redrawn bar) rather than a file or pipe (one line per update). */
  readonly isTTY?: boolean;
}

/**
 * A progress reporter for one training run.
 * @example
 * const lines: string[] = [];
 * const sink = { isTTY: false, write: (s: string) => lines.push(s) };
 * const p = new Progress(2, 'lines', 'demo', sink, 1);
 * p.update(1, { loss: 2.5 });
 * p.note('evaluating');
 * lines[0]!.startsWith('demo step 1/2  loss 2.5000'); // true
 * lines[1]; // 'evaluating\n'
 */
export class Progress {
  private readonly mode: Exclude<ProgressMode, 'auto'>;
  private readonly start = performance.now();
  private lastLine = 0;

  /**
   * @param total - Number of steps.
   * @param mode - `'auto'` (a bar on a TTY, else lines), `'bar'`, `'lines'` or `'none'`.
   * @param label - Prefix of each line.
   * @param stream - Where to write (default stderr).
   * @param every - In lines mode, print every this many steps.
   */
  constructor(
    private readonly total: number,
    mode: ProgressMode = 'auto',
    private readonly label = 'train',
    private readonly stream: ProgressSink = process.stderr,
    private readonly every = Math.max(1, Math.round(total / 20)),
  ) {
    this.mode = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  }

  /**
   * Reports step `step` (1-based count of finished steps) with its metrics.
   * @param step - Steps done.
   * @param metrics - Values to show, by name.
   */
  update(step: number, metrics: Record<string, number>): void {
    if (this.mode === 'none') return;
    const secs = (performance.now() - this.start) / 1000;
    const rate = step / Math.max(secs, 1e-9);
    const text = Object.entries(metrics).map(([k, v]) => `${k} ${format(v)}`).join('  ');
    if (this.mode === 'bar') {
      const width = 24;
      const filled = Math.round((width * step) / this.total);
      const eta = (this.total - step) / Math.max(rate, 1e-9);
      this.stream.write(`\r${this.label} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${step}/${this.total}  ${text}  ${rate.toFixed(1)} it/s  eta ${eta.toFixed(0)}s\x1b[K`);
      if (step >= this.total) this.stream.write('\n');
    } else if (step - this.lastLine >= this.every || step >= this.total) {
      this.lastLine = step;
      this.stream.write(`${this.label} step ${step}/${this.total}  ${text}  ${secs.toFixed(1)}s\n`);
    }
  }

  /**
   * Prints a line outside the bar (evaluation results, notes).
   * @param line - The text.
   */
  note(line: string): void {
    if (this.mode === 'none') return;
    this.stream.write(this.mode === 'bar' ? `\r\x1b[K${line}\n` : `${line}\n`);
  }
}

function format(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return v.toFixed(4);
}

/**
 * Appends JSON records, one per line, to a metrics log (creating its folder).
 * @example
 * import { readFileSync } from 'node:fs';
 * const log = new JsonlLog('runs/metrics.jsonl');
 * log.write({ step: 1, loss: 2.5 });
 * readFileSync('runs/metrics.jsonl', 'utf8'); // '{"step":1,"loss":2.5}\n'
 */
export class JsonlLog {
  /** @param path - The .jsonl file (appended to). */
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /**
   * Appends one record as a line.
   * @param record - A JSON-serialisable object.
   */
  write(record: Record<string, unknown>): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }
}
