import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DivergenceFn } from './types.ts';
import { LOG_PROB_FLOOR } from '../log_math.ts';

/**
 * KL(a ‖ b) = Σ_m a_m (log a_m − log b_m) per row, from log a and log b [P, M] → [P] nats, with both logs
 * floored at LOG_PROB_FLOOR (log_math.ts). Outcomes where a_m = 0 contribute 0 (0·log 0 = 0) in value and in
 * gradient; where b_m = 0 but a_m > 0 the term is large (≈ 1e4·a_m) but finite, as is its gradient.
 * (A `where` mask would not do: its condition would depend on the student, and tfjs has no gradient for the
 * comparison ops on the tape.)
 */
export function klFromLogs(logA /* [P, M] */: Tensor2D, logB /* [P, M] */: Tensor2D): Tensor1D {
  const safeA = tf.maximum(logA, LOG_PROB_FLOOR);
  const safeB = tf.maximum(logB, LOG_PROB_FLOOR);
  return tf.sum(tf.mul(tf.exp(safeA), tf.sub(safeA, safeB)), 1);
}

/** Forward KL(p ‖ q) = Σ p (log p − log q): mode-covering; Hinton et al.'s KD loss (up to T²). */
export const kl: DivergenceFn = (logP, logQ) => klFromLogs(logP, logQ);
