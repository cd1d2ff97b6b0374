import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { logSumExpRows } from '../ops/log_softmax.ts';
import { IGNORE_INDEX } from '../types.ts';
import { gatherRows } from './gather.ts';
import { weightedMean } from './weighted_mean.ts';

/**
 * Cross-entropy against hard labels, at T = 1, averaged over labelled positions:
 *   ce_p = logsumexp_v(s_p,v) − s_p,label_p,   hard = Σ_p [label_p ≠ −100]·ce_p / max(#labelled, 1).
 * The label logit is gathered (no [P, V] one-hot). 0 when no position is labelled.
 */
export function hardLoss(studentLogits /* [P, V] or [B, C] */: Tensor2D, labels /* [P] int32, −100 = none */: Tensor1D): Scalar {
  const rows = studentLogits.shape[0];
  if (labels.shape[0] !== rows) throw new Error(`hardLoss: ${labels.shape[0]} labels for ${rows} positions`);
  const ints = tf.cast(labels, 'int32');
  const labelled: Tensor1D = tf.notEqual(ints, IGNORE_INDEX); // [P] bool
  const safeLabels = tf.where(labelled, ints, tf.zerosLike(ints)); // −100 → 0 so the gather stays in range
  const labelLogit = tf.reshape(gatherRows(studentLogits, tf.reshape(safeLabels, [rows, 1])), [rows]); // [P]
  const ce: Tensor1D = tf.sub(logSumExpRows(studentLogits), labelLogit); // [P]
  return weightedMean(ce, tf.cast(labelled, 'float32'));
}
