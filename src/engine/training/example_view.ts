/**
 * The compare view's facts about the loaded set, computed once in the session (plain JS over the set's
 * arrays, plus the trainer's predictions): one example with both top-k lists, and the teacher-vs-student
 * confusion counts over the held-out split.
 */
import { splitExamples } from '../data/split.ts';
import type { ExamplePrediction, Trainer } from '../trainer_types.ts';
import type { DistillSet } from '../types.ts';
import { teacherClasses, teacherTopK } from './teacher_topk.ts';
import type { ConfusionData, ExampleView } from './session.ts';

/** Examples per predictExamples call when counting the confusion matrix. */
const PREDICT_CHUNK = 64;

/** Example `index` of `set` with the teacher's top-k per position (and the student's, when given). */
export function exampleView(set: DistillSet, index: number, topk: number, student?: ExamplePrediction): ExampleView {
  const top = teacherTopK(set, index, topk);
  const L = set.seqLen;
  const labels = set.labels
    ? set.task === 'classification'
      ? set.labels.slice(index, index + 1)
      : set.labels.slice(index * L, (index + 1) * L)
    : undefined;
  return {
    index,
    inputIds: set.inputIds.slice(index * L, (index + 1) * L),
    attentionMask: set.attentionMask.slice(index * L, (index + 1) * L),
    labels,
    lang: set.metadata.langs?.[index],
    split: set.metadata.split?.[index],
    teacherTopIds: top.ids,
    teacherTopProbs: top.probs,
    k: top.k,
    positions: top.positions,
    student,
  };
}

/**
 * counts[t · C + s]: held-out examples (the trainer's own split: metadata, or seeded) whose teacher argmax
 * class is t and student argmax class is s, over at most `maxExamples` of them.
 */
export async function confusionCounts(set: DistillSet, trainer: Trainer, maxExamples: number): Promise<ConfusionData> {
  if (set.task !== 'classification' || !set.numClasses) throw new Error('the confusion matrix is for classification sets');
  const indices = splitExamples(set, trainer.config.eval_fraction, trainer.config.seed).eval.slice(0, maxExamples);
  const C = set.numClasses;
  const counts = new Int32Array(C * C);
  const teacher = teacherClasses(set, indices);
  for (let start = 0; start < indices.length; start += PREDICT_CHUNK) {
    const predictions = await trainer.predictExamples(indices.slice(start, start + PREDICT_CHUNK), 1);
    predictions.forEach((p, j) => {
      counts[teacher[start + j] * C + p.topIds[0]]++;
    });
  }
  return { numClasses: C, counts, examples: indices.length, scope: `held-out split (${indices.length} examples)` };
}
