import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import { alignDistributions } from './align.ts';
import { DIVERGENCES } from './divergences/index.ts';
import type { TeacherBatch } from './teacher.ts';
import { weightedMean } from './weighted_mean.ts';

export type KdOptions = Pick<DistillConfig, 'temperature' | 'divergence' | 'skew_alpha' | 'jsd_beta'>;

/**
 * The distillation term:
 *   kd = T² · Σ_p w_p · D(p_T ‖ q_T)_p / max(Σ_p w_p, 1)
 * with p_T, q_T the teacher and student distributions at temperature T on their aligned support (align.ts) and
 * D the configured divergence. T² keeps gradient magnitudes comparable across T (Hinton et al. 2015); with
 * D = kl it equals Hugging Face's distiller loss_ce (KLDivLoss(batchmean) · T² over the selected positions).
 */
export function kdLoss(
  studentLogits /* [P, V] */: Tensor2D,
  teacher: TeacherBatch,
  weights /* [P] */: Tensor1D,
  options: KdOptions,
): Scalar {
  const { logP, logQ } = alignDistributions(studentLogits, teacher, options.temperature);
  const perPosition = DIVERGENCES[options.divergence](logP, logQ, options); // [P]
  return tf.mul(weightedMean(perPosition, weights), options.temperature * options.temperature);
}
