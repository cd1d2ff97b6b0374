import * as tf from '@tensorflow/tfjs';
import type { Tensor1D } from '@tensorflow/tfjs';
import { alignTopK } from './align.ts';
import { DIVERGENCES } from './divergences/index.ts';
import type { KdOptions, StudentStats } from './stats.ts';
import type { TeacherBatch } from './teacher.ts';

/**
 * The distillation term per position:
 *   kd_p = T² · D(p_T ‖ q_T)_p
 * with p_T, q_T the teacher and student distributions at temperature T — over the vocabulary for a dense teacher
 * (head/dense.ts computed D chunk by chunk), over the K + 1 buckets (or the renormalised K) of a top-k teacher
 * (align.ts) — and D the configured divergence. T² keeps gradient magnitudes comparable across T (Hinton et al.
 * 2015); with D = kl the weighted mean of kd_p is Hugging Face's distiller loss_ce (KLDivLoss(batchmean) · T²).
 */
export function kdPerPosition(stats: StudentStats, teacher: TeacherBatch, options: KdOptions): Tensor1D {
  const t2 = options.temperature * options.temperature;
  if (teacher.kind === 'dense') {
    if (!stats.kd) throw new Error('kdPerPosition: the head statistics lack the dense KD divergence');
    return tf.mul(stats.kd, t2);
  }
  if (!stats.topk || !stats.tail) throw new Error('kdPerPosition: the head statistics lack the top-k logits');
  const { logP, logQ } = alignTopK({ topk: stats.topk, tail: stats.tail }, teacher, options.temperature);
  return tf.mul(DIVERGENCES[options.divergence](logP, logQ, options), t2);
}
