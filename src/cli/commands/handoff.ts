import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trimmedHandoffRefusal } from '../../engine/training/session_vocabulary.ts';
import { handoffFiles } from '../../io/handoff_files.ts';
import { checkKnown, intOption, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { loadSet } from '../load.ts';
import { createNodeSession } from '../node_session.ts';
import { log } from '../progress.ts';
import { readStudentDir } from '../student_dir.ts';
import { configForSet } from './eval_config.ts';

export const handoffHelp =
  'distill handoff --student DIR --data FILE --out OUT [--parity-batches 2] [--backend B]   a PyTorch continuation (train.py, recipe.json, student/)';

/** tools/handoff/ of this checkout: the Python trainer and its losses, copied into every handoff. */
const SOURCES = fileURLToPath(new URL('../../../tools/handoff/', import.meta.url));

/**
 * `distill handoff`: writes OUT with train.py (PyTorch + transformers; DDP under torchrun), recipe.json (the
 * resolved recipe and the engine's loss values on the first batches, for `train.py --check-parity`),
 * student/ (the directory to start from, with its AdamW state when it has one) and a README.
 */
export async function handoffCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['student', 'data', 'out', 'parity-batches', 'backend']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const studentDir = requiredOption(args, 'student');
  const dataFile = requiredOption(args, 'data');
  const out = requiredOption(args, 'out');
  const parityCount = intOption(args, 'parity-batches') ?? 2;
  if (parityCount < 1) throw new UsageError('--parity-batches must be ≥ 1');
  const student = await readStudentDir(studentDir);
  if (student.architecture === 'legacy') throw new Error(`${studentDir}: a Distill Playground 0.1 student has no transformers class to continue in; retrain it (distill train) first`);
  // train.py reads the set in the teacher's ids: a trimmed student is refused, as the page refuses it
  if (student.vocabMap) throw new Error(`${studentDir}: ${trimmedHandoffRefusal(student.vocabMap)}`);
  const set = await loadSet(dataFile);
  const config = configForSet(student.config, set, { backend: stringOption(args, 'backend') ?? 'auto' });
  const session = createNodeSession();
  try {
    session.adopt(set, path.basename(dataFile), (await stat(dataFile)).size);
    await session.configure(config, { architecture: student.architecture });
    await session.loadStudent(student.tensors);
    const recipe = await session.handoffRecipe({
      name: path.basename(path.resolve(studentDir)),
      parityBatches: parityCount,
      stepsDone: Number(student.raw.steps_trained ?? 0),
    });
    recipe.optimizer.state = student.optimizerFile !== undefined;
    const parity = recipe.parity.batches;
    const sources = { trainPy: await readFile(path.join(SOURCES, 'train.py'), 'utf8'), lossesPy: await readFile(path.join(SOURCES, 'distill_losses.py'), 'utf8') };
    await mkdir(path.join(out, 'student'), { recursive: true });
    for (const f of handoffFiles(recipe, [], sources, path.basename(dataFile))) await writeFile(path.join(out, f.name), f.bytes);
    for (const f of student.files.filter((n) => n !== 'report.json')) await copyFile(path.join(studentDir, f), path.join(out, 'student', f));
    log(`wrote ${out}: train.py, distill_losses.py, recipe.json (${parity.length} parity batches), README.md, student/ (${student.optimizerFile ? 'with' : 'without'} AdamW state)`);
  } finally {
    session.dispose();
  }
}
