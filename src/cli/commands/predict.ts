import { writeFile } from 'node:fs/promises';
import { createTrainer } from '../../engine/trainer.ts';
import { encodeSafetensors } from '../../io/index.ts';
import { checkKnown, intOption, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { cliMemoryBudget, loadSet } from '../load.ts';
import { selectNodeBackend } from '../node_runtime.ts';
import { log } from '../progress.ts';
import { readStudentDir } from '../student_dir.ts';
import { configForSet } from './eval_config.ts';

export const predictHelp =
  'distill predict --data FILE --student DIR --out FILE.safetensors [--topk K] [--backend B]   the student\'s logits for every example';

/**
 * `distill predict`: writes the student's logits for every example of FILE, as `student_logits` [N, L, V]
 * ([N, C] for classification) or, with --topk K, `student_topk_ids` / `student_topk_logits` [N, L, K] and
 * `student_logsumexp` [N, L] — the teacher's top-k layout, so the metrics can be checked independently.
 */
export async function predictCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'student', 'out', 'topk', 'backend']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const set = await loadSet(requiredOption(args, 'data'));
  const student = await readStudentDir(requiredOption(args, 'student'));
  const out = requiredOption(args, 'out');
  let topk = intOption(args, 'topk');
  if (topk !== undefined && topk <= 0) throw new UsageError('--topk must be > 0');
  if (topk !== undefined && set.task === 'classification') {
    log('--topk ignored for classification: writing the dense [N, C] logits');
    topk = undefined;
  }
  const config = configForSet(student.config, set, { backend: stringOption(args, 'backend') ?? 'auto' });
  const backend = await selectNodeBackend(config.backend);
  log(`backend ${backend.reason}`);
  const trainer = await createTrainer(set, config, {}, { backend, memoryBudgetBytes: cliMemoryBudget() });
  try {
    trainer.loadStudent(student.tensors);
    const all = Array.from({ length: set.n }, (_, i) => i);
    const pred = await trainer.predictLogits(all, topk);
    const metadata = { task: set.task, vocab_size: String(set.vocabSize), format_version: '1', producer: 'distill predict' };
    const bytes =
      pred.kind === 'dense'
        ? encodeSafetensors([{ name: 'student_logits', dtype: 'F32', shape: pred.shape, data: pred.logits }], metadata)
        : encodeSafetensors(
            [
              { name: 'student_topk_ids', dtype: 'I32', shape: pred.shape, data: pred.ids },
              { name: 'student_topk_logits', dtype: 'F32', shape: pred.shape, data: pred.logits },
              { name: 'student_logsumexp', dtype: 'F32', shape: pred.shape.slice(0, -1), data: pred.logsumexp },
            ],
            metadata,
          );
    await writeFile(out, bytes);
    log(`wrote ${out} (${(bytes.byteLength / 1e6).toFixed(1)} MB)`);
  } finally {
    trainer.dispose();
  }
}
