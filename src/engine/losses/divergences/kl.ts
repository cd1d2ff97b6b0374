import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DivergenceFn } from './types.ts';

/**
 * Floor applied to log-probabilities inside KL. exp(x) is 0 in float32 below ≈ −103.3, so for finite logits
 * (gaps < 1e4) the floor changes nothing; it turns the ±∞ arithmetic of log 0 (a −∞ logit, or p = 0 given as
 * input) into finite numbers: 0·log 0 terms give exactly 0, and a KL against q = 0 where p > 0 is a large
 * finite value (≈ 1e4·p) with a finite gradient instead of ∞/NaN.
 */
export const LOG_PROB_FLOOR = -1e4;

/**
 * KL(a ‖ b) = Σ_m a_m (log a_m − log b_m) per row, from log a and log b [P, M] → [P] nats, with both logs
 * clamped at LOG_PROB_FLOOR. Outcomes where a_m = 0 contribute 0 (0·log 0 = 0) in value and in gradient.
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
