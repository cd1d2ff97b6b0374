/**
 * Per-position evaluation metrics, at T = 1, as [P] float32 tensors (the accumulator turns them into EvalMetrics),
 * from the student's head statistics (losses/stats.ts, computed with `metrics`). Distributions are compared on
 * the same support as the KD loss: the whole vocabulary for a dense teacher (the chunked head's KL and JSD), the
 * K + 1 buckets for top-k with logsumexp, the renormalised top-k without it (losses/align.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D } from '@tensorflow/tfjs';
import { alignTopK } from '../losses/align.ts';
import { DIVERGENCES } from '../losses/divergences/index.ts';
import type { StudentStats } from '../losses/stats.ts';
import type { TeacherBatch } from '../losses/teacher.ts';
import { IGNORE_INDEX } from '../types.ts';
import { teacherArgmax } from './argmax.ts';
import { probLoyalty } from './prob_loyalty.ts';

export interface PositionMetrics {
  agree: Tensor1D; // [P] 1 where argmax student = argmax teacher (label loyalty)
  probLoyalty: Tensor1D; // [P] 1 − √JS(p ‖ q) in bits, ∈ [0, 1]
  kl: Tensor1D; // [P] KL(p ‖ q) in nats
  labelled?: Tensor1D; // [P] 1 where labels ≠ −100 (with labels only)
  teacherCorrect?: Tensor1D; // [P] 1 where argmax teacher = label (0 where unlabelled)
  studentCorrect?: Tensor1D; // [P] 1 where argmax student = label (0 where unlabelled)
}

const HALF = { skew_alpha: 0, jsd_beta: 0.5 };

/** The metrics above for one batch; p = teacher, q = student, both at T = 1. No gradients are needed. */
export function positionMetrics(stats: StudentStats, teacher: TeacherBatch, labels?: Tensor1D /* [P] int32, −100 = none */): PositionMetrics {
  if (!stats.argmax) throw new Error('positionMetrics: the head statistics were computed without `metrics`');
  let kl: Tensor1D;
  let js: Tensor1D;
  if (teacher.kind === 'dense') {
    if (!stats.klAt1 || !stats.jsdAt1) throw new Error('positionMetrics: the dense head statistics lack KL / JSD at T = 1');
    [kl, js] = [stats.klAt1, stats.jsdAt1];
  } else {
    if (!stats.topk || !stats.tail) throw new Error('positionMetrics: the head statistics lack the top-k logits');
    const { logP, logQ } = alignTopK({ topk: stats.topk, tail: stats.tail }, teacher, 1);
    [kl, js] = [DIVERGENCES.kl(logP, logQ, HALF), DIVERGENCES.jsd(logP, logQ, HALF)];
  }
  const studentTop = stats.argmax;
  const teacherTop = teacherArgmax(teacher);
  const hit = (a: Tensor1D, b: Tensor1D): Tensor1D => tf.cast(tf.equal<Tensor1D>(a, b), 'float32');
  const metrics: PositionMetrics = { agree: hit(studentTop, teacherTop), probLoyalty: probLoyalty(js), kl };
  if (!labels) return metrics;
  const ints = tf.cast(labels, 'int32');
  return {
    ...metrics,
    labelled: tf.cast(tf.notEqual<Tensor1D>(ints, IGNORE_INDEX), 'float32'),
    teacherCorrect: hit(teacherTop, ints), // a label of −100 never equals an id ≥ 0
    studentCorrect: hit(studentTop, ints),
  };
}
