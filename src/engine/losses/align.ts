/**
 * Puts a top-k teacher and the student on a common support, as log-probabilities at temperature T, from the
 * student's head statistics (head/gathered.ts: its logits at the teacher's K ids and its tail) — never from
 * [P, V] logits. (A dense teacher's support is the whole vocabulary: head/dense.ts works on it chunk by chunk.)
 *
 * top-k teacher WITH logsumexp (M = K + 1: the K ids and one tail bucket for every other id):
 *   teacher buckets  b_t = [z_1 … z_K, τ_t],   τ_t = log Σ_{v ∉ top-k} exp(z_v)   (teacher_tail.ts, float64 on the host)
 *   student buckets  b_s = [s_id1 … s_idK, τ_s], τ_s = log Σ_{v ∉ top-k} exp(s_v)  (summed from those logits)
 *   log p_T = log_softmax(b_t / T),  log q_T = log_softmax(b_s / T),  and then the tail bucket of each side is
 *   floored at TAIL_MASS_FLOOR: log p_T,tail ← max(log p_T,tail, log ε) (likewise q).
 * At T = 1 the buckets are the exact aggregated distributions (p_k = exp(z_k − lse), p_tail = 1 − Σ_k p_k). At
 * T ≠ 1 the tail bucket is tempered as one outcome whose logit is its T = 1 log-mass: the teacher's tempered tail
 * depends on logits the file does not hold, and this is the one definition both sides can share. The floor comes
 * after tempering, so tempering never raises it (a tail of 1e-12 stays 1e-12 at T = 4), and it keeps reverse KL
 * bounded: Σ q log(q / p) ≤ −log min_m p_m ≤ log(1/ε) + the top-k's own term. With K = V both tails are empty
 * (≈ −1e30) and both floored: the bucket contributes ε·log(ε/ε) = 0.
 *
 * top-k teacher WITHOUT logsumexp (M = K, renormalised top-k):
 *   log p = log_softmax(z / T),  log q = log_softmax(s_ids / T): the cheapest path (no tail at all).
 *
 * The teacher side carries no gradient (its tensors are constants); the student side is differentiable.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { floorAt } from '../ops/floor_at.ts';
import { logSoftmaxRows } from '../ops/log_softmax.ts';
import type { TopKTeacherBatch } from './teacher.ts';

/** Smallest tempered tail-bucket mass, either side: ε·28 nats is far below a loss's float32 resolution. */
export const TAIL_MASS_FLOOR = 1e-12;

/** Log-probabilities of teacher (p) and student (q) over the same M outcomes. */
export interface AlignedDistributions {
  logP: Tensor2D; // [P, M] teacher, constant
  logQ: Tensor2D; // [P, M] student, differentiable
}

/** The student's side of a top-k teacher: its logits at the teacher's ids and its log-mass outside them. */
export interface StudentTopK {
  topk: Tensor2D; // [P, K]
  tail: Tensor1D; // [P]
}

/** See the file comment. `temperature` > 0. */
export function alignTopK(student: StudentTopK, teacher: TopKTeacherBatch, temperature: number): AlignedDistributions {
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  const [p, k] = teacher.ids.shape;
  if (student.topk.shape[0] !== p || student.topk.shape[1] !== k || teacher.logits.shape[1] !== k) {
    throw new Error(`top-k teacher [${teacher.logits.shape}] and student top-k [${student.topk.shape}] differ in shape`);
  }
  const temper = (x: Tensor2D): Tensor2D => (temperature === 1 ? x : tf.div(x, temperature));
  if (!teacher.tail) return { logP: logSoftmaxRows(temper(teacher.logits)), logQ: logSoftmaxRows(temper(student.topk)) };
  const buckets = (top: Tensor2D, tail: Tensor1D) => logSoftmaxRows(temper(tf.concat2d([top, tf.reshape(tail, [p, 1])], 1)));
  const floorTail = (x: Tensor2D): Tensor2D =>
    tf.concat2d([tf.slice(x, [0, 0], [p, k]), floorAt(tf.slice(x, [0, k], [p, 1]), Math.log(TAIL_MASS_FLOOR))], 1);
  return { logP: floorTail(buckets(teacher.logits, teacher.tail)), logQ: floorTail(buckets(student.topk, student.tail)) };
}
