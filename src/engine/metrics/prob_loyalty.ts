import * as tf from '@tensorflow/tfjs';
import type { Tensor1D } from '@tensorflow/tfjs';

/**
 * Probability loyalty per position: 1 − √JS(p ‖ q), with JS the symmetric Jensen–Shannon divergence in bits
 * (JS_nats / ln 2, which lies in [0, 1]); √JS is a metric (Endres & Schindelin 2003). 1 for identical
 * distributions, 0 for disjoint supports. JS is clamped to [0, 1] first: rounding can leave it slightly outside.
 * From JS in nats [P] (divergences/jsd.ts at β = ½) → [P].
 */
export function probLoyalty(jsNats /* [P] */: Tensor1D): Tensor1D {
  const jsBits = tf.div(jsNats, Math.LN2);
  return tf.sub(1, tf.sqrt(tf.clipByValue(jsBits, 0, 1)));
}
