import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { gatherRows } from '../losses/gather.ts';
import { sliceColumns } from '../ops/slice_columns.ts';
import type { TeacherBatch } from '../losses/teacher.ts';

/** argmax_v s_p,v over the full output space: int32 [P] (first index on ties). */
export function studentArgmax(studentLogits /* [P, V] */: Tensor2D): Tensor1D {
  return tf.argMax(studentLogits, 1);
}

/**
 * The teacher's top-1 id per position, int32 [P]: argmax_v t_p,v for a dense teacher (over its tokens: not a
 * trimmed set's dropped-token bucket); for a top-k teacher the id
 * whose logit is largest among the K (ids need not be sorted), i.e. ids[p, argmax_k z_p,k].
 */
export function teacherArgmax(teacher: TeacherBatch): Tensor1D {
  if (teacher.kind === 'dense') {
    // a trimmed set's dropped-token bucket (the last column) is not a token: the argmax leaves it out
    return tf.argMax(teacher.droppedColumn ? sliceColumns(teacher.logits, 0, teacher.logits.shape[1] - 1) : teacher.logits, 1);
  }
  const rows = teacher.ids.shape[0];
  const best: Tensor2D = tf.reshape(tf.argMax(teacher.logits, 1), [rows, 1]); // [P, 1] index into K
  return tf.reshape(gatherRows(teacher.ids, best), [rows]);
}
