import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { gatherRows } from './gather.ts';
import type { TeacherBatch } from './teacher.ts';
import { weightedMean } from './weighted_mean.ts';

/**
 * Logit matching (raw logits, no temperature):
 *   dense:  ℓ_p = (1/V) Σ_v (s_p,v − t_p,v)²
 *   top-k:  ℓ_p = (1/K) Σ_k (s_p,id_k − z_p,k)²   (student gathered at the teacher's ids)
 *   mse = Σ_p w_p ℓ_p / max(Σ_p w_p, 1).
 * Hugging Face's distiller sums over V instead of averaging (MSELoss(sum) / #positions): ours is that / V.
 */
export function mseLoss(studentLogits /* [P, V] */: Tensor2D, teacher: TeacherBatch, weights /* [P] */: Tensor1D): Scalar {
  const student = teacher.kind === 'dense' ? studentLogits : gatherRows(studentLogits, teacher.ids);
  if (student.shape[0] !== teacher.logits.shape[0] || student.shape[1] !== teacher.logits.shape[1]) {
    throw new Error(`mseLoss: student [${student.shape.join(', ')}] vs teacher [${teacher.logits.shape.join(', ')}]`);
  }
  return weightedMean(tf.mean(tf.squaredDifference(student, teacher.logits), 1), weights);
}
