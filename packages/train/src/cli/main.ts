#!/usr/bin/env node
// The tsgrad command line: experiment, pretrain, finetune, evaluate, generate, g2p, quantize, distill, qa, translate, explain.
// A command with subcommands (qa) takes the subcommand as its first argument.
// User errors print one line and exit non-zero; a stack trace only with TSGRAD_DEBUG=1.

import { TsgradError, hasBackend, shutdownBackend } from '@tsgrad/core';
import { CliError, helpText, parse, type Command } from './args.js';
import { onInterrupt } from './out.js';
import { evaluateCommand } from './commands/evaluate.js';
import { experimentCommand } from './commands/experiment.js';
import { finetuneCommand } from './commands/finetune.js';
import { g2pCommand } from './commands/g2p.js';
import { generateCommand } from './commands/generate.js';
import { pretrainCommand } from './commands/pretrain.js';
import { quantizeCommand } from './commands/quantize.js';
import { distillCommand } from './commands/distill.js';
import { qaCommand } from './commands/qa.js';
import { translationCommand } from './commands/translate.js';
import { explainCommand } from './commands/explain.js';

const COMMANDS: Command[] = [experimentCommand, pretrainCommand, finetuneCommand, evaluateCommand, generateCommand, g2pCommand, quantizeCommand, distillCommand, qaCommand, translationCommand, explainCommand];

function usage(): string {
  return ['tsgrad: pretraining and fine-tuning Transformers in TypeScript', '', 'usage: tsgrad <command> [options]', '', 'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`), '', "run 'tsgrad <command> --help' for a command's options", ''].join('\n');
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  let cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new CliError(`unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`, 2);
    const subs = (cmd as { subcommands?: Command[] }).subcommands;
    if (subs) {
      const [sub, ...subRest] = rest;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        process.stdout.write([`tsgrad ${cmd.name}: ${cmd.summary}`, '', `usage: ${cmd.usage}`, '', 'subcommands:', ...subs.map((c) => `  ${c.name.padEnd(Math.max(...subs.map((x) => x.name.length)) + 1)} ${c.summary}`), ''].join('\n'));
        return sub === undefined ? 2 : 0;
      }
      const found = subs.find((c) => c.name === `${name} ${sub}`);
      if (!found) throw new CliError(`unknown subcommand '${sub}' (${subs.map((c) => c.name).join(', ')})`, 2);
      cmd = found;
      rest.splice(0, rest.length, ...subRest);
    }
    const values = parse(cmd, rest);
    if (values['help']) {
      process.stdout.write(helpText(cmd));
      return 0;
    }
    onInterrupt(cmd.name);
    await cmd.run(values);
    if (hasBackend('gpu')) await shutdownBackend('gpu'); // releases Dawn so the process can exit
    return 0;
  } catch (e) {
    if (process.env['TSGRAD_DEBUG']) console.error(e);
    // a library error prints its reason and hint (the op name is an internal detail here)
    const first = e instanceof TsgradError ? `${e.reason}${e.hint ? ` (${e.hint})` : ''}` : (e as Error).message?.split('\n')[0] ?? String(e);
    const known = e instanceof TsgradError || (e as NodeJS.ErrnoException).code !== undefined;
    process.stderr.write(`tsgrad${cmd ? ` ${cmd.name}` : ''}: ${known ? '' : 'internal error: '}${first}${known ? '' : ' (set TSGRAD_DEBUG=1 for details)'}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

const isEntry = process.argv[1] !== undefined && /(?:^|[\\/])(?:main\.[jt]s|tsgrad)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
