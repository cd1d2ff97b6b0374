import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { jsd } from '../losses/divergences/jsd.ts';

/**
 * Probability loyalty per position: 1 − √JS(p ‖ q), with JS the symmetric Jensen–Shannon divergence in bits
 * (JS_nats / ln 2, which lies in [0, 1]); √JS is a metric (Endres & Schindelin 2003). 1 for identical
 * distributions, 0 for disjoint supports. JS is clamped to [0, 1] first: rounding can leave it slightly outside.
 * From log-probabilities [P, M] over a common support (losses/align.ts) → [P].
 */
export function probLoyalty(logP /* [P, M] */: Tensor2D, logQ /* [P, M] */: Tensor2D): Tensor1D {
  const jsBits = tf.div(jsd(logP, logQ, { jsd_beta: 0.5, skew_alpha: 0 }), Math.LN2);
  return tf.sub(1, tf.sqrt(tf.clipByValue(jsBits, 0, 1)));
}
