import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DivergenceFn } from './types.ts';
import { LOG_PROB_FLOOR } from '../log_math.ts';
import { floorAt } from '../../ops/floor_at.ts';

/**
 * KL(a ‖ b) = Σ_m a_m (log a_m − log b_m) per row, from log a and log b [P, M] → [P] nats, with both logs
 * floored at LOG_PROB_FLOOR (log_math.ts). Outcomes where a_m = 0 contribute 0 (0·log 0 = 0) in value and in
 * gradient; where b_m = 0 but a_m > 0 the term is large (≈ 1e4·a_m) but finite, as is its gradient.
 * (A `where` mask would not do: its condition would depend on the student, and tfjs has no gradient for the
 * comparison ops on the tape.)
 *
 * `constantA`: log a is a constant (the teacher: no gradient flows to it) and each row a normalised
 * log-distribution (Σ_m a_m = 1, as alignDistributions gives). Then a is computed as softmax(log a), the same
 * numbers up to rounding, through the backend's Softmax kernel: on wasm XNNPACK's vectorised softmax instead of
 * a scalar Exp (≈ 20 vs 116 ms at [2048, 8192], the dense-teacher path). Leave it false where a is the student:
 * softmax's gradient with respect to raw log a is not exp's.
 */
export function klFromLogs(logA /* [P, M] */: Tensor2D, logB /* [P, M] */: Tensor2D, constantA = false): Tensor1D {
  const safeA = floorAt(logA, LOG_PROB_FLOOR);
  const safeB = floorAt(logB, LOG_PROB_FLOOR);
  const a = constantA ? tf.softmax(safeA) : tf.exp(safeA);
  return tf.sum(tf.mul(a, tf.sub(safeA, safeB)), 1);
}

/** Forward KL(p ‖ q) = Σ p (log p − log q): mode-covering; Hinton et al.'s KD loss (up to T²). */
export const kl: DivergenceFn = (logP, logQ) => klFromLogs(logP, logQ, true);
