import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor1D } from '@tensorflow/tfjs';

/**
 * Σ_p w_p·x_p / max(Σ_p w_p, 1): the mean over selected positions (w = 1 distilled, 0 not), 0 when none is.
 * Positions with w = 0 contribute exactly 0 even if x_p is NaN or ±∞ there (padding rows may hold garbage).
 */
export function weightedMean(values /* [P] */: Tensor1D, weights /* [P] */: Tensor1D): Scalar {
  if (values.shape[0] !== weights.shape[0]) {
    throw new Error(`weightedMean: ${values.shape[0]} values but ${weights.shape[0]} weights`);
  }
  const w = tf.cast(weights, 'float32');
  const selected = tf.where(tf.greater(w, 0), values, tf.zerosLike(values));
  return tf.div(tf.sum(tf.mul(w, selected)), tf.maximum(tf.sum(w), 1));
}
