import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { predictionInTeacherVocab } from '../../engine/data/vocab_outputs.ts';
import { encodeSafetensors } from '../../io/index.ts';
import { checkKnown, intOption, requiredOption, stringOption, UsageError, type ParsedArgs } from '../args.ts';
import { loadSet } from '../load.ts';
import { createNodeSession } from '../node_session.ts';
import { log } from '../progress.ts';
import { readStudentDir } from '../student_dir.ts';
import { configForSet, setForStudent } from './eval_config.ts';

export const predictHelp =
  'distill predict --data FILE --student DIR --out FILE.safetensors [--topk K] [--backend B]   the student\'s logits for every example';

/**
 * `distill predict`: writes the student's logits for every example of FILE, as `student_logits` [N, L, V]
 * ([N, C] for classification) or, with --topk K, `student_topk_ids` / `student_topk_logits` [N, L, K] and
 * `student_logsumexp` [N, L] — the teacher's top-k layout, so the metrics can be checked independently. Ids are
 * always the teacher's: a trimmed student's (vocab_map.json) are mapped back, its dense logits spread over the
 * teacher's vocabulary with −∞ at the dropped ids (plus `student_dropped_logit` for a dense-teacher student).
 */
export async function predictCommand(args: ParsedArgs): Promise<void> {
  checkKnown(args, ['data', 'student', 'out', 'topk', 'backend']);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  const dataFile = requiredOption(args, 'data');
  const student = await readStudentDir(requiredOption(args, 'student'));
  const teacherSet = await loadSet(dataFile); // read here: the config depends on it
  const set = setForStudent(teacherSet, student.vocabMap);
  const out = requiredOption(args, 'out');
  let topk = intOption(args, 'topk');
  if (topk !== undefined && topk <= 0) throw new UsageError('--topk must be > 0');
  if (topk !== undefined && set.task === 'classification') {
    log('--topk ignored for classification: writing the dense [N, C] logits');
    topk = undefined;
  }
  const config = configForSet(student.config, set, { backend: stringOption(args, 'backend') ?? 'auto' });
  const session = createNodeSession();
  session.subscribe((e) => (e.type === 'backend' ? log(`backend ${e.choice.reason}`) : undefined));
  try {
    session.adopt(set, path.basename(dataFile), (await stat(dataFile)).size);
    await session.configure(config, { architecture: student.architecture });
    await session.loadStudent(student.tensors);
    const all = Array.from({ length: set.n }, (_, i) => i);
    const raw = await session.predictLogits(all, topk);
    // a trimmed student's outputs in the teacher's vocabulary (dropped ids: logit −∞)
    const mapped = student.vocabMap ? predictionInTeacherVocab(raw, student.vocabMap) : { prediction: raw };
    const pred = mapped.prediction;
    const metadata = { task: set.task, vocab_size: String(teacherSet.vocabSize), format_version: '1', producer: 'distill predict' };
    const dropped = mapped.droppedLogit ? [{ name: 'student_dropped_logit', dtype: 'F32' as const, shape: pred.shape.slice(0, -1), data: mapped.droppedLogit }] : [];
    const bytes =
      pred.kind === 'dense'
        ? encodeSafetensors([{ name: 'student_logits', dtype: 'F32', shape: pred.shape, data: pred.logits }, ...dropped], metadata)
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
    session.dispose();
  }
}
