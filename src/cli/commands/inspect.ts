import { inspectDistillSet } from '../../io/index.ts';
import { checkKnown, UsageError, type ParsedArgs } from '../args.ts';
import { loadSet } from '../load.ts';

export const inspectHelp = 'distill inspect FILE   JSON summary of a distillation set on stdout';

/** `distill inspect FILE` → the set's summary as JSON on stdout. */
export async function inspectCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, []);
  const file = args.positional[0];
  if (!file) throw new UsageError('inspect needs a FILE');
  const set = await loadSet(file, true);
  process.stdout.write(JSON.stringify(inspectDistillSet(set), null, 2) + '\n');
}
