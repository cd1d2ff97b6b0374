import { stat } from 'node:fs/promises';
import path from 'node:path';
import { checkKnown, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { loadSet } from '../load.ts';
import { createNodeSession } from '../node_session.ts';
import { log } from '../progress.ts';
import { readStudentDir } from '../student_dir.ts';
import { configForSet, splitIndices } from './eval_config.ts';

export const evalHelp = 'distill eval --data FILE --student DIR [--split auto|all|eval|train] [--backend B]   JSON metrics on stdout';

/**
 * `distill eval`: loyalty metrics of a trained student against the teacher in FILE. By default the file's
 * held-out part when it has `split` metadata, else every example.
 */
export async function evalCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'student', 'split', 'backend']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const dataFile = requiredOption(args, 'data');
  const set = await loadSet(dataFile); // read here: the split and the config depend on it
  const student = await readStudentDir(requiredOption(args, 'student'));
  const { indices, split } = splitIndices(set, stringOption(args, 'split') ?? 'auto');
  const config = configForSet(student.config, set, { backend: stringOption(args, 'backend') ?? 'auto' });
  const session = createNodeSession();
  session.subscribe((e) => (e.type === 'backend' ? log(`backend ${e.choice.reason}`) : undefined));
  try {
    session.adopt(set, path.basename(dataFile), (await stat(dataFile)).size);
    const configured = await session.configure(config, { evalIndices: indices, architecture: student.architecture });
    await session.loadStudent(student.tensors);
    const { metrics } = await session.evaluate();
    const { loss: _loss, ...rest } = metrics;
    const out = { ...rest, split, n_examples: indices.length, backend: configured.backend.name };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } finally {
    session.dispose();
  }
}
