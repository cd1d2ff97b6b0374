import * as tf from '@tensorflow/tfjs';
import type { Tensor1D } from '@tensorflow/tfjs';
import type { StudentStats } from './stats.ts';
import type { TeacherBatch } from './teacher.ts';

/**
 * Logit matching (raw logits, no temperature), per position:
 *   dense:  ℓ_p = (1/V) Σ_v (s_p,v − t_p,v)²          (head/dense.ts, chunk by chunk)
 *   top-k:  ℓ_p = (1/K) Σ_k (s_p,id_k − z_p,k)²        (student at the teacher's ids)
 * Hugging Face's distiller sums over V instead of averaging (MSELoss(reduction="sum") / #positions): its loss_mse
 * is V × ours on a dense teacher, so an HF alpha_mse corresponds to alpha_mse · V here.
 */
export function msePerPosition(stats: StudentStats, teacher: TeacherBatch): Tensor1D {
  if (teacher.kind === 'dense') {
    if (!stats.mse) throw new Error('msePerPosition: the head statistics lack the dense MSE');
    return stats.mse;
  }
  if (!stats.topk) throw new Error('msePerPosition: the head statistics lack the top-k logits');
  return tf.mean(tf.squaredDifference(stats.topk, teacher.logits), 1);
}
