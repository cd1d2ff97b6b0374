/**
 * Puts teacher and student on a common support of M outcomes, as log-probabilities at temperature T.
 *
 * dense teacher (M = V):
 *   log p = logSoftmax(t / T),   log q = logSoftmax(s / T).
 *
 * top-k teacher WITH logsumexp (M = K + 1: the K ids and one tail bucket for every other id):
 *   At T = 1 this is exact: p_k = exp(z_k − lse), p_tail = 1 − Σ_k p_k; q_k = softmax(s)[id_k],
 *   q_tail = 1 − Σ_k q_k. At T ≠ 1 the teacher's tail mass at T is unknown (it depends on logits we don't
 *   have), so both sides are tempered at the bucket level:
 *     teacher bucket logits = [z_1 … z_K, lse + log p_tail]           (the tail's logit is its T = 1 log-mass)
 *     student bucket logits = [s_id1 … s_idK, log Σ_{v ∉ ids} exp(s_v)]
 *     log p = logSoftmax(teacher buckets / T),  log q = logSoftmax(student buckets / T).
 *   This coincides with exact KD at T = 1, and at any T when the tail is negligible. The tails are computed as
 *   lse_all + log(1 − exp(lse_topk − lse_all)) with −expm1, clamped at TAIL_MASS_FLOOR: the top-k may hold all
 *   the mass (K = V, or rounding makes Σ_k p_k ≥ 1), and log 0 would poison the loss. Caveat: a tail that is
 *   only float32 rounding noise (~1e-7, e.g. K = V) keeps that mass exactly at T = 1 but is raised to roughly
 *   mass^(1/T) by tempering; both sides get such a bucket, so the effect on the loss is small, and nil for K ≪ V.
 *
 * top-k teacher WITHOUT logsumexp (M = K, renormalised top-k):
 *   log p = logSoftmax(z / T),   log q = logSoftmax(s_ids / T),  s_ids = student logits at the teacher's ids.
 *   Never takes a softmax over the whole vocabulary: the cheapest path for a large V.
 *
 * The teacher side carries no gradient (its tensors are constants); the student side is differentiable.
 * logSoftmax / logSumExp are ops/log_softmax.ts (through the Softmax kernel: no Equal/Exp pass over [P, V]).
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { logSoftmaxRows, logSumExpRows } from '../ops/log_softmax.ts';
import { gatherRows } from './gather.ts';
import { logOneMinusExp } from './log_math.ts';
import type { TeacherBatch, TopKTeacherBatch } from './teacher.ts';

/**
 * Smallest tail-bucket mass (either side): a tail of 1e-12 contributes at most ~1e-12·28 nats, far below float32
 * resolution of a loss, while log(1e-12) ≈ −27.6 stays finite. Where it binds, the tail bucket gets no gradient.
 */
export const TAIL_MASS_FLOOR = 1e-12;

/** Log-probabilities of teacher (p) and student (q) over the same M outcomes. */
export interface AlignedDistributions {
  logP: Tensor2D; // [P, M] teacher, constant
  logQ: Tensor2D; // [P, M] student, differentiable
}

/** See the file comment for the three cases. `temperature` > 0. */
export function alignDistributions(
  studentLogits /* [P, V] */: Tensor2D,
  teacher: TeacherBatch,
  temperature: number,
): AlignedDistributions {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  const temper = (x: Tensor2D): Tensor2D => (temperature === 1 ? x : tf.div(x, temperature));
  if (teacher.kind === 'dense') {
    assertSameShape(studentLogits, teacher.logits);
    return { logP: logSoftmaxRows(temper(teacher.logits)), logQ: logSoftmaxRows(temper(studentLogits)) };
  }
  assertTopKShapes(studentLogits, teacher);
  const studentTopK = gatherRows(studentLogits, teacher.ids); // [P, K]
  if (!teacher.logsumexp) {
    return { logP: logSoftmaxRows(temper(teacher.logits)), logQ: logSoftmaxRows(temper(studentTopK)) };
  }
  const teacherTail = tailLogit(teacher.logits, teacher.logsumexp); // [P]
  const studentTail = tailLogit(studentTopK, logSumExpRows(studentLogits)); // [P]
  const teacherBuckets = tf.concat2d([teacher.logits, tf.reshape(teacherTail, [-1, 1])], 1); // [P, K+1]
  const studentBuckets = tf.concat2d([studentTopK, tf.reshape(studentTail, [-1, 1])], 1); // [P, K+1]
  return { logP: logSoftmaxRows(temper(teacherBuckets)), logQ: logSoftmaxRows(temper(studentBuckets)) };
}

/**
 * Log of the mass outside the top-k, as a logit on the scale of lseAll:
 *   lse_all + log(max(1 − exp(logsumexp(topK) − lse_all), TAIL_MASS_FLOOR))  = log Σ_{v ∉ top-k} exp(x_v).
 */
function tailLogit(topK /* [P, K] */: Tensor2D, lseAll /* [P] */: Tensor1D): Tensor1D {
  return tf.add(lseAll, logOneMinusExp(tf.sub(logSumExpRows(topK), lseAll), TAIL_MASS_FLOOR));
}

function assertSameShape(student: Tensor2D, teacher: Tensor2D): void {
  const [a, b] = [student.shape, teacher.shape];
  if (a[0] !== b[0] || a[1] !== b[1]) {
    throw new Error(`student logits [${a.join(', ')}] and dense teacher logits [${b.join(', ')}] differ in shape`);
  }
}

function assertTopKShapes(student: Tensor2D, teacher: TopKTeacherBatch): void {
  const [p, k] = teacher.ids.shape;
  if (p !== student.shape[0] || teacher.logits.shape[0] !== p || teacher.logits.shape[1] !== k) {
    throw new Error(
      `top-k teacher ids [${teacher.ids.shape.join(', ')}], logits [${teacher.logits.shape.join(', ')}] ` +
        `do not match student logits [${student.shape.join(', ')}]`,
    );
  }
  if (teacher.ids.dtype !== 'int32') throw new Error(`top-k teacher ids must be int32, got ${teacher.ids.dtype}`);
  if (teacher.logsumexp && teacher.logsumexp.shape[0] !== p) {
    throw new Error(`top-k teacher logsumexp has ${teacher.logsumexp.shape[0]} positions, expected ${p}`);
  }
}
