/**
 * The objective as it ran before the chunked head (main at 5365ed7: losses/align.ts, kd.ts, hard.ts, mse.ts,
 * divergences/kl.ts), frozen here as the reference of objective_parity.test.ts: full [P, V] logits, tfjs autodiff,
 * the student's tail by subtraction. Test-only; not part of the engine.
 */
import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Divergence } from '../config/config.ts';
import { floorAt } from '../ops/floor_at.ts';
import { logSoftmaxRows, logSumExpRows } from '../ops/log_softmax.ts';
import { IGNORE_INDEX } from '../types.ts';
import { gatherRows } from './gather.ts';
import { LOG_PROB_FLOOR, logMix } from './log_math.ts';
import { weightedMean } from './weighted_mean.ts';

export type PreviousTeacher =
  | { kind: 'dense'; logits: Tensor2D }
  | { kind: 'topk'; ids: Tensor2D; logits: Tensor2D; logsumexp?: Tensor1D };

interface Params {
  skew_alpha: number;
  jsd_beta: number;
}

function klFromLogs(logA: Tensor2D, logB: Tensor2D, constantA = false): Tensor1D {
  const safeA = floorAt(logA, LOG_PROB_FLOOR);
  const safeB = floorAt(logB, LOG_PROB_FLOOR);
  const a = constantA ? tf.softmax(safeA) : tf.exp(safeA);
  return tf.sum(tf.mul(a, tf.sub(safeA, safeB)), 1);
}

const DIVERGENCES: Record<Divergence, (logP: Tensor2D, logQ: Tensor2D, p: Params) => Tensor1D> = {
  kl: (logP, logQ) => klFromLogs(logP, logQ, true),
  rkl: (logP, logQ) => klFromLogs(logQ, logP),
  skew_kl: (logP, logQ, { skew_alpha }) => klFromLogs(logP, logMix(logP, logQ, skew_alpha), true),
  skew_rkl: (logP, logQ, { skew_alpha }) => klFromLogs(logQ, logMix(logP, logQ, 1 - skew_alpha)),
  jsd: (logP, logQ, { jsd_beta }) => {
    const logM = logMix(logP, logQ, jsd_beta);
    return tf.add(tf.mul(klFromLogs(logP, logM, true), jsd_beta), tf.mul(klFromLogs(logQ, logM), 1 - jsd_beta));
  },
};

function tailLogit(topK: Tensor2D, lseAll: Tensor1D): Tensor1D {
  const x = tf.sub(logSumExpRows(topK), lseAll);
  return tf.add(lseAll, tf.log(tf.maximum(tf.neg(tf.expm1(x)), 1e-12)));
}

function align(s: Tensor2D, teacher: PreviousTeacher, t: number) {
  const temper = (x: Tensor2D): Tensor2D => (t === 1 ? x : tf.div(x, t));
  if (teacher.kind === 'dense') return { logP: logSoftmaxRows(temper(teacher.logits)), logQ: logSoftmaxRows(temper(s)) };
  const top = gatherRows(s, teacher.ids);
  if (!teacher.logsumexp) return { logP: logSoftmaxRows(temper(teacher.logits)), logQ: logSoftmaxRows(temper(top)) };
  const tb = tf.concat2d([teacher.logits, tf.reshape(tailLogit(teacher.logits, teacher.logsumexp), [-1, 1])], 1);
  const sb = tf.concat2d([top, tf.reshape(tailLogit(top, logSumExpRows(s)), [-1, 1])], 1);
  return { logP: logSoftmaxRows(temper(tb)), logQ: logSoftmaxRows(temper(sb)) };
}

export function previousKd(s: Tensor2D, teacher: PreviousTeacher, w: Tensor1D, o: Params & { divergence: Divergence; temperature: number }): Scalar {
  const { logP, logQ } = align(s, teacher, o.temperature);
  return tf.mul(weightedMean(DIVERGENCES[o.divergence](logP, logQ, o), w), o.temperature * o.temperature);
}

export function previousHard(s: Tensor2D, labels: Tensor1D): Scalar {
  const rows = s.shape[0];
  const ints = tf.cast(labels, 'int32');
  const labelled: Tensor1D = tf.notEqual(ints, IGNORE_INDEX);
  const safe = tf.where(labelled, ints, tf.zerosLike(ints));
  const label = tf.reshape(gatherRows(s, tf.reshape(safe, [rows, 1])), [rows]);
  return weightedMean(tf.sub(logSumExpRows(s), label), tf.cast(labelled, 'float32'));
}

export function previousMse(s: Tensor2D, teacher: PreviousTeacher, w: Tensor1D): Scalar {
  const student = teacher.kind === 'dense' ? s : gatherRows(s, teacher.ids);
  return weightedMean(tf.mean(tf.squaredDifference(student, teacher.logits), 1), w);
}
