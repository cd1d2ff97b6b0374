/**
 * The teacher side of one batch as the losses and metrics see it: tensors over P flattened positions
 * (P = B·L for token tasks, P = B for classification). Built by the batcher from a DistillSet's TeacherOutput.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { teacherTail } from './teacher_tail.ts';

/** Teacher logits over the whole output space (V tokens or C classes): logits [P, V], at T = 1. */
export interface DenseTeacherBatch {
  kind: 'dense';
  logits: Tensor2D; // [P, V] float32
  /** The last column is a trimmed set's dropped-token bucket (DenseTeacher.droppedColumn): no argmax lands there. */
  droppedColumn?: boolean;
}

/**
 * Teacher truncated to its K most probable entries per position. `ids` must be distinct within a row.
 * `tail` = log Σ_{v ∉ top-k} exp(z_v), computed on the host from the file's logsumexp (teacher_tail.ts); without
 * it the top-k is renormalised (align.ts).
 */
export interface TopKTeacherBatch {
  kind: 'topk';
  ids: Tensor2D; // [P, K] int32, vocabulary ids
  logits: Tensor2D; // [P, K] float32, the teacher's logits z at those ids (T = 1)
  tail?: Tensor1D; // [P] float32, ≈ −1e30 where the tail is empty
}

export type TeacherBatch = DenseTeacherBatch | TopKTeacherBatch;

/** A top-k teacher batch from host arrays ([P, K] ids and logits, [P] logsumexp): the tail is computed here. */
export function topKTeacherBatch(ids: Int32Array, logits: Float32Array, k: number, logsumexp?: Float32Array): TopKTeacherBatch {
  const p = logits.length / k;
  return {
    kind: 'topk',
    ids: tf.tensor2d(ids, [p, k], 'int32'),
    logits: tf.tensor2d(logits, [p, k]),
    tail: logsumexp ? tf.tensor1d(teacherTail(logits, logsumexp, k)) : undefined,
  };
}

/** Every tensor of a teacher batch. */
export function teacherTensors(teacher: TeacherBatch): tf.Tensor[] {
  return teacher.kind === 'dense' ? [teacher.logits] : [teacher.ids, teacher.logits, ...(teacher.tail ? [teacher.tail] : [])];
}
