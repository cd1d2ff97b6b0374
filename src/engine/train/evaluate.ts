import * as tf from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import { disposeBatch, type Batch } from '../data/batches.ts';
import { createMetricsAccumulator } from '../metrics/accumulator.ts';
import { positionMetrics } from '../metrics/position.ts';
import type { Student } from '../model/student.ts';
import type { EvalMetrics, LossComponents } from '../trainer_types.ts';
import type { LossName } from '../losses/names.ts';
import { LOSS_SLOTS, objective } from './objective.ts';

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
 * metrics/position.ts at T = 1, aggregated per language, and the held-out losses with the run's weights.
 * One asynchronous read-back per batch; no gradients.
 */
export async function evaluateBatches(ctx: EvalContext, batches: Iterable<Batch>): Promise<EvalMetrics> {
  const acc = createMetricsAccumulator({ masked: ctx.maskedLoyalty });
  const lossSums = new Float64Array(LOSS_SLOTS.length);
  let lossWeight = 0;
  for (const batch of batches) {
    const packed = tf.tidy(() => {
      const out = objective(ctx.student, batch, ctx.config, ctx.projection, { training: false });
      const m = positionMetrics(out.logits2d, batch.teacher, batch.labels);
      const rows: tf.Tensor1D[] = [m.agree, m.probLoyalty, m.kl];
      if (m.teacherCorrect && m.studentCorrect) rows.push(m.teacherCorrect, m.studentCorrect);
      return { metrics: tf.stack(rows), losses: out.vector };
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
    const w = batch.validRows / batch.indices.length;
    for (let i = 0; i < LOSS_SLOTS.length; i++) lossSums[i] += lossData[i] * w;
    lossWeight += w;
  }
  const summary = acc.summarize();
  const loss: LossComponents = { total: lossSums[0] / Math.max(lossWeight, 1e-12) };
  LOSS_SLOTS.forEach((slot, i) => {
    if (slot !== 'total' && ctx.activeTerms.includes(slot)) loss[slot] = lossSums[i] / Math.max(lossWeight, 1e-12);
  });
  return { ...summary, loss };
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
