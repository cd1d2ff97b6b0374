import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DivergenceFn } from './types.ts';

/**
 * KL(a ‖ b) = Σ_m a_m (log a_m − log b_m) per row, from log a and log b [P, M] → [P] nats.
 * Outcomes where a_m = exp(log a_m) underflows to 0 (or log a_m = −∞) contribute 0 (0·log 0 = 0): the log-ratio
 * is zeroed there *before* the product, so neither the value nor the gradient sees 0·∞.
 */
export function klFromLogs(logA /* [P, M] */: Tensor2D, logB /* [P, M] */: Tensor2D): Tensor1D {
  const a = tf.exp(logA);
  const logRatio = tf.where(tf.greater(a, 0), tf.sub(logA, logB), tf.zerosLike(logA));
  return tf.sum(tf.mul(a, logRatio), 1);
}

/** Forward KL(p ‖ q) = Σ p (log p − log q): mode-covering; Hinton et al.'s KD loss (up to T²). */
export const kl: DivergenceFn = (logP, logQ) => klFromLogs(logP, logQ);
