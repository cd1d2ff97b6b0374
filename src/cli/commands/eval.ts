import { stat } from 'node:fs/promises';
import { LOSS_NAMES } from '../../engine/losses/names.ts';
import path from 'node:path';
import { checkKnown, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { loadSet } from '../load.ts';
import { createNodeSession } from '../node_session.ts';
import { log } from '../progress.ts';
import { readStudentDir } from '../student_dir.ts';
import { configForSet, setForStudent, splitIndices } from './eval_config.ts';

export const evalHelp = 'distill eval --data FILE --student DIR [--split auto|all|eval|train] [--backend B]   JSON metrics on stdout';

/**
 * `distill eval`: loyalty metrics of a trained student against the teacher in FILE, and `losses`: each active
 * loss component of the run's config, unweighted, as the trainer computes it (KD T²-scaled, each averaged over
 * its positions) on the evaluated examples. By default the file's held-out part when it has `split` metadata,
 * else every example. A trimmed student (vocab_map.json) is evaluated on the set renumbered to its ids.
 */
export async function evalCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'student', 'split', 'backend']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const dataFile = requiredOption(args, 'data');
  const student = await readStudentDir(requiredOption(args, 'student'));
  const set = setForStudent(await loadSet(dataFile), student.vocabMap); // read here: the split and the config depend on it
  const { indices, split } = splitIndices(set, stringOption(args, 'split') ?? 'auto');
  const config = configForSet(student.config, set, { backend: stringOption(args, 'backend') ?? 'auto' });
  const session = createNodeSession();
  session.subscribe((e) => (e.type === 'backend' ? log(`backend ${e.choice.reason}`) : undefined));
  try {
    session.adopt(set, path.basename(dataFile), (await stat(dataFile)).size);
    const configured = await session.configure(config, { evalIndices: indices, architecture: student.architecture });
    await session.loadStudent(student.tensors);
    const { metrics } = await session.evaluate();
    const { loss, ...rest } = metrics;
    // each active loss component, unweighted, as the trainer computes it, over the evaluated examples' positions
    const losses = Object.fromEntries(LOSS_NAMES.flatMap((name) => (loss?.[name] !== undefined ? [[name, loss[name]]] : [])));
    const vocabulary = student.vocabMap ? { trimmed: true, student_vocab_size: set.vocabSize, teacher_vocab_size: student.vocabMap.teacherVocabSize } : undefined;
    const out = { ...rest, losses, split, n_examples: indices.length, backend: configured.backend.name, ...(vocabulary ? { vocabulary } : {}) };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } finally {
    session.dispose();
  }
}
