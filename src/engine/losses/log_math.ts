/**
 * Log-space helpers shared by the alignment and the divergences. Each is tie-safe and finite-gradient for
 * finite inputs (no `where` over a branch whose gradient is infinite).
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { exp } from '../ops/exp.ts';
import { floorAt } from '../ops/floor_at.ts';

/**
 * log(exp(a) + exp(b)), elementwise, computed as m + log(exp(a − m) + exp(b − m)) with m = max(a, b).
 * The gradient through m is (1 − Σ softmax) = 0, so ties (a = b) get the exact gradient ½, ½.
 */
export function logAddExp<T extends Tensor>(a: T, b: T): T {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log(tf.add(exp(tf.sub(a, m)), exp(tf.sub(b, m)))));
}

/**
 * Floor for log-probabilities where ±∞ arithmetic would appear (log 0 from a −∞ logit, or p = 0 given as
 * input). exp(x) is already 0 in float32 below ≈ −103.3, so for finite logits (gaps < 1e4) the floor changes
 * nothing; it keeps −∞ − (−∞) = NaN and 0·∞ out of values and gradients.
 */
export const LOG_PROB_FLOOR = -1e4;

/**
 * Log of the mixture w·p + (1 − w)·q from log p and log q: logAddExp(log w + log p, log(1 − w) + log q), with
 * both logs floored at LOG_PROB_FLOOR first (an outcome to which both give 0 would otherwise be NaN).
 * w = 0 and w = 1 return log q and log p themselves (no log 0).
 */
export function logMix<T extends Tensor>(logP: T, logQ: T, weightP: number): T {
  if (!(weightP >= 0 && weightP <= 1)) throw new Error(`mixture weight must be in [0, 1], got ${weightP}`);
  if (weightP === 0) return logQ;
  if (weightP === 1) return logP;
  const floored = (x: T): T => floorAt(x, LOG_PROB_FLOOR);
  return logAddExp(tf.add(floored(logP), Math.log(weightP)), tf.add(floored(logQ), Math.log1p(-weightP)));
}
