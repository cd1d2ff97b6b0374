/**
 * `distill` — the headless CLI over the same engine and readers as the page.
 * Exit codes: 0 ok, 1 error (one line `error: …` on stderr), 2 usage error.
 */
import { installPatches } from '../engine/patches/index.ts';
import { parseArgs, UsageError, type ParsedArgs } from './args.ts';
import { evalCommand, evalHelp } from './commands/eval.ts';
import { handoffCommand, handoffHelp } from './commands/handoff.ts';
import { inspectCommand, inspectHelp } from './commands/inspect.ts';
import { predictCommand, predictHelp } from './commands/predict.ts';
import { SWEEP_FLAGS, sweepCommand, sweepHelp } from './commands/sweep.ts';
import { trainCommand, trainHelp } from './commands/train.ts';

export interface Command {
  help: string;
  run: (args: ParsedArgs) => Promise<void>;
  /** Options that take no value (e.g. `--quick`). */
  flags?: readonly string[];
}

/** Command registry: name → implementation (no switch ladder). */
const COMMANDS: Record<string, Command> = {
  inspect: { help: inspectHelp, run: inspectCommand },
  train: { help: trainHelp, run: trainCommand },
  sweep: { help: sweepHelp, run: sweepCommand, flags: SWEEP_FLAGS },
  handoff: { help: handoffHelp, run: handoffCommand },
  eval: { help: evalHelp, run: evalCommand },
  predict: { help: predictHelp, run: predictCommand },
};

/** Adds a command from outside src/cli (bin/distill.mjs registers `bench` from bench/command.ts). */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

function usage(): string {
  return ['usage:', ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`error: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  try {
    installPatches(); // the tfjs workarounds (src/engine/patches), before any backend starts
    await command.run(parseArgs(rest, new Set(command.flags)));
    return 0;
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    process.stderr.write(`error: ${message}\n`);
    if (process.env.DISTILL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}
