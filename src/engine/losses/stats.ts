/**
 * What the objective and the metrics read from the student's LM head, computed once per batch through the
 * chunked head (head/): never the [P, V] logits.
 *   top-k teacher: the student's logits at the teacher's ids and at the labels, its tail outside the ids
 *                  (one pass over the vocabulary; also its argmax when evaluating)
 *   dense teacher: the KD divergence at T, the MSE and the label terms in one chunked op, and at T = 1 the
 *                  metrics' KL and JSD (a second op unless T = 1)
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DistillConfig } from '../config/config.ts';
import type { HeadInput, HeadOptions } from '../head/chunks.ts';
import { denseHeadStats } from '../head/dense.ts';
import { gatheredHeadStats } from '../head/gathered.ts';
import { logSumExpRows } from '../ops/log_softmax.ts';
import { IGNORE_INDEX } from '../types.ts';
import { logAddExp } from './log_math.ts';
import type { TeacherBatch } from './teacher.ts';

export type KdOptions = Pick<DistillConfig, 'temperature' | 'divergence' | 'skew_alpha' | 'jsd_beta'>;

/** Which statistics a batch needs. */
export interface StatsNeeds {
  kd?: KdOptions;
  mse?: boolean;
  /** [P] int32 labels (−100 = none): the hard-label CE's lse and label logit. */
  labels?: Tensor1D;
  /** The metrics' T = 1 quantities and the argmax (evaluation only). */
  metrics?: boolean;
}

export interface StudentStats {
  topk?: Tensor2D; // [P, K] top-k teacher: student logits at its ids
  tail?: Tensor1D; // [P] top-k teacher: log Σ_{v ∉ ids} exp(s_v)
  kd?: Tensor1D; // [P] dense teacher: D(p_T ‖ q_T), nats (not T²-scaled)
  mse?: Tensor1D; // [P] dense teacher: (1/V) Σ_v (s − t)²
  klAt1?: Tensor1D; // [P] dense teacher, metrics
  jsdAt1?: Tensor1D; // [P] dense teacher, metrics (β = ½, nats)
  lse?: Tensor1D; // [P] log Σ_v exp(s_v), with labels
  labelLogit?: Tensor1D; // [P] s at the label (any value where unlabelled), with labels
  argmax?: Tensor1D; // [P] int32, metrics
}

/** Labels with −100 mapped to id 0 (a valid gather; the losses mask those positions out). */
export function safeLabels(labels: Tensor1D): Tensor1D {
  const ints = tf.cast(labels, 'int32');
  return tf.where(tf.notEqual(ints, IGNORE_INDEX), ints, tf.zerosLike(ints));
}

const JSD_HALF = { skew_alpha: 0, jsd_beta: 0.5 };

export function studentStats(head: HeadInput, teacher: TeacherBatch, needs: StatsNeeds, options: HeadOptions = {}): StudentStats {
  const labels = needs.labels ? safeLabels(needs.labels) : undefined;
  if (teacher.kind === 'topk') {
    const k = teacher.ids.shape[1];
    const ids = labels ? tf.concat2d([teacher.ids, tf.reshape(labels, [-1, 1])], 1) : teacher.ids;
    const s = gatheredHeadStats(head, { ids, exclude: k, argmax: needs.metrics }, options);
    const topk = labels ? tf.slice(s.gathered, [0, 0], [-1, k]) : s.gathered;
    const out: StudentStats = { topk, tail: s.tail, argmax: s.argmax };
    if (labels) {
      out.labelLogit = tf.reshape(tf.slice(s.gathered, [0, k], [-1, 1]), [-1]);
      out.lse = logAddExp(s.tail, logSumExpRows(topk)); // the full log-sum-exp, exactly: no subtraction
    }
    return out;
  }
  const divergence = needs.kd ? [{ name: needs.kd.divergence, params: needs.kd } as const] : [];
  const metricDivergences = [{ name: 'kl', params: JSD_HALF }, { name: 'jsd', params: JSD_HALF }] as const;
  const temperature = needs.kd?.temperature ?? 1;
  const oneCall = needs.metrics && temperature === 1;
  const argmaxColumns = teacher.droppedColumn ? teacher.logits.shape[1] - 1 : undefined; // the bucket is no token
  const main = divergence.length > 0 || needs.mse || labels || oneCall
    ? denseHeadStats(head, { teacher: teacher.logits, temperature, divergences: oneCall ? [...divergence, ...metricDivergences] : divergence, mse: needs.mse, labels, argmax: oneCall, argmaxColumns }, options)
    : undefined;
  const out: StudentStats = { kd: needs.kd ? main?.divergences[0] : undefined, mse: main?.mse, lse: main?.lse, labelLogit: main?.labelLogit };
  if (needs.metrics) {
    const m = oneCall ? main : denseHeadStats(head, { teacher: teacher.logits, temperature: 1, divergences: metricDivergences, argmax: true, argmaxColumns }, options);
    const at = oneCall ? divergence.length : 0;
    out.klAt1 = m?.divergences[at];
    out.jsdAt1 = m?.divergences[at + 1];
    out.argmax = m?.argmax;
  }
  return out;
}
