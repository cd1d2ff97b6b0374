import * as tf from '@tensorflow/tfjs';
import { exp } from '../../ops/exp.ts';
import type { DivergenceDef } from './types.ts';
import { logMix } from '../log_math.ts';

/**
 * Skew reverse KL (DistiLLM, Ko et al. 2024): SRKL_α(p ‖ q) = KL(q ‖ m), m = (1 − α)·p + α·q. α = 0 is reverse KL.
 *   f = q·(log q − log m),   g = ∂/∂log q = q·(log q − log m + 1 − α·q / m).
 */
export const skewRklTerms: DivergenceDef = (logP, logQ, { skew_alpha: a }) => {
  const q = exp(logQ);
  const logM = logMix(logP, logQ, 1 - a);
  const r = tf.sub(logQ, logM);
  return { f: tf.mul(q, r), g: tf.mul(q, tf.sub(tf.add(r, 1), tf.mul(exp(r), a))) };
};
