import * as tf from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import { disposeBatch, type Batch } from '../data/batches.ts';
import { LOSS_NAMES, LOSS_WEIGHT_KEYS, type LossName } from '../losses/names.ts';
import { createMetricsAccumulator } from '../metrics/accumulator.ts';
import { positionMetrics } from '../metrics/position.ts';
import type { Student } from '../model/student.ts';
import type { EvalMetrics, LossComponents } from '../trainer_types.ts';
import { objective } from './objective.ts';

export interface EvalContext {
  student: Student;
  config: Readonly<DistillConfig>;
  projection: tf.Variable | null;
  /** Language tag of each example, when the set has `langs`. */
  langs?: readonly string[];
  activeTerms: readonly LossName[];
  /** Positions per example row in the flattened logits: L for token tasks, 1 for classification. */
  positionsPerRow: number;
  /** Masked LM: also loyalty over the labelled (masked) positions (metrics/accumulator.ts). */
  maskedLoyalty?: boolean;
}

/**
 * Held-out metrics over `batches` (built by the caller, disposed by the caller): the loyalty metrics of
 * metrics/position.ts at T = 1, aggregated per language, and the losses exactly as the trainer computes them
 * (the same objective, one head pass for both), each averaged over its own positions of all evaluated examples:
 * loss_i = Σ_batches Σ_p w_i,p ℓ_i,p / Σ_batches Σ_p w_i,p; total = Σ_i α_i · loss_i.
 * One asynchronous read-back per batch; no gradients.
 */
export async function evaluateBatches(ctx: EvalContext, batches: Iterable<Batch>): Promise<EvalMetrics> {
  const acc = createMetricsAccumulator({ masked: ctx.maskedLoyalty });
  const sums = new Float64Array(2 * LOSS_NAMES.length); // per term: Σ w·ℓ, Σ w
  for (const batch of batches) {
    const packed = tf.tidy(() => {
      const { losses } = objective(ctx.student, batch, ctx.config, ctx.projection, { training: false }, { metrics: true });
      const m = positionMetrics(losses.stats, batch.teacher, batch.labels);
      const rows: tf.Tensor1D[] = [m.agree, m.probLoyalty, m.kl];
      if (m.teacherCorrect && m.studentCorrect) rows.push(m.teacherCorrect, m.studentCorrect);
      const zero = tf.scalar(0);
      const termSums = LOSS_NAMES.flatMap((name) => {
        const t = losses.terms[name];
        if (!t) return [zero, zero];
        const w = tf.where(tf.greater(t.weights, 0), t.weights, tf.zerosLike(t.weights));
        return [tf.sum(tf.mul(w, tf.where(tf.greater(w, 0), t.values, tf.zerosLike(t.values)))), tf.sum(w)];
      });
      return { metrics: tf.stack(rows), losses: tf.stack(termSums) };
    });
    const [metricData, lossData] = await Promise.all([packed.metrics.data(), packed.losses.data()]);
    packed.metrics.dispose();
    packed.losses.dispose();
    const p = batch.hostWeights.length;
    const row = (i: number) => Float32Array.from(metricData.subarray(i * p, (i + 1) * p));
    const langs = ctx.langs
      ? Array.from({ length: p }, (_, i) => ctx.langs?.[batch.indices[Math.floor(i / ctx.positionsPerRow)]])
      : undefined;
    const hasAcc = packed.metrics.shape[0] === 5;
    acc.add(
      {
        agree: row(0),
        probLoyalty: row(1),
        kl: row(2),
        teacherCorrect: hasAcc ? row(3) : undefined,
        studentCorrect: hasAcc ? row(4) : undefined,
      },
      batch.hostWeights,
      langs,
      hasAcc ? batch.hostLabelMask : undefined, // accuracy denominator: labelled positions of valid rows
    );
    for (let i = 0; i < sums.length; i++) sums[i] += lossData[i];
  }
  const loss: LossComponents = { total: 0 };
  LOSS_NAMES.forEach((name, i) => {
    if (!ctx.activeTerms.includes(name)) return;
    const value = sums[2 * i] / Math.max(sums[2 * i + 1], 1);
    loss[name] = value;
    loss.total += ctx.config[LOSS_WEIGHT_KEYS[name]] * value;
  });
  return { ...acc.summarize(), loss };
}

/** The batches of `indices`, batchSize at a time (the last padded), each disposed once the consumer moves on. */
export function* batchesOf(indices: readonly number[], batchSize: number, batchOf: (indices: readonly number[]) => Batch): Generator<Batch> {
  for (let i = 0; i < indices.length; i += batchSize) {
    const batch = batchOf(indices.slice(i, i + batchSize));
    try {
      yield batch;
    } finally {
      disposeBatch(batch);
    }
  }
}
