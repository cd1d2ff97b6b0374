import * as tf from '@tensorflow/tfjs';
import { exp } from '../../ops/exp.ts';
import type { DivergenceDef } from './types.ts';
import { logMix } from '../log_math.ts';

/**
 * Skew KL (DistiLLM, Ko et al. 2024): SKL_α(p ‖ q) = KL(p ‖ m), m = α·p + (1 − α)·q, α = skew_alpha.
 * α = 0 is forward KL; the α·p share bounds the log-ratio by log(1/α) where q → 0. The mixture is taken in log
 * space (logAddExp).
 *   f = p·(log p − log m),   g = ∂/∂log q = −p·(1 − α)·q / m.
 */
export const skewKlTerms: DivergenceDef = (logP, logQ, { skew_alpha: a }) => {
  const p = exp(logP);
  const logM = logMix(logP, logQ, a);
  return { f: tf.mul(p, tf.sub(logP, logM)), g: tf.mul(tf.neg(p), tf.mul(exp(tf.sub(logQ, logM)), 1 - a)) };
};
