import * as tf from '@tensorflow/tfjs';
import { exp } from '../../ops/exp.ts';
import type { DivergenceDef } from './types.ts';

/**
 * Reverse KL(q ‖ p) = Σ q (log q − log p): mode-seeking, per token (GKD's β = 1 end). MiniLLM minimises the
 * sequence-level reverse KL with a policy gradient over sampled sequences; this token-level term is not that.
 *   f = q·(log q − log p),   g = ∂/∂log q = q·(log q − log p + 1).
 */
export const rklTerms: DivergenceDef = (logP, logQ) => {
  const q = exp(logQ);
  const r = tf.sub(logQ, logP);
  return { f: tf.mul(q, r), g: tf.mul(q, tf.add(r, 1)) };
};
