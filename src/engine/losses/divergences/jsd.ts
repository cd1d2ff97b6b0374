import * as tf from '@tensorflow/tfjs';
import { exp } from '../../ops/exp.ts';
import type { DivergenceDef } from './types.ts';
import { klTerms } from './kl.ts';
import { rklTerms } from './rkl.ts';
import { logMix } from '../log_math.ts';

/**
 * Generalized Jensen–Shannon divergence (GKD, Agarwal et al. 2024), p the teacher, q the student, β = jsd_beta:
 *   JSD_β(p ‖ q) = β·KL(p ‖ m) + (1 − β)·KL(q ‖ m),   m = β·p + (1 − β)·q,   0 < β < 1,
 * and at the endpoints TRL's GKDTrainer.generalized_jsd_loss: β = 0 is forward KL(p ‖ q), β = 1 reverse KL(q ‖ p)
 * (the mixture formula itself vanishes at both ends; TRL switches to the two KLs there, and so do we). β = ½ is
 * the symmetric Jensen–Shannon divergence, bounded by ln 2.
 *   f = β·p·(log p − log m) + (1 − β)·q·(log q − log m),   g = ∂/∂log q = (1 − β)·q·(log q − log m)
 * (the terms of ∂ log m / ∂ log q cancel: β·p + (1 − β)·q = m).
 */
export const jsdTerms: DivergenceDef = (logP, logQ, params) => {
  const b = params.jsd_beta;
  if (!(b >= 0 && b <= 1)) throw new Error(`jsd_beta must be in [0, 1], got ${b}`);
  if (b === 0) return klTerms(logP, logQ, params);
  if (b === 1) return rklTerms(logP, logQ, params);
  const p = exp(logP);
  const q = exp(logQ);
  const logM = logMix(logP, logQ, b);
  const fromQ = tf.mul(q, tf.sub(logQ, logM));
  return { f: tf.add(tf.mul(tf.mul(p, tf.sub(logP, logM)), b), tf.mul(fromQ, 1 - b)), g: tf.mul(fromQ, 1 - b) };
};
