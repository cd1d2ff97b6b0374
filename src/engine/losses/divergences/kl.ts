import * as tf from '@tensorflow/tfjs';
import { exp } from '../../ops/exp.ts';
import type { DivergenceDef } from './types.ts';

/**
 * Forward KL(p ‖ q) = Σ p (log p − log q): mode-covering; Hinton et al.'s KD loss (up to T²).
 *   f = p·(log p − log q),   g = ∂/∂log q = −p.
 */
export const klTerms: DivergenceDef = (logP, logQ) => {
  const p = exp(logP);
  return { f: tf.mul(p, tf.sub(logP, logQ)), g: tf.neg(p) };
};
