import * as tf from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import type { Batch } from '../data/batches.ts';
import { cosineLoss } from '../losses/cosine.ts';
import { hardLoss } from '../losses/hard.ts';
import { kdLoss } from '../losses/kd.ts';
import { mseLoss } from '../losses/mse.ts';
import { LOSS_NAMES, LOSS_WEIGHT_KEYS, type LossName } from '../losses/names.ts';
import type { ForwardOptions, Student } from '../model/student.ts';

/** Order of the loss vector the trainer reads back: [total, ...LOSS_NAMES] = [total, kd, hard, cos, mse]. */
export const LOSS_SLOTS = ['total', ...LOSS_NAMES] as const;
export type LossSlot = (typeof LOSS_SLOTS)[number];

export interface ObjectiveOutput {
  /** Σ alpha_i · loss_i, the scalar that is differentiated. */
  total: tf.Scalar;
  /** [5]: total and each raw component (0 for terms whose alpha is 0). */
  vector: tf.Tensor1D;
  /** Student logits flattened to positions: [P, V] (token tasks) or [B, C]. */
  logits2d: tf.Tensor2D;
}

/** The components a config computes (alpha > 0 and the data to compute it). */
export function activeTerms(config: Readonly<DistillConfig>, hasLabels: boolean, hasHidden: boolean): LossName[] {
  const fed: Record<LossName, boolean> = { kd: true, hard: hasLabels, cos: hasHidden, mse: true };
  return LOSS_NAMES.filter((name) => config[LOSS_WEIGHT_KEYS[name]] > 0 && fed[name]);
}

/**
 * The distillation objective on one batch (call inside tf.tidy / tf.variableGrads):
 *   total = α_kd·T²·D(p_T ‖ q_T) + α_hard·CE(labels, q) + α_cos·(1 − cos(h_s W, h_t)) + α_mse·‖s − t‖²/V
 */
export function objective(
  student: Student,
  batch: Batch,
  config: Readonly<DistillConfig>,
  projection: tf.Variable | null,
  forward: ForwardOptions,
): ObjectiveOutput {
  const out = student.forward(batch.inputIds, batch.mask, forward);
  const [b, l] = batch.inputIds.shape;
  const logits2d = (student.spec.task === 'classification' ? out.logits : out.logits.reshape([b * l, student.spec.vocabSize])) as tf.Tensor2D;
  const zero = tf.scalar(0);
  const kd = config.alpha_kd > 0
    ? kdLoss(logits2d, batch.teacher, batch.weights, {
        temperature: config.temperature,
        divergence: config.divergence,
        skew_alpha: config.skew_alpha,
        jsd_beta: config.jsd_beta,
      })
    : zero;
  const hard = config.alpha_hard > 0 && batch.labels ? hardLoss(logits2d, batch.labels) : zero;
  const cos = config.alpha_cos > 0 && batch.teacherHidden
    ? cosineLoss(out.hidden.reshape([b * l, student.spec.dModel]) as tf.Tensor2D, batch.teacherHidden, batch.tokenWeights, projection ?? undefined)
    : zero;
  const mse = config.alpha_mse > 0 ? mseLoss(logits2d, batch.teacher, batch.weights) : zero;
  const parts: Record<LossName, tf.Scalar> = { kd, hard, cos, mse };
  const total = tf.addN(LOSS_NAMES.map((name) => parts[name].mul(config[LOSS_WEIGHT_KEYS[name]]))) as tf.Scalar;
  return { total, vector: tf.stack([total, ...LOSS_NAMES.map((name) => parts[name])]) as tf.Tensor1D, logits2d };
}
