/**
 * A trimmed student's predictions in the teacher's vocabulary (trim_vocab.ts): what `distill predict` writes and
 * what the compare view shows. Top-k ids map through teacherIds (a dense teacher's dropped-token row, if it makes
 * a top-k, becomes −1: "some dropped id"); dense logits spread to the teacher's V with −∞ at every dropped id
 * (exp(−∞) = 0: the logsumexp is unchanged), the dropped-token row's logit returned apart.
 */
import type { LogitsPrediction } from '../trainer_types.ts';
import type { VocabMap } from './trim_vocab.ts';

/** Student ids → teacher ids (−1 for the dropped-token row). */
export function teacherIdsOf(ids: Int32Array, map: VocabMap): Int32Array {
  return ids.map((s) => (s === map.tailId ? -1 : map.teacherIds[s]));
}

export interface TeacherVocabPrediction {
  prediction: LogitsPrediction;
  /** [..., ] the dropped-token row's logit per position (dense predictions of a dense-teacher student only). */
  droppedLogit?: Float32Array;
}

export function predictionInTeacherVocab(pred: LogitsPrediction, map: VocabMap): TeacherVocabPrediction {
  if (pred.kind === 'topk') return { prediction: { ...pred, ids: teacherIdsOf(pred.ids, map) } };
  const width = pred.shape[pred.shape.length - 1];
  const rows = pred.logits.length / width;
  const v = map.teacherVocabSize;
  const logits = new Float32Array(rows * v).fill(-Infinity);
  const dropped = map.tailId !== undefined ? new Float32Array(rows) : undefined;
  for (let r = 0; r < rows; r++) {
    const src = pred.logits.subarray(r * width, (r + 1) * width);
    map.teacherIds.forEach((t, s) => (logits[r * v + t] = src[s]));
    if (dropped && map.tailId !== undefined) dropped[r] = src[map.tailId];
  }
  return { prediction: { kind: 'dense', logits, shape: [...pred.shape.slice(0, -1), v] }, droppedLogit: dropped };
}
