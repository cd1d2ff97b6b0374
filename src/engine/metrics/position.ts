/**
 * Per-position evaluation metrics, at T = 1, as [P] float32 tensors (the accumulator turns them into EvalMetrics).
 * Distributions are compared on the same aligned support as the KD loss (losses/align.ts): full V for a dense
 * teacher, K + 1 buckets for top-k with logsumexp, the renormalised top-k without it.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { alignDistributions } from '../losses/align.ts';
import { klFromLogs } from '../losses/divergences/kl.ts';
import type { TeacherBatch } from '../losses/teacher.ts';
import { IGNORE_INDEX } from '../types.ts';
import { studentArgmax, teacherArgmax } from './argmax.ts';
import { probLoyalty } from './prob_loyalty.ts';

export interface PositionMetrics {
  agree: Tensor1D; // [P] 1 where argmax student = argmax teacher (label loyalty)
  probLoyalty: Tensor1D; // [P] 1 − √JS(p ‖ q) in bits, ∈ [0, 1]
  kl: Tensor1D; // [P] KL(p ‖ q) in nats
  labelled?: Tensor1D; // [P] 1 where labels ≠ −100 (with labels only)
  teacherCorrect?: Tensor1D; // [P] 1 where argmax teacher = label (0 where unlabelled)
  studentCorrect?: Tensor1D; // [P] 1 where argmax student = label (0 where unlabelled)
}

/** The metrics above for one batch; p = teacher, q = student, both at T = 1. No gradients are needed. */
export function positionMetrics(
  studentLogits /* [P, V] or [B, C] */: Tensor2D,
  teacher: TeacherBatch,
  labels?: Tensor1D /* [P] int32, −100 = none */,
): PositionMetrics {
  const { logP, logQ } = alignDistributions(studentLogits, teacher, 1);
  const studentTop = studentArgmax(studentLogits);
  const teacherTop = teacherArgmax(teacher);
  const hit = (a: Tensor1D, b: Tensor1D): Tensor1D => tf.cast(tf.equal<Tensor1D>(a, b), 'float32');
  const metrics: PositionMetrics = {
    agree: hit(studentTop, teacherTop),
    probLoyalty: probLoyalty(logP, logQ),
    kl: klFromLogs(logP, logQ, true),
  };
  if (!labels) return metrics;
  const ints = tf.cast(labels, 'int32');
  return {
    ...metrics,
    labelled: tf.cast(tf.notEqual<Tensor1D>(ints, IGNORE_INDEX), 'float32'),
    teacherCorrect: hit(teacherTop, ints), // a label of −100 never equals an id ≥ 0
    studentCorrect: hit(studentTop, ints),
  };
}
