import { createTrainer } from '../../engine/trainer.ts';
import { checkKnown, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { cliMemoryBudget, loadSet } from '../load.ts';
import { selectNodeBackend } from '../node_runtime.ts';
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
  const set = await loadSet(requiredOption(args, 'data'));
  const student = await readStudentDir(requiredOption(args, 'student'));
  const { indices, split } = splitIndices(set, stringOption(args, 'split') ?? 'auto');
  const config = configForSet(student.config, set, { backend: stringOption(args, 'backend') ?? 'auto' });
  const backend = await selectNodeBackend(config.backend);
  log(`backend ${backend.reason}`);
  const trainer = await createTrainer(set, config, {}, { backend, evalIndices: indices, memoryBudgetBytes: cliMemoryBudget() });
  try {
    trainer.loadStudent(student.tensors);
    const { metrics } = await trainer.evaluate();
    const { loss: _loss, ...rest } = metrics;
    const out = { ...rest, split, n_examples: indices.length, backend: backend.name };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } finally {
    trainer.dispose();
  }
}
