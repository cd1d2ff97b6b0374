/** Minimal argv parser: `--key value`, `--key=value` and bare flags; positionals in order. */
export interface ParsedArgs {
  positional: string[];
  /** The last value of each option. */
  options: Map<string, string | true>;
  /** Every value of each option, in order (for options that may repeat, e.g. `--grid`). */
  repeated: Map<string, (string | true)[]>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: readonly string[], flags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  const repeated = new Map<string, (string | true)[]>();
  const set = (key: string, value: string | true) => {
    options.set(key, value);
    repeated.set(key, [...(repeated.get(key) ?? []), value]);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq > 0 ? eq : undefined);
    if (eq > 0) set(key, arg.slice(eq + 1));
    else if (flags.has(key)) set(key, true);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) set(key, argv[++i]);
    else throw new UsageError(`--${key} needs a value`);
  }
  return { positional, options, repeated };
}

/** Refuses options a command does not know (a typo must not be silently ignored). */
export function checkKnown(args: ParsedArgs, known: readonly string[]): void {
  for (const key of args.options.keys()) {
    if (!known.includes(key)) throw new UsageError(`unknown option --${key} (known: ${known.map((k) => `--${k}`).join(', ')})`);
  }
}

export function stringOption(args: ParsedArgs, key: string): string | undefined {
  const v = args.options.get(key);
  if (v === true) throw new UsageError(`--${key} needs a value`);
  return v;
}

/** Every value of an option that may be given more than once (empty when absent). */
export function listOption(args: ParsedArgs, key: string): string[] {
  return (args.repeated.get(key) ?? []).map((v) => {
    if (v === true) throw new UsageError(`--${key} needs a value`);
    return v;
  });
}

export function requiredOption(args: ParsedArgs, key: string): string {
  const v = stringOption(args, key);
  if (v === undefined) throw new UsageError(`--${key} is required`);
  return v;
}

export function intOption(args: ParsedArgs, key: string): number | undefined {
  const v = stringOption(args, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${key} must be an integer, found "${v}"`);
  return n;
}
