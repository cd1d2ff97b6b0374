/**
 * A divergence's per-outcome terms (types.ts) as a differentiable per-row op: D_p = Σ_m f[p, m], with
 * ∂D_p/∂log q = g where log q ≥ LOG_PROB_FLOOR (0 where the floor binds). log p is a constant (the teacher).
 * Both logs are floored first, so an outcome that one side gives probability 0 (log = −∞) contributes its
 * limit (0·log 0 = 0) and every value and gradient stays finite.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { LOG_PROB_FLOOR } from '../log_math.ts';
import type { DivergenceDef, DivergenceFn } from './types.ts';

export function rowDivergence(def: DivergenceDef): DivergenceFn {
  return (logP, logQ, params) => {
    const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
      const [lq, save] = args as [Tensor2D, GradSaveFunc];
      const { f, g } = def(tf.maximum(logP, LOG_PROB_FLOOR), tf.maximum(lq, LOG_PROB_FLOOR), params);
      save([tf.mul(g, tf.cast(tf.greaterEqual(lq, LOG_PROB_FLOOR), 'float32'))]);
      return {
        value: tf.sum(f, 1),
        gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => tf.mul(tf.reshape(dy as Tensor, [-1, 1]), saved[0]),
      };
    });
    return op(logQ) as Tensor1D;
  };
}
