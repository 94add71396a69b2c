// Command-line plumbing shared by the tsgrad commands: typed option parsing with node:util's
// parseArgs, help text, and CliError for one-line user-facing failures.

import { parseArgs } from 'node:util';
import { TsgradError } from '@tsgrad/core';

/** A failure caused by the user's input: printed as one line, exit status 2 (usage) or 1. */
export class CliError extends TsgradError {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super('tsgrad', message);
    this.message = message;
  }
}

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string | boolean;
  help: string;
  /** Shown after the option name, e.g. FILE or N. */
  arg?: string;
}

/** A command: its options, a summary, and what it does. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(values: Record<string, string | boolean | undefined>): Promise<void>;
}

/**
 * A command made of subcommands, as `tsgrad qa train|eval|ask`: main.ts dispatches on the first
 * argument; run without one, it fails with usage status 2 and the list.
 */
export function commandGroup(name: string, summary: string, subcommands: Command[]): Command & { subcommands: Command[] } {
  const names = subcommands.map((c) => c.name.split(' ').at(-1)).join('|');
  return {
    name, summary, usage: `tsgrad ${name} ${names} [options]`, options: {}, subcommands,
    async run() {
      throw new CliError(`give a subcommand: tsgrad ${name} ${names} (see tsgrad ${name} --help)`, 2);
    },
  };
}

/** Options every command takes. */
export const COMMON: Record<string, OptionSpec> = {
  seed: { type: 'string', default: '0', help: 'random seed', arg: 'N' },
  device: { type: 'string', default: 'cpu', help: "where tensors live: 'cpu' or 'gpu' (gpu.js WebGPU)", arg: 'NAME' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** The help text of a command. */
export function helpText(cmd: Command): string {
  const opts = { ...cmd.options, ...COMMON };
  const rows = Object.entries(opts).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`;
    const def = o.default !== undefined && o.type === 'string' ? ` (default: ${o.default})` : '';
    return `  ${flag.padEnd(28)} ${o.help}${def}`;
  });
  return [`tsgrad ${cmd.name}: ${cmd.summary}`, '', `usage: ${cmd.usage}`, '', 'options:', ...rows, ''].join('\n');
}

/** Parses argv for a command; unknown options and stray arguments are usage errors. */
export function parse(cmd: Command, argv: readonly string[]): Record<string, string | boolean | undefined> {
  const opts = { ...cmd.options, ...COMMON };
  // NOTE: '--steps -3' would read -3 as a flag ("argument is ambiguous"): a negative number after a
  // string option is its value, so the option's own check can name it
  const args = argv.flatMap((a, i) => (i > 0 && /^-\d|^-\.\d/.test(a) && isStringFlag(argv[i - 1]!, opts) ? [] : /^--[^=]+$/.test(a) && /^-\d|^-\.\d/.test(argv[i + 1] ?? '') && isStringFlag(a, opts) ? [`${a}=${argv[i + 1]}`] : [a]));
  try {
    const { values, positionals } = parseArgs({
      args,
      options: Object.fromEntries(Object.entries(opts).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }])) as never,
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new CliError(`unexpected argument '${positionals[0]}' (see tsgrad ${cmd.name} --help)`, 2);
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${(e as Error).message.split('\n')[0]} (see tsgrad ${cmd.name} --help)`, 2);
  }
}

/** Whether `token` is `--name` of a string option. */
function isStringFlag(token: string, opts: Record<string, OptionSpec>): boolean {
  return token.startsWith('--') && opts[token.slice(2)]?.type === 'string';
}

/** An integer option, checked. */
export function intOption(values: Record<string, unknown>, name: string, min = 0): number {
  const raw = values[name];
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer >= ${min}, got '${String(raw)}'`, 2);
  return n;
}

/** A number option, checked. */
export function numberOption(values: Record<string, unknown>, name: string, min = -Infinity): number {
  const raw = values[name];
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min) throw new CliError(`--${name} must be a number >= ${min}, got '${String(raw)}'`, 2);
  return n;
}

/** A string option restricted to `choices`. */
export function choice<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[]): T {
  const v = values[name];
  if (typeof v !== 'string' || !choices.includes(v as T)) throw new CliError(`--${name} must be one of ${choices.join(', ')}, got '${String(v)}'`, 2);
  return v as T;
}

/** A required string option. */
export function required(values: Record<string, unknown>, name: string, what: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new CliError(`--${name} ${what} is required`, 2);
  return v;
}
