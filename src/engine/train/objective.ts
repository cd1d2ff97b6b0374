import * as tf from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import type { Batch } from '../data/batches.ts';
import type { HeadOptions } from '../head/chunks.ts';
import { computeLosses, type LossOutputs } from '../losses/combine.ts';
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
  /** The registry's outputs: components, per-position terms, the head statistics. */
  losses: LossOutputs;
}

/** The components a config computes (alpha > 0 and the data to compute it). */
export function activeTerms(config: Readonly<DistillConfig>, hasLabels: boolean, hasHidden: boolean): LossName[] {
  const fed: Record<LossName, boolean> = { kd: true, hard: hasLabels, cos: hasHidden, mse: true };
  return LOSS_NAMES.filter((name) => config[LOSS_WEIGHT_KEYS[name]] > 0 && fed[name]);
}

/**
 * The distillation objective on one batch (call inside tf.tidy / tf.variableGrads), through the loss registry
 * (losses/combine.ts) on the student's chunked head:
 *   total = α_kd·T²·D(p_T ‖ q_T) + α_hard·CE(labels, q) + α_cos·(1 − cos(h_s W, h_t)) + α_mse·MSE(s, t)
 * `metrics` also computes what the loyalty metrics read (evaluation).
 */
export function objective(
  student: Student,
  batch: Batch,
  config: Readonly<DistillConfig>,
  projection: tf.Variable | null,
  forward: ForwardOptions,
  extra: { metrics?: boolean; headOptions?: HeadOptions } = {},
): ObjectiveOutput {
  const out = student.forward(batch.inputIds, batch.mask, forward);
  const [b, l] = batch.inputIds.shape;
  const losses = computeLosses(
    {
      head: out.head,
      teacher: batch.teacher,
      weights: batch.weights,
      labels: batch.labels,
      studentHidden: config.alpha_cos > 0 ? (out.hidden.reshape([b * l, student.spec.dModel]) as tf.Tensor2D) : undefined,
      teacherHidden: batch.teacherHidden,
      tokenWeights: batch.tokenWeights,
      projection,
      headOptions: extra.headOptions,
    },
    config,
    { metrics: extra.metrics },
  );
  const zero = tf.scalar(0);
  const vector = tf.stack([losses.total, ...LOSS_NAMES.map((name) => losses.components[name] ?? zero)]) as tf.Tensor1D;
  return { total: losses.total, vector, losses };
}
